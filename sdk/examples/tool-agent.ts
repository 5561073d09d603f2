// Example (a): a tool-calling agent. One `agent()` run: the model asks for a tool, the tool runs, the model
// answers with its result. Trace: invoke_agent travel-assistant → chat, execute_tool get_weather, chat.
import { agent } from '@beacon/sdk';
import { DEFAULT_MODEL, defineTool, type ExampleOptions, openaiClient, runToolLoop } from './shared.js';

export interface ToolAgentResult {
  traceId: string;
  answer: string;
  toolCalls: string[];
}

const getWeather = defineTool('get_weather', 'Current weather of a city', { city: 'City name' }, (args) => {
  const city = typeof args.city === 'string' ? args.city : 'somewhere';
  return `${city}: sunny, 21°C, light wind`;
});

export const AGENT_NAME = 'travel-assistant';

export function run(options: ExampleOptions & { question?: string }): Promise<ToolAgentResult> {
  const client = openaiClient(options);
  return agent(AGENT_NAME, async (span) => {
    const result = await runToolLoop(client, {
      model: options.model ?? DEFAULT_MODEL,
      system: 'You are a travel assistant. Use the tools to answer.',
      user: options.question ?? 'What is the weather in Lisbon today?',
      tools: [getWeather],
    });
    return { traceId: span.spanContext().traceId, answer: result.answer, toolCalls: result.toolCalls };
  });
}
