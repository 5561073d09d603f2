// Live token count of the edited prompt with gpt-tokenizer's o200k_base (the GPT-4o / GPT-4.1 / GPT-5 / o-series
// encoding). Its ranks are 2 MB of JavaScript, so the module loads on first use, in its own chunk.
import type { ReplayProvider } from '@beacon/collector/api-contract';
import { useEffect, useState } from 'react';

type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | null = null;

function loadTokenizer(): Promise<CountTokens> {
  loading ??= import(/* webpackChunkName: "tokenizer" */ 'gpt-tokenizer/encoding/o200k_base').then(
    (m) => (text: string) => m.countTokens(text),
  );
  // A failed load (offline chunk, …) may succeed on the next mount.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** Whether o200k_base is the model's own tokenizer; for any other model the count is an estimate. */
export function isExactTokenizer(provider: ReplayProvider, model: string): boolean {
  return provider === 'openai' && /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt-4o|gpt-oss)/.test(model);
}

export type TokenCount =
  | { status: 'loading' }
  | { status: 'ready'; tokens: number }
  | { status: 'error'; error: Error };

export function useTokenCount(text: string): TokenCount {
  const [count, setCount] = useState<CountTokens | Error | null>(null);
  useEffect(() => {
    let live = true;
    loadTokenizer().then(
      (fn) => live && setCount(() => fn),
      (err: unknown) => live && setCount(err instanceof Error ? err : new Error(String(err))),
    );
    return () => {
      live = false;
    };
  }, []);
  if (count === null) return { status: 'loading' };
  if (count instanceof Error) return { status: 'error', error: count };
  return { status: 'ready', tokens: count(text) };
}
