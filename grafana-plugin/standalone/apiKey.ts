// The API key of the standalone UI, for a collector started with BEACON_AUTH=on: kept in sessionStorage (this tab,
// until it closes; never localStorage, never the URL), and a fetch that reports the collector refusing it (401).
// Inside Grafana none of this applies: the plugin proxy route adds the key from the app's settings.
import { isApiErrorBody } from '../src/api/client';

const STORAGE_KEY = 'beacon.apiKey';

/** sessionStorage, or null where the browser refuses it (storage disabled, sandboxed frame). */
function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function readStoredKey(): string | null {
  try {
    return tabStorage()?.getItem(STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  try {
    tabStorage()?.setItem(STORAGE_KEY, key);
  } catch {
    // Storage full or refused: the key still works until the page reloads.
  }
}

export function forgetStoredKey(): void {
  try {
    tabStorage()?.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** `doFetch`, calling `onUnauthorized` with the collector's message whenever it answers 401. */
export function watchUnauthorized(
  doFetch: typeof fetch,
  onUnauthorized: (message: string) => void,
): typeof fetch {
  return async (input, init) => {
    const response = await doFetch(input, init);
    if (response.status === 401) {
      let message = 'the API key was refused';
      try {
        const body: unknown = await response.clone().json();
        if (isApiErrorBody(body)) message = body.error.message;
      } catch {
        // not JSON: keep the generic message
      }
      onUnauthorized(message);
    }
    return response;
  };
}
