// Example (b): a multi-agent run. A planner agent makes a plan with one model call, delegates to two worker
// agents — a researcher and a writer, each with its own model calls and tool — and summarises their work with a
// last model call. Worker agents run inside the planner's span, so the trace graph shows planner → researcher and
// planner → writer (handoff edges), each worker → its model and tool.
import { agent, llmCall } from '@beacon/sdk';
import { DEFAULT_MODEL, defineTool, type ExampleOptions, openaiClient, runToolLoop } from './shared.js';

export const PLANNER = 'planner';
export const RESEARCHER = 'researcher';
export const WRITER = 'writer';

export interface MultiAgentResult {
  traceId: string;
  plan: string;
  research: string;
  draft: string;
  summary: string;
}

const searchWeb = defineTool('search_web', 'Searches the web', { query: 'Search query' }, (args) => {
  const query = typeof args.query === 'string' ? args.query : '';
  return `Top result for "${query}": Lisbon has 300 sunny days a year and trams since 1873.`;
});

const formatReport = defineTool(
  'format_report',
  'Formats notes as a short report',
  { notes: 'Notes' },
  (args) => {
    const notes = typeof args.notes === 'string' ? args.notes : '';
    return `REPORT\n- ${notes.split('. ').join('\n- ')}`;
  },
);

export function run(options: ExampleOptions & { topic?: string }): Promise<MultiAgentResult> {
  const client = openaiClient(options);
  const model = options.model ?? DEFAULT_MODEL;
  const topic = options.topic ?? 'a weekend in Lisbon';
  const ask = (system: string, user: string) =>
    llmCall(
      {
        provider: 'openai',
        model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
      },
      () =>
        client.chat.completions.create({
          model,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        }),
    ).then((completion) => completion.choices[0]?.message.content ?? '');

  return agent(PLANNER, async (span) => {
    const plan = await ask(
      'You plan work for a researcher and a writer.',
      `Plan a travel note about ${topic}.`,
    );
    const research = await agent(RESEARCHER, async () => {
      const result = await runToolLoop(client, {
        model,
        system: 'You research facts with the search tool.',
        user: `Find facts for: ${plan}`,
        tools: [searchWeb],
      });
      return result.answer;
    });
    const draft = await agent(WRITER, async () => {
      const result = await runToolLoop(client, {
        model,
        system: 'You write short travel notes; format them with the tool.',
        user: `Write a note from these facts: ${research}`,
        tools: [formatReport],
      });
      return result.answer;
    });
    const summary = await ask('You summarise the team’s work.', `Summarise: ${draft}`);
    return { traceId: span.spanContext().traceId, plan, research, draft, summary };
  });
}
