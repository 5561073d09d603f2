import { type DependencyList, useEffect, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; value?: undefined; error?: undefined }
  | { status: 'success'; value: T; error?: undefined }
  | { status: 'error'; value?: undefined; error: Error };

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Runs `load` whenever `deps` change; the previous run is aborted and its result ignored. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setState({ status: 'success', value });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: toError(err) });
      },
    );
    return () => controller.abort();
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  }, deps);
  return state;
}
