/**
 * The kinetic tournament against a scan of every line at every time: the same winner (ties to the
 * lowest tie value) through knock-downs, and restarts after slope, first-tie and presence
 * changes; values up to 2⁵⁰.
 */
import { describe, expect, it } from 'vitest';
import { KineticMax } from '../../src/balancers/kinetic-max.js';
import { createStream } from '../../src/random/rng.js';

function scanWinner(L: number, t: number, slope: Float64Array, base: Float64Array, tie: Int32Array, present: boolean[]): number {
  let best = -1, bestValue = 0;
  for (let g = 0; g < L; g++) {
    if (!present[g]) continue;
    const v = t * slope[g] + base[g];
    if (best < 0 || v > bestValue || (v === bestValue && tie[g] < tie[best])) {
      best = g; bestValue = v;
    }
  }
  return best;
}

/**
 * `steps` times, each: advance, compare with the scan, then knock the winner down (as a pick
 * does), or change a line's slope, first tie or presence and restart every line (as a rebuild does).
 */
function drive(L: number, steps: number, seed: number, maxSlope: number, knock: number, stride = 1): void {
  const rng = createStream(seed, 'kinetic');
  const slope = new Float64Array(L), firstTie = new Int32Array(L), present: boolean[] = [];
  // the reference: every line's base and tie
  const refBase = new Float64Array(L), refTie = new Int32Array(L);
  for (let g = 0; g < L; g++) {
    slope[g] = 1 + Math.floor(rng.next() * maxSlope);
    firstTie[g] = refTie[g] = (g * 7919) % L; // a permutation (7919 is prime): ties distinct, not in id order
    present.push(rng.next() < 0.9);
  }
  const tree = new KineticMax();
  tree.build(L, (g) => slope[g], (g) => firstTie[g], (g) => present[g]);
  let t = 1;
  for (let step = 0; step < steps; step++) {
    t += 1 + Math.floor(rng.next() * stride);
    tree.advance(t);
    const want = scanWinner(L, t, slope, refBase, refTie, present);
    expect(tree.winner(), `time ${t}`).toBe(want);
    const u = rng.next();
    if (u < 0.85 && want >= 0) {
      refBase[want] -= knock;
      refTie[want] = -refTie[want] - 1; // a new tie, still distinct from every other
      tree.setLine(want, refBase[want], refTie[want], t);
      continue;
    }
    const g = Math.floor(rng.next() * L), v = rng.next();
    if (v < 0.4) slope[g] = 1 + Math.floor(rng.next() * maxSlope);
    else if (v < 0.7) present[g] = !present[g];
    else firstTie[g] = -firstTie[g] - 1;
    tree.changed(g, slope[g], firstTie[g], present[g]);
    tree.restart();
    refBase.fill(0);
    refTie.set(firstTie);
  }
}

describe('KineticMax: the winner at every time = the scan', () => {
  it.each([1, 2, 3, 5, 16, 17, 100, 257])('%i lines, small slopes (many exact ties)', (L) => {
    drive(L, 3_000, L, 3, 5);
  });

  it('1,000 lines, slopes up to 2²¹, knock-downs of the slopes’ sum, times skipped ahead', () => {
    drive(1_000, 5_000, 11, 2 ** 21, 2 ** 21 * 500, 50);
  });

  it('values near 2⁵⁰: the certificate to the exact time', () => {
    const slope = [2 ** 21 - 1, 2 ** 21], tie = [1, 0];
    const tree = new KineticMax();
    tree.build(2, (g) => slope[g], (g) => tie[g], () => true);
    tree.setLine(1, -(2 ** 50 + 12_345), 0, 1);
    // line 1 overtakes when 2^21·t − 2^50 − 12,345 ≥ (2^21 − 1)·t, i.e. t ≥ 2^50 + 12,345 (tie to line 1)
    const at = 2 ** 50 + 12_345;
    expect(tree.overtakes(1, 0, 1)).toBe(at);
    tree.advance(at - 1);
    expect(tree.winner()).toBe(0);
    tree.advance(at);
    expect(tree.winner()).toBe(1);
    // a quotient just below an integer: 3·t > 3·2⁴⁹ − 1 first at t = 2⁴⁹ (line 1 has the higher tie: strictly ahead)
    const other = new KineticMax();
    other.build(2, (g) => [1, 4][g], (g) => g, () => true);
    other.setLine(1, -(3 * 2 ** 49 - 1), 1, 1);
    expect(other.overtakes(1, 0, 1)).toBe(2 ** 49);
  });

  it('absent lines never win; none present: -1', () => {
    const slope = [5, 1, 9], tree = new KineticMax();
    tree.build(3, (g) => slope[g], (g) => g, (g) => g === 1);
    expect(tree.winner()).toBe(1);
    tree.changed(1, 1, 1, false);
    tree.restart();
    expect(tree.winner()).toBe(-1);
    tree.changed(2, 9, 2, true);
    tree.restart();
    expect([tree.winner(), tree.steepest()]).toEqual([2, 2]);
  });
});
