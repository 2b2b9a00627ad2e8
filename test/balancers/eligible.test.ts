import { describe, expect, it } from 'vitest';
import { EligibleIndex, countEligible, nthEligible } from '../../src/balancers/eligible.js';
import { createStream } from '../../src/random/rng.js';
import { fakeContext, create } from './fake-context.js';
import type { BalancerContext } from '../../src/balancers/balancer.js';

/** The k-th set flag by a scan: the definition the index must follow. */
function nthByScan(flags: Uint8Array, k: number): number {
  for (let s = 0; s < flags.length; s++) if (flags[s] === 1 && k-- === 0) return s;
  return -1;
}

describe('EligibleIndex', () => {
  it.each([1, 5, 100, 3000])('nthExcept: the k-th eligible server not among given ones, as a scan finds it (%i servers; a few or many left out)', (n) => {
    const rng = createStream(n, 'except');
    let wrong = 0, asked = 0;
    for (let round = 0; round < 60; round++) {
      const flags = new Uint8Array(n).map(() => (rng.next() < 0.6 ? 1 : 0));
      const index = new EligibleIndex(flags);
      const eligible = [...flags.keys()].filter((s) => flags[s] === 1);
      // Up to 40 distinct eligible ids left out, in random order (past 16 they are sorted another way).
      const out = eligible.filter(() => rng.next() < (round % 2 === 0 ? 0.05 : 0.5)).slice(0, 40);
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      const rest = eligible.filter((s) => !out.includes(s));
      for (let k = 0; k < rest.length; k += 1 + Math.floor(rng.next() * 7)) {
        const ids = new Int32Array(out.length + 3).fill(-5); // longer than m: the tail is not read
        ids.set(out);
        asked++;
        if (index.nthExcept(k, ids, out.length) !== rest[k]) wrong++;
      }
    }
    expect(asked).toBeGreaterThan(n === 1 ? 0 : 50);
    expect(wrong).toBe(0);
  });

  it.each([1, 2, 7, 64, 100, 1000])('counts and ranks the eligible servers as a scan does (%i servers, random changes)', (n) => {
    const rng = createStream(n, 'test');
    const flags = new Uint8Array(n).map(() => (rng.next() < 0.7 ? 1 : 0));
    const index = new EligibleIndex(flags);
    let wrong = 0;
    for (let step = 0; step < 300; step++) {
      const s = Math.floor(rng.next() * n);
      index.set(s, rng.next() < 0.5 ? 1 : 0);
      let count = 0;
      for (const f of flags) count += f;
      if (index.count !== count) wrong++;
      for (let k = -1; k <= count; k += step % 7 === 0 ? 1 : 13) if (index.nth(k) !== nthByScan(flags, k)) wrong++;
      if (step % 50 === 0) {
        flags[Math.floor(rng.next() * n)] ^= 1; // written behind its back, then re-read
        index.load();
      }
    }
    expect(wrong).toBe(0);
  });
});

/** Two contexts over the same flags and seed: one with the index, one that scans. */
function pair(n: number, seed: number): [BalancerContext, BalancerContext, EligibleIndex] {
  const a = fakeContext(n, { seed }), b = fakeContext(n, { seed });
  const index = new EligibleIndex(a.ctx.eligible);
  const indexed = { ...a.ctx, eligibleIndex: index };
  // The scanning context reads the same flags and counts.
  const scanning = { ...b.ctx, eligible: a.ctx.eligible, outstanding: a.ctx.outstanding, trueLoad: a.ctx.outstanding };
  return [indexed, scanning, index];
}

describe('policies drawing among eligible servers choose the same with and without the index', () => {
  it.each([
    ['random', {}],
    ['power-of-two', {}],
    ['power-of-two', { choices: 3 }],
    ['power-of-two', { choices: 8 }],
  ] as const)('%s %j: identical picks while servers leave and return', (name, options) => {
    const n = 50;
    const [indexed, scanning, index] = pair(n, 9);
    expect(countEligible(indexed)).toBe(countEligible(scanning));
    const bi = create(name, { ctx: indexed, time: 0 }, options), bs = create(name, { ctx: scanning, time: 0 }, options);
    const rng = createStream(3, 'flips');
    let slow = 0, wrong = 0;
    for (let i = 0; i < 20_000; i++) {
      if (i % 10 === 0) {
        // Mostly ineligible at times (down to none), so the slow paths run.
        const s = Math.floor(rng.next() * n), up = rng.next() < (i % 4000 < 2000 ? 0.5 : 0.02) ? 1 : 0;
        index.set(s, up);
      }
      if (index.count < n) slow++;
      const a = bi.pick(0), b = bs.pick(0);
      if (a !== b || (a >= 0 && indexed.eligible[a] !== 1) || nthEligible(indexed, 0) !== nthEligible(scanning, 0)) wrong++;
      if (a >= 0) indexed.outstanding[a] = (indexed.outstanding[a] + 1) % 7;
    }
    expect(wrong).toBe(0);
    expect(slow).toBeGreaterThan(10_000);
  });
});
