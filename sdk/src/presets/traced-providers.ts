// Which providers' client libraries a Beacon preset has instrumented in this process. The LangChain preset reads
// it: LangChain over an instrumented client would otherwise give one LLM call two LLM spans (double tokens/cost).
const traced = new Set<string>();

export function markProviderTraced(provider: string): void {
  traced.add(provider);
}

export function isProviderTraced(provider: string): boolean {
  return traced.has(provider);
}
