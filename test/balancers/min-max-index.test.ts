/** MinMaxIndex against brute force (dynamic WRR against its full scan: min-index.test.ts). */
import { describe, expect, it } from 'vitest';
import { MinMaxIndex } from '../../src/balancers/min-max-index.js';
import { createStream } from '../../src/random/rng.js';

/** The smallest key and the largest finite one of `keys` (+Infinity and −Infinity when none is finite). */
function scan(keys: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const k of keys) {
    if (k < lo) lo = k;
    if (k !== Infinity && k > hi) hi = k;
  }
  return [lo, hi];
}

describe('MinMaxIndex', () => {
  it('agrees with brute force on the minimum and the maximum through loads and sets, +Infinity counting for neither', () => {
    const rng = createStream(5, 'index');
    for (const n of [1, 2, 7, 8, 9, 63, 64, 65, 100, 513, 4097]) {
      const index = new MinMaxIndex(n), keys = new Float64Array(n).fill(Infinity);
      expect([index.minimum(), index.maximum()]).toEqual([Infinity, -Infinity]);
      for (let s = 0; s < n; s++) keys[s] = rng.next() < 0.2 ? Infinity : Math.floor(rng.next() * 6);
      index.load(keys);
      expect([index.minimum(), index.maximum()]).toEqual(scan(keys));
      for (let step = 0; step < 3000; step++) {
        const s = Math.floor(rng.next() * n), u = rng.next();
        // few distinct values: ties, and extremes given up while another server still holds them
        keys[s] = u < 0.2 ? Infinity : u < 0.3 ? Math.floor(rng.next() * 6) / 7 : Math.floor(rng.next() * 6);
        index.set(s, keys[s]);
        expect([index.minimum(), index.maximum()]).toEqual(scan(keys));
      }
    }
  });
});
