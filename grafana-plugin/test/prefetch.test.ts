// standalone/prefetch.ts: the App's request for the trace index.html's script already asked for takes that answer,
// once, and only for the same URL and key.
import { describe, expect, it, vi } from 'vitest';
import { type PrefetchSource, withPrefetched } from '../standalone/prefetch';

const URL = '/api/v1/traces/0123456789abcdef0123456789abcdef?spans=outline&include=graph';

function setUp(authorization: string | null = null) {
  const early = new Response('{"early":true}');
  const source: PrefetchSource = {
    __beaconPrefetch: { url: URL, authorization, response: Promise.resolve(early) },
  };
  const network = vi.fn<typeof fetch>(async () => new Response('{"late":true}'));
  return { source, network, fetch: withPrefetched(network, source) };
}

describe('the prefetched trace', () => {
  it('answers the first request for its URL, and only that one', async () => {
    const { fetch, network } = setUp();
    expect(await (await fetch(URL, { headers: { accept: 'application/json' } })).json()).toEqual({
      early: true,
    });
    expect(network).not.toHaveBeenCalled();
    expect(await (await fetch(URL)).json()).toEqual({ late: true }); // a reload of the page's data asks again
    expect(network).toHaveBeenCalledTimes(1);
  });

  it('is not used for another URL, another key, or a POST', async () => {
    const { fetch, network, source } = setUp('Bearer bk_one');
    await fetch(URL.replace('include=graph', 'include=none'), {});
    await fetch(URL, { headers: { authorization: 'Bearer bk_two' } });
    await fetch(URL, { method: 'POST', headers: { authorization: 'Bearer bk_one' } });
    expect(network).toHaveBeenCalledTimes(3);
    expect(source.__beaconPrefetch).toBeDefined();
    await fetch(URL, { headers: { authorization: 'Bearer bk_one' } });
    expect(network).toHaveBeenCalledTimes(3);
    expect(source.__beaconPrefetch).toBeUndefined();
  });
});
