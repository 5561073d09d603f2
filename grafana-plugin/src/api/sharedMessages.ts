// The trace detail is read with messages=shared: each message once in `messages`, each span naming its own by
// position (the 10,000-span run: 23 MB instead of 58 MB, as a conversation resent with every model call is sent
// once). The views read span.genai's message arrays, so they are filled back here — with the same objects, so a
// 60-message history repeated over 4,000 calls costs 4,000 arrays of references, not 240,000 copies.
import type { GenAISpanView, TraceDetailResponse } from '@beacon/collector/api-contract';

type Message = GenAISpanView['inputMessages'][number];

function filled(genai: GenAISpanView, messages: readonly Message[]): GenAISpanView {
  const refs = genai.messageRefs;
  if (!refs) return genai;
  const at = (positions: readonly number[]) =>
    positions.map((i) => messages[i]).filter((m): m is Message => m !== undefined);
  const { messageRefs: _refs, ...rest } = genai;
  return {
    ...rest,
    systemInstructions: at(refs.system).flatMap((m) => m.parts),
    inputMessages: at(refs.input),
    outputMessages: at(refs.output),
  };
}

/** The detail as if read with inline messages (what every view expects). */
export function withMessagesInline(detail: TraceDetailResponse): TraceDetailResponse {
  const { messages, ...rest } = detail;
  if (!messages) return detail;
  return {
    ...rest,
    spans: detail.spans.map((span) =>
      span.genai?.messageRefs ? { ...span, genai: filled(span.genai, messages) } : span,
    ),
  };
}
