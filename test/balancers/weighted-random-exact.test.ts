/**
 * weighted-random against its definition, with exact integer arithmetic (BigInt) as the oracle:
 * a pick is one draw u·Σ on [0, Σ entry) and the first server (id order) whose cumulative entry
 * exceeds it, entry = weight when eligible and > 0, else 0. While the entries are whole numbers
 * and Σ ≤ 2^53 − 1 the choice must be exactly that one, including totals within a few units of
 * 2^53 and after one-server changes told by rebuild(server); past 2^53 (or with fractional
 * weights) it must still choose only eligible servers of positive weight.
 */
import { describe, expect, it } from 'vitest';
import { create, fakeContext } from './fake-context.js';

const LIMIT = BigInt(Number.MAX_SAFE_INTEGER);
const WEIGHTS = [0, 1, 2, 3, 2 ** 51 + 1, 2 ** 52 - 1, 2 ** 52, 3 * 2 ** 50, 2 ** 53 - 2, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 0.5];

/** The server the definition gives for draw value x (a double), or -1; null when Σ is not exact. */
function oracle(weights: Float64Array, eligible: Uint8Array, u: number): number | null {
  const entries = Array.from(weights, (w, s) => (eligible[s] === 1 && w > 0 ? w : 0));
  if (!entries.every(Number.isInteger)) return null;
  const total = entries.reduce((a, w) => a + BigInt(w), 0n);
  if (total === 0n) return -1;
  if (total > LIMIT) return null;
  const x = BigInt(Math.floor(u * Number(total))); // the draw: cumulative (integer) > u·Σ ⇔ > ⌊u·Σ⌋
  let cumulative = 0n;
  for (let s = 0; s < entries.length; s++) {
    cumulative += BigInt(entries[s]);
    if (cumulative > x) return s;
  }
  throw new Error('draw past the total');
}

describe('weighted-random: exact choices near 2^53', () => {
  it('every pick is the definition\'s server while Σ ≤ 2^53 − 1, and eligible with positive weight past it', () => {
    let exact = 0, inexact = 0, none = 0;
    for (let trial = 0; trial < 400; trial++) {
      const n = [1, 2, 3, 5, 17, 64][trial % 6];
      const fake = fakeContext(n, { seed: trial + 1 });
      const { ctx } = fake;
      const chooser = fakeContext(1, { seed: 1000 + trial }).ctx.rng;
      const choose = (k: number) => Math.floor(chooser.next() * k);
      for (let s = 0; s < n; s++) {
        ctx.weights[s] = WEIGHTS[choose(WEIGHTS.length)];
        ctx.eligible[s] = chooser.next() < 0.8 ? 1 : 0;
      }
      const b = create('weighted-random', fake);
      let u = NaN, draws = 0;
      const next = ctx.rng.next.bind(ctx.rng);
      (ctx.rng as { next(): number }).next = () => {
        draws++;
        return (u = next());
      };
      for (let step = 0; step < 100; step++) {
        if (chooser.next() < 0.3) {
          const s = choose(n);
          if (chooser.next() < 0.5) ctx.weights[s] = WEIGHTS[choose(WEIGHTS.length)];
          else ctx.eligible[s] ^= 1;
          b.rebuild!(chooser.next() < 0.2 ? -1 : s);
        }
        draws = 0;
        const got = b.pick(0);
        const want = draws === 1 ? oracle(ctx.weights, ctx.eligible, u) : draws === 0 ? -1 : null;
        if (want !== null) {
          expect(got, `trial ${trial} step ${step}: weights ${Array.from(ctx.weights)} eligible ${Array.from(ctx.eligible)}`).toBe(want);
          if (want >= 0) exact++;
          else none++;
        } else {
          expect(got).toBeGreaterThanOrEqual(0);
          expect(ctx.eligible[got]).toBe(1);
          expect(ctx.weights[got]).toBeGreaterThan(0);
          inexact++;
        }
      }
    }
    // Each kind of case was met often (the sequences are fixed by the seeds).
    expect(exact).toBeGreaterThan(5000);
    expect(inexact).toBeGreaterThan(5000);
    expect(none).toBeGreaterThan(100);
  });

  it('a total of exactly 2^53 − 1 over three servers: the weight-1 server takes the top draw only', () => {
    const fake = fakeContext(3);
    fake.ctx.weights.set([2 ** 52, 2 ** 52 - 2, 1]);
    const b = create('weighted-random', fake);
    const draws = [0, 0.5, 0.75, 1 - 2 ** -53];
    let k = 0;
    (fake.ctx.rng as { next(): number }).next = () => draws[k++];
    // u·Σ = 0, 2^52 − 0.5, 3·2^51 − 1 (rounded), 2^53 − 2 (rounded): cumulative 2^52, 2^53 − 2, 2^53 − 1.
    expect(draws.map(() => b.pick(0))).toEqual([0, 0, 1, 2]);
    expect(draws.map((u) => oracle(fake.ctx.weights, fake.ctx.eligible, u))).toEqual([0, 0, 1, 2]);
  });
});
