/** SharedSequence (a large fleet's one schedule for a pool-only policy) against each walker's own schedule. */
import { describe, expect, it } from 'vitest';
import { SharedSequence } from '../../src/balancers/shared.js';
import { createStream } from '../../src/random/rng.js';

/** A pool-only "policy": its k-th pick since a rebuild is a function of k and the rebuild's number (-1: none to pick while `empty`). */
function counter() {
  const state = { restarts: 0, k: 0, empty: false };
  return {
    state,
    pick: () => (state.empty ? -1 : state.restarts * 1000 + state.k++),
    rebuild: () => {
      state.restarts++;
      state.k = 0;
    },
  };
}

describe('SharedSequence', () => {
  for (const [walkers, restartEvery] of [[1, 50], [3, 400], [40, 2_000], [200, 100_000]] as const) {
    it(`${walkers} walkers, a restart about every ${restartEvery} picks: each walks what its own schedule would pick, in order`, () => {
      const inner = counter();
      const sequence = new SharedSequence(inner);
      const ws = Array.from({ length: walkers }, () => sequence.walker());
      // Each walker's own schedule: picks since the last restart it has seen.
      const seen = new Array<number>(walkers).fill(0);
      let restarts = 0;
      const rng = createStream(walkers, 'walk');
      for (let i = 0; i < 60_000; i++) {
        const u = rng.next();
        if (u < 1 / restartEvery) {
          sequence.restart(Math.floor(rng.next() * 10) - 1);
          restarts++;
          seen.fill(0);
          continue;
        }
        // Walkers at very different paces: some pick often, some rarely.
        const b = Math.floor(Math.pow(rng.next(), 3) * walkers);
        inner.state.empty = rng.next() < 0.01;
        const s = ws[b].pick(0);
        if (inner.state.empty && s === -1) continue;
        expect(s, `pick ${i}, walker ${b}`).toBe(restarts * 1000 + seen[b]++);
      }
    });
  }

  it('a walker that has not picked since a restart starts at its first pick, however far the others went and whatever was dropped', () => {
    const inner = counter();
    const sequence = new SharedSequence(inner);
    const [a, b, c] = [sequence.walker(), sequence.walker(), sequence.walker()];
    for (let i = 0; i < 5; i++) expect(a.pick(0)).toBe(i);
    for (let i = 0; i < 300; i++) expect(c.pick(0)).toBe(i);
    sequence.restart(3);
    for (let i = 0; i < 1000; i++) expect(b.pick(0)).toBe(1000 + i);
    expect([a.pick(0), c.pick(0), a.pick(0)]).toEqual([1000, 1000, 1001]);
  });
});
