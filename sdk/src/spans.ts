// Running user code inside a span, whatever the code returns: a value (sync), a promise (async) or an async
// iterator (streaming). The span ends when the value is returned, the promise settles, or the iterator finishes,
// fails or is abandoned (return()). Errors are recorded and rethrown unchanged.

import { ERROR_TYPE } from '@beacon/semconv';
import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { currentScope, type Scope, withScope } from './scope.js';

export interface SpanHooks {
  /** Each item an async iterator result yields (streaming). */
  onItem?(item: unknown): void;
  /** The value a sync/async call returned (not called for iterators). */
  onResult?(value: unknown): void;
  /** Just before the span ends, success or failure: last attributes. */
  beforeEnd?(error: unknown): void;
  /** After the span ended, on success only; may throw (a guard) to fail the caller instead. */
  afterEnd?(): void;
  /** Receives a function that fails and ends the span from outside (a guard's timeout). */
  onStart?(abort: (error: unknown) => void): void;
}

/** The name OTel's error.type should carry: the error's class (`LoopDetectedError`, `TypeError`, ...). */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const ctorName = error.constructor?.name;
    return ctorName && ctorName !== 'Error' ? ctorName : error.name || 'Error';
  }
  return typeof error;
}

export function recordError(span: Span, error: unknown, errorType = errorTypeOf(error)): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException({ name: errorType, message: String(error) });
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  span.setAttribute(ERROR_TYPE, errorType);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** An async generator object (its own iterator), as opposed to an iterable that makes iterators. */
function isAsyncIterator(value: AsyncIterable<unknown>): value is AsyncGenerator<unknown> {
  return typeof (value as AsyncGenerator<unknown>).next === 'function';
}

class SpanEnding {
  #ended = false;
  constructor(
    private readonly span: Span,
    private readonly hooks: SpanHooks,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** Ends the span once; returns the error the caller should see (the original, or a guard's). */
  finish(error: unknown, failed: boolean): { failed: boolean; error: unknown } {
    if (this.#ended) return { failed, error };
    this.#ended = true;
    try {
      this.hooks.beforeEnd?.(failed ? error : undefined);
    } catch {
      // A hook must never turn the agent's success into a failure, nor hide its error.
    }
    if (failed && this.span.isRecording()) recordError(this.span, error);
    this.span.end();
    if (!failed && this.hooks.afterEnd) {
      try {
        this.hooks.afterEnd();
      } catch (guardError) {
        return { failed: true, error: guardError };
      }
    }
    return { failed, error };
  }
}

/** Wraps an async iterator so that the span follows its life and its body runs in the span's context. */
function traceIterator<T>(
  iterator: AsyncIterator<T>,
  ending: SpanEnding,
  hooks: SpanHooks,
  enter: <R>(fn: () => R) => R,
): AsyncGenerator<T> {
  const settle = (error: unknown, failed: boolean) => {
    const outcome = ending.finish(error, failed);
    if (outcome.failed) throw outcome.error;
  };
  const wrapped: AsyncGenerator<T> = {
    async next(...args: [] | [unknown]) {
      let result: IteratorResult<T>;
      try {
        result = await enter(() => iterator.next(...args));
      } catch (error) {
        settle(error, true);
        throw error;
      }
      if (result.done) settle(undefined, false);
      else hooks.onItem?.(result.value);
      return result;
    },
    async return(value?: unknown) {
      // Abandoned (break, early return): the span ends as a success with what was seen so far.
      try {
        const result = iterator.return
          ? await enter(() => iterator.return!(value))
          : ({ done: true, value } as IteratorResult<T>);
        settle(undefined, false);
        return result;
      } catch (error) {
        settle(error, true);
        throw error;
      }
    },
    async throw(error: unknown) {
      if (!iterator.throw) {
        settle(error, true);
        throw error;
      }
      try {
        const result = await enter(() => iterator.throw!(error));
        if (result.done) settle(undefined, false);
        return result;
      } catch (thrown) {
        settle(thrown, true);
        throw thrown;
      }
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async [Symbol.asyncDispose]() {
      await this.return(undefined);
    },
  };
  return wrapped;
}

/**
 * An async iterable result traced: a generator object is replaced by a traced generator; any other iterable
 * (e.g. an SDK's Stream object with more methods) is kept, with only its iterator traced.
 */
function traceIterable(
  iterable: AsyncIterable<unknown>,
  ending: SpanEnding,
  hooks: SpanHooks,
  enter: <R>(fn: () => R) => R,
): unknown {
  if (isAsyncIterator(iterable)) return traceIterator(iterable, ending, hooks, enter);
  return new Proxy(iterable, {
    get(target, prop) {
      if (prop === Symbol.asyncIterator) {
        return () => traceIterator(target[Symbol.asyncIterator](), ending, hooks, enter);
      }
      const value: unknown = Reflect.get(target, prop, target);
      // Bound to the target: methods using private fields fail when called on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Runs `fn` with `span` as the active span (and `scope` as the helpers' scope) and ends the span when the work is
 * done, however `fn` returns it.
 */
export function runInSpan<R>(span: Span, scope: Scope, fn: () => R, hooks: SpanHooks = {}): R {
  const ending = new SpanEnding(span, hooks);
  const spanContext = trace.setSpan(context.active(), span);
  // Also how a generator's body is resumed: in the span's context, whoever calls next().
  const enter = <T>(inner: () => T): T => context.with(spanContext, () => withScope(scope, inner));
  hooks.onStart?.((error) => void ending.finish(error, true));
  const resolved = (value: unknown): unknown => {
    if (isAsyncIterable(value) && typeof value !== 'string')
      return traceIterable(value, ending, hooks, enter);
    try {
      hooks.onResult?.(value);
    } catch {
      // Reading the result is best effort (content capture); never fails the agent.
    }
    const outcome = ending.finish(undefined, false);
    if (outcome.failed) throw outcome.error;
    return value;
  };
  let result: R;
  try {
    result = enter(fn);
  } catch (error) {
    const outcome = ending.finish(error, true);
    throw outcome.error;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(resolved, (error: unknown) => {
      throw ending.finish(error, true).error;
    }) as R;
  }
  return resolved(result) as R;
}

/** The scope for code running under a new span: the parent's, with overrides. */
export function childScope(overrides: Scope): Scope {
  return { ...currentScope(), ...overrides };
}
