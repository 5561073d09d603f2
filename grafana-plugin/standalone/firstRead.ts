// The trace page's first read, sent before the bundle has finished evaluating. main.tsx imports this module before
// anything else, and modules evaluate in import order: the request leaves while React, @grafana/ui and the pages
// still evaluate (≈0.5 s on a 2-core machine) instead of after them and the App's first render, and the collector
// answers meanwhile. The App's client takes the answer (firstReadFetch) when it asks for the same URL with the same
// key — the one it would have sent; if it never asks (another page, a key form), the answer is dropped unread.
import { traceOutlinePath } from '../src/api/client';
import { readStoredKey } from './apiKey';

/** The trace page's route (src/routes.tsx: `traces/:traceId/:spanId?`) at the site root, as the standalone host mounts it. */
const TRACE_PAGE = /^\/traces\/([^/]+)(?:\/[^/]+)?\/?$/;

interface FirstRead {
  url: string;
  /** The Authorization header it was sent with ('' without a key): only a request with the same one may take it. */
  authorization: string;
  response: Promise<Response>;
}

let pending: FirstRead | null = null;

/** Sends the first read of the page at `pathname`, if it is a page whose first read is known. */
export function sendFirstRead(pathname: string): void {
  const match = TRACE_PAGE.exec(pathname);
  if (!match?.[1]) return;
  let traceId: string;
  try {
    traceId = decodeURIComponent(match[1]);
  } catch {
    return; // a malformed URL: the page says so itself
  }
  const key = readStoredKey();
  const authorization = key ? `Bearer ${key}` : '';
  const url = traceOutlinePath(traceId);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = fetch(url, { headers });
  response.catch(() => {}); // a failure is the App's to report, when it takes the answer
  pending = { url, authorization, response };
}

function authorizationOf(init: RequestInit | undefined): string {
  return new Headers(init?.headers).get('authorization') ?? '';
}

/** `doFetch`, except that the first GET of the first read's URL with its key gets the answer already on its way. */
export function firstReadFetch(doFetch: typeof fetch): typeof fetch {
  return (input, init) => {
    const read = pending;
    const method = init?.method ?? 'GET';
    if (
      read &&
      method === 'GET' &&
      String(input) === read.url &&
      authorizationOf(init) === read.authorization
    ) {
      pending = null;
      return read.response;
    }
    return doFetch(input, init);
  };
}

sendFirstRead(window.location.pathname);
