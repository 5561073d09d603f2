// OTLP/JSON requests of realistic GenAI agent traces (~2 KB per span: chat spans carrying input/output messages,
// tool calls, an agent root) that are cheap to make at tens of thousands of spans per second, so the load generator
// does not starve the collector of CPU. Attribute JSON is serialized once per span shape; each span only gets fresh
// ids, timestamps and a unique token in its user message (distinct messages, so message dedup does not shrink the
// write work below what real traffic costs).
import { randomBytes } from 'node:crypto';

const UNIQUE = 'UNIQUE_TOKEN_0000000000000000';

type Attr = [string, string | number];

function attrsJson(attrs: Attr[]): string {
  return JSON.stringify(
    attrs.map(([key, value]) => ({
      key,
      value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
    })),
  );
}

const SYSTEM =
  'You are a customer-support agent for an online store. Answer briefly, cite the order status you looked up, ' +
  'never promise refunds above the policy limit, and escalate to a human when the customer asks for one. ';

function chatAttrs(model: string, provider: string, step: number): Attr[] {
  const input = [
    { role: 'system', parts: [{ type: 'text', content: SYSTEM.repeat(4) }] },
    {
      role: 'user',
      parts: [
        {
          type: 'text',
          content: `Order ${UNIQUE} has not arrived yet and the tracking page has said "in transit" for nine days. Can you check where it is and whether I can get a refund or a replacement shipped today?`,
        },
      ],
    },
    {
      role: 'assistant',
      parts: [
        { type: 'tool_call', id: `call_${step}`, name: 'lookup_order', arguments: { order_id: 'A-123456' } },
      ],
    },
    {
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: `call_${step}`, response: { status: 'delayed' } }],
    },
  ];
  const output = [
    {
      role: 'assistant',
      parts: [
        {
          type: 'text',
          content:
            'Your order is delayed at the regional hub; it should arrive within three days. I have opened a ticket so a colleague can offer a replacement if it does not.',
        },
      ],
      finish_reason: 'stop',
    },
  ];
  return [
    ['gen_ai.operation.name', 'chat'],
    ['gen_ai.provider.name', provider],
    ['gen_ai.request.model', model],
    ['gen_ai.response.model', model],
    ['gen_ai.response.id', `resp_${UNIQUE}`],
    ['gen_ai.usage.input_tokens', 1200 + step * 300],
    ['gen_ai.usage.output_tokens', 180],
    ['gen_ai.conversation.id', `conv_${UNIQUE}`],
    ['gen_ai.agent.name', 'support-agent'],
    ['server.address', 'api.openai.com'],
    ['gen_ai.input.messages', JSON.stringify(input)],
    ['gen_ai.output.messages', JSON.stringify(output)],
  ];
}

function toolAttrs(tool: string): Attr[] {
  return [
    ['gen_ai.operation.name', 'execute_tool'],
    ['gen_ai.tool.name', tool],
    ['gen_ai.tool.call.id', `call_${UNIQUE}`],
    ['gen_ai.tool.call.arguments', JSON.stringify({ order_id: 'A-123456', include_history: true })],
    ['gen_ai.tool.call.result', JSON.stringify({ status: 'delayed', hub: 'regional', eta_days: 3 })],
    ['gen_ai.agent.name', 'support-agent'],
  ];
}

interface Shape {
  name: string;
  kind: number;
  /** The span's attribute JSON split at the unique token. */
  attrParts: string[];
}

const shape = (name: string, kind: number, attrs: Attr[]): Shape => ({
  name,
  kind,
  attrParts: attrsJson(attrs).split(UNIQUE),
});

const ROOT = shape('invoke_agent support-agent', 1, [
  ['gen_ai.operation.name', 'invoke_agent'],
  ['gen_ai.agent.name', 'support-agent'],
  ['gen_ai.conversation.id', `conv_${UNIQUE}`],
]);
const CHILDREN: Shape[] = [
  shape('chat gpt-4o-mini', 3, chatAttrs('gpt-4o-mini', 'openai', 1)),
  shape('execute_tool lookup_order', 1, toolAttrs('lookup_order')),
  shape('chat claude-sonnet-4-20250514', 3, chatAttrs('claude-sonnet-4-20250514', 'anthropic', 2)),
  shape('execute_tool create_ticket', 1, toolAttrs('create_ticket')),
  shape('chat gpt-4o', 3, chatAttrs('gpt-4o', 'openai', 3)),
];

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * One request of `spans` spans in traces of up to 10 (an agent root and its model/tool calls); the ids of every span
 * are appended to `ids`.
 */
export function genaiRequest(spans: number, ids: string[]): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const parts: string[] = [];
  let traceId = '';
  let rootId = '';
  for (let i = 0; i < spans; i++) {
    const isRoot = i % 10 === 0;
    const spanShape = isRoot ? ROOT : (CHILDREN[(i % 10) % CHILDREN.length] as Shape);
    const spanId = hex(8);
    if (isRoot) {
      traceId = hex(16);
      rootId = spanId;
    }
    ids.push(spanId);
    const start = now + BigInt(i) * 1_000_000n;
    parts.push(
      `{"traceId":"${traceId}","spanId":"${spanId}","parentSpanId":"${isRoot ? '' : rootId}",` +
        `"name":"${spanShape.name}","kind":${spanShape.kind},"startTimeUnixNano":"${start}",` +
        `"endTimeUnixNano":"${start + 900_000_000n}","status":{},"attributes":${spanShape.attrParts.join(hex(8))}}`,
    );
  }
  return (
    '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"support-bot"}}]},' +
    `"scopeSpans":[{"scope":{"name":"soak"},"spans":[${parts.join(',')}]}]}]}`
  );
}
