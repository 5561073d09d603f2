// jsdom set-up for the plugin's component tests: what @grafana/ui and React Flow expect from a browser.
import { cleanup, configure } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, vi } from 'vitest';

// findBy*/waitFor give up after 1 s by default: a trace page (React Flow, waterfall) can take longer to render in
// jsdom on a loaded 2-core CI machine, which made a passing test fail now and then.
configure({ asyncUtilTimeout: 5000 });

// @grafana/ui's Icon fetches SVGs over the network through react-inlinesvg: render a plain <svg> instead.
vi.mock('react-inlinesvg', () => ({
  default: ({ src, title }: { src?: string; title?: string }) =>
    createElement('svg', {
      'data-icon': src?.split('/').pop()?.replace('.svg', '') ?? 'icon',
      'aria-label': title,
    }),
}));

class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

class IntersectionObserverStub {
  readonly root = null;
  readonly rootMargin = '0px';
  readonly thresholds = [0];
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
  takeRecords(): [] {
    return [];
  }
}

// React Flow reads the zoom from the viewport's CSS transform through DOMMatrixReadOnly.
class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

const g = globalThis as Record<string, unknown>;
g.ResizeObserver ??= ResizeObserverStub;
g.IntersectionObserver ??= IntersectionObserverStub;
g.DOMMatrixReadOnly ??= DOMMatrixReadOnlyStub;

if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
  window.HTMLElement.prototype.scrollIntoView ??= () => {};
}

afterEach(() => {
  cleanup();
});
