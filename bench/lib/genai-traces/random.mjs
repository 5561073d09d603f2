// The seeded random source of the generated traces.

/** sfc32: small, fast, good enough for synthetic data, and the same sequence for the same seed everywhere. */
export function createRandom(seed = 1) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  const float = () => next() / 0x1_0000_0000;
  const hex8 = () => next().toString(16).padStart(8, '0');
  return {
    float,
    /** Integer in [min, max]. */
    int: (/** @type {number} */ min, /** @type {number} */ max) =>
      min + Math.floor(float() * (max - min + 1)),
    chance: (/** @type {number} */ p) => float() < p,
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: (items) => /** @type {any} */ (items[Math.floor(float() * items.length)]),
    /** @template T @param {readonly (readonly [T, number])[]} weighted @returns {T} */
    weighted(weighted) {
      const total = weighted.reduce((sum, [, w]) => sum + w, 0);
      let x = float() * total;
      for (const [item, w] of weighted) {
        x -= w;
        if (x < 0) return item;
      }
      return /** @type {any} */ (weighted[weighted.length - 1])[0];
    },
    /** Log-normal-ish duration in ms around `median`, within [min, max]. */
    duration(/** @type {number} */ median, /** @type {number} */ min, /** @type {number} */ max) {
      const u = Math.max(float(), 1e-9);
      const v = float();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.min(max, Math.max(min, median * Math.exp(0.6 * normal)));
    },
    traceId: () => hex8() + hex8() + hex8() + hex8(),
    spanId: () => hex8() + hex8(),
    hex8,
  };
}

/** @typedef {ReturnType<typeof createRandom>} Random */
