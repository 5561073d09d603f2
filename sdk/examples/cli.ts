// The examples' command line (compiled by run.mjs): starts Beacon with init(), runs one example, flushes.
//
//   node sdk/examples/run.mjs tool-agent|multi-agent|streaming-chat [--base-url URL] [--model M] [--content on|off]
//   node sdk/examples/run.mjs mock-provider [--port N]
//
// Without --base-url the example talks to the built-in mock provider (collector/test/fixtures/mock-llm.ts), so
// nothing but a running collector (`npm start`) is needed. Traces go where OTEL_EXPORTER_OTLP_ENDPOINT points
// (default: OTLP/gRPC on localhost:4317, the collector's default).
import { parseArgs } from 'node:util';
import { init } from '@beacon/sdk';
import { startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import * as multiAgent from './multi-agent.js';
import type { ExampleOptions } from './shared.js';
import * as streamingChat from './streaming-chat.js';
import * as toolAgent from './tool-agent.js';

const EXAMPLES: Record<string, (options: ExampleOptions) => Promise<{ traceId: string }>> = {
  'tool-agent': (o) => toolAgent.run(o),
  'multi-agent': (o) => multiAgent.run(o),
  'streaming-chat': (o) => streamingChat.run({ ...o, onText: (delta) => process.stdout.write(delta) }),
};

const USAGE = `usage: node sdk/examples/run.mjs <${[...Object.keys(EXAMPLES), 'mock-provider'].join('|')}> [flags]
  --base-url <url>   OpenAI-compatible base URL incl. /v1 (default: start the built-in mock provider)
  --model <name>     model (default gpt-4o-mini)
  --content on|off   record prompts and completions (default on: the examples' data is made up)
  --port <n>         mock-provider: port to listen on (default: a free one)
env: OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4317), OTEL_EXPORTER_OTLP_PROTOCOL, OPENAI_API_KEY`;

async function serveMockProvider(): Promise<void> {
  const mock = await startMockLlm();
  console.log(`mock LLM provider listening: --base-url ${mock.url}`);
  console.log(`(Anthropic SDK baseURL: ${mock.anthropicUrl}) — Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await mock.close();
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      model: { type: 'string' },
      content: { type: 'string', default: 'on' },
      help: { type: 'boolean' },
    },
  });
  const name = positionals[0];
  if (values.help || name === undefined) {
    console.log(USAGE);
    return name === undefined && !values.help ? 2 : 0;
  }
  if (name === 'mock-provider') {
    await serveMockProvider();
    return 0;
  }
  const example = EXAMPLES[name];
  if (!example) {
    console.error(`unknown example ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  // LLM spans come from llmCall() in these examples, so no client auto-instrumentation (it would add a second
  // span per call). See sdk/README.md for instrumenting the openai client itself instead.
  const beacon = init({
    serviceName: `beacon-example-${name}`,
    presets: false,
    captureContent: values.content !== 'off',
  });
  const mock = values['base-url'] === undefined ? await startMockLlm() : undefined;
  try {
    const result = await example({
      baseUrl: values['base-url'] ?? mock!.url,
      ...(values.model === undefined ? {} : { model: values.model }),
    });
    if (name === 'streaming-chat') process.stdout.write('\n');
    console.log(JSON.stringify(result, null, 2));
    console.log(`trace ${result.traceId}: http://localhost:4320/traces/${result.traceId}`);
    return 0;
  } finally {
    await beacon.shutdown();
    await mock?.close();
  }
}
