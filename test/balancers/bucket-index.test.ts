/**
 * BucketIndex (and its RankedBits) against brute force and against MinIndex, over random ±1
 * walks with jumps, eligibility changes and loads that climb and drain far past the window of 32
 * keys; and the policies built on it against their full scans through such loads.
 */
import { describe, expect, it } from 'vitest';
import type { Balancer, BalancerContext } from '../../src/balancers/balancer.js';
import { BucketIndex, RankedBits } from '../../src/balancers/bucket-index.js';
import { MinIndex } from '../../src/balancers/min-index.js';
import { indexedLeastConnections, scanLeastConnections } from '../../src/balancers/least-connections.js';
import { indexedJoinShortestQueue, scanJoinShortestQueue } from '../../src/balancers/join-shortest-queue.js';
import { indexedFirst, scanFirst } from '../../src/balancers/first.js';
import { createStream } from '../../src/random/rng.js';
import { fakeContext, told } from './fake-context.js';

describe('RankedBits', () => {
  it('select(k) is the k-th member in id order after random adds and removes', () => {
    const rng = createStream(4, 'bits');
    for (const n of [1, 31, 32, 33, 1023, 1025, 40_000, 70_000]) {
      const bits = new RankedBits(n), member = new Uint8Array(n);
      for (let step = 0; step < 3000; step++) {
        const s = Math.floor(rng.next() * n);
        if (member[s] === 1) bits.remove(s);
        else bits.add(s);
        member[s] ^= 1;
        if (step % 100 !== 99) continue;
        const members: number[] = [];
        for (let i = 0; i < n; i++) if (member[i] === 1) members.push(i);
        expect(bits.count).toBe(members.length);
        for (let j = 0; j < 20 && members.length > 0; j++) {
          const k = j < 2 ? (j === 0 ? 0 : members.length - 1) : Math.floor(rng.next() * members.length);
          expect(bits.select(k)).toBe(members[k]);
        }
        expect(bits.has(s)).toBe(member[s] === 1);
      }
      bits.clear();
      expect(bits.count).toBe(0);
      bits.add(n - 1);
      expect(bits.select(0)).toBe(n - 1);
    }
  });
});

/**
 * Every answer of `index` against the keys themselves (brute force) and against a MinIndex holding
 * them: '' when all agree, else the first disagreement.
 */
function check(index: BucketIndex, keys: Float64Array, bound: number, rng: { next(): number }): string {
  const n = keys.length, ref = new MinIndex(n);
  ref.load(keys);
  let min = Infinity, first = -1;
  const tied: number[] = [];
  for (let s = 0; s < n; s++) {
    if (keys[s] < min) {
      min = keys[s];
      tied.length = 0;
    }
    if (keys[s] === min && min !== Infinity) tied.push(s);
    if (first < 0 && keys[s] < bound) first = s;
  }
  const got = (what: string, a: number, b: number): string => (a === b ? '' : `${what}: ${a}, expected ${b}`);
  let bad = got('minimum', index.minimum(), min) || got('ties', index.ties(), tied.length) || got('ties as MinIndex', index.ties(), ref.ties());
  for (let j = 0; j < 4 && tied.length > 0 && !bad; j++) {
    const k = j === 0 ? 0 : j === 1 ? tied.length - 1 : Math.floor(rng.next() * tied.length);
    bad = got(`nthMinimum(${k})`, index.nthMinimum(k), tied[k]);
  }
  // By value: a count (or -1 beyond the grouped window, never at the minimum), the next value held, the k-th holder past some.
  for (let j = 0; j < 3 && min !== Infinity && !bad; j++) {
    const v = j === 0 ? min : min + Math.floor(rng.next() * 40) - 2;
    const holders: number[] = [];
    for (let s = 0; s < n; s++) if (keys[s] === v) holders.push(s);
    const c = index.countOf(v);
    if (c !== -1 || v === min) bad = got(`countOf(${v})`, c, holders.length);
    let next = -1;
    for (let s = 0; s < n; s++) if (keys[s] > v && keys[s] !== Infinity && (next < 0 || keys[s] < next)) next = keys[s];
    const above = index.nextAbove(v);
    if (!bad && (above !== -1 || v < min)) bad = got(`nextAbove(${v})`, above, next);
    if (bad || c <= 0) continue;
    const except = holders.filter(() => rng.next() < 0.3), rest = holders.filter((s) => !except.includes(s));
    if (rest.length === 0) continue;
    const k = Math.floor(rng.next() * rest.length);
    bad = got(`nthOfExcept(${v}, ${k}, ${except.length} excluded)`, index.nthOfExcept(v, k, Int32Array.from(except), except.length), rest[k]);
  }
  const s = Math.floor(rng.next() * n);
  return bad || got('firstBelow', index.firstBelow(), first) || got(`key(${s})`, index.key(s), keys[s]);
}

describe('BucketIndex', () => {
  it('agrees with brute force and MinIndex over ±1 walks, jumps, absences and whole loads', () => {
    const rng = createStream(3, 'buckets');
    for (const n of [1, 2, 5, 33, 100, 1500]) {
      for (const bound of [1, 3, 45]) {
        const index = new BucketIndex(n, bound), keys = new Float64Array(n);
        for (let s = 0; s < n; s++) keys[s] = Math.floor(rng.next() * 4);
        index.load(keys);
        expect(check(index, keys, bound, rng)).toBe('');
        // Phases: a walk that drifts up (the minimum climbs past the window), one that drifts down,
        // and one that stays; throughout, some servers leave and come back, some keys jump.
        for (const drift of [0.7, 0.25, 0.5]) {
          for (let step = 0; step < 800; step++) {
            const s = Math.floor(rng.next() * n), u = rng.next();
            if (u < 0.04) keys[s] = keys[s] === Infinity ? Math.floor(rng.next() * 60) : Infinity;
            else if (u < 0.06) keys[s] = Math.floor(rng.next() * 80);
            else if (keys[s] !== Infinity) keys[s] = Math.max(0, keys[s] + (rng.next() < drift ? 1 : -1));
            if (u > 0.999) index.load(keys);
            else index.set(s, keys[s]);
            if (n <= 33 || step % 20 === 0) expect(check(index, keys, bound, rng)).toBe('');
          }
        }
      }
    }
  });

  it('agrees with brute force in pools of several chunks and blocks of counts (2,048 and 131,072 ids)', () => {
    // Ids past 2,048 use more than one chunk of a bucket's counts, past 131,072 more than one block.
    const rng = createStream(11, 'large');
    for (const n of [2049, 5000, 140_000]) {
      const index = new BucketIndex(n, 2), keys = new Float64Array(n);
      for (let s = 0; s < n; s++) keys[s] = s % 997 === 0 ? Infinity : 1 + Math.floor(rng.next() * 3);
      index.load(keys);
      expect(check(index, keys, 2, rng)).toBe('');
      for (const drift of [0.3, 0.8]) { // down to the floor (the minimum ties widely), then up past the window
        for (let step = 0; step < 40_000; step++) {
          const s = step % 3 === 0 ? n - 1 - Math.floor(rng.next() * 64) : Math.floor(rng.next() * n); // often the last ids
          if (keys[s] === Infinity) continue;
          keys[s] = Math.max(0, keys[s] + (rng.next() < drift ? 1 : -1));
          index.set(s, keys[s]);
          if (step % 4000 === 3999) expect(check(index, keys, 2, rng)).toBe('');
        }
      }
    }
  });

  it('follows a pool whose every server climbs to 200 and drains, one step at a time', () => {
    // The minimum crosses the window of 32 keys many times, upwards and downwards.
    const n = 64, index = new BucketIndex(n, 2), keys = new Float64Array(n), rng = createStream(8, 'climb');
    index.load(keys);
    for (const dir of [1, -1]) {
      for (let step = 0; step < 200 * n; step++) {
        // Each server in turn, slightly shuffled: the spread of keys stays within a few units.
        const s = (step + Math.floor(rng.next() * 3)) % n;
        if (dir < 0 && keys[s] === 0) continue;
        keys[s] += dir;
        index.set(s, keys[s]);
        if (step % 37 === 0) expect(check(index, keys, 2, rng)).toBe('');
      }
    }
    expect(check(index, keys, 2, rng)).toBe('');
  });

  it('pick draws exactly as MinIndex.pick: one draw when the minimum ties, none when it is unique', () => {
    const n = 300, rng = createStream(5, 'keys');
    const a = new BucketIndex(n), b = new MinIndex(n), keys = new Float64Array(n);
    for (let s = 0; s < n; s++) keys[s] = s % 7 === 0 ? Infinity : Math.floor(rng.next() * 3);
    a.load(keys);
    b.load(keys);
    const ra = createStream(6, 'ties'), rb = createStream(6, 'ties');
    let unique = 0;
    for (let step = 0; step < 5000; step++) {
      const x = a.pick(ra), y = b.pick(rb);
      expect(x).toBe(y);
      if (b.ties() === 1) unique++;
      const s = Math.floor(rng.next() * n), k = rng.next() < 0.05 ? Infinity : keys[s] === Infinity ? 1 : Math.max(0, keys[s] + (rng.next() < 0.5 ? 1 : -1));
      keys[s] = k;
      a.set(s, k);
      b.set(s, k);
      if (x >= 0) {
        keys[x] = keys[x] + 1;
        a.set(x, keys[x]);
        b.set(x, keys[x]);
      }
    }
    expect(unique).toBeGreaterThan(50); // both kinds of pick were exercised
    expect(ra.next()).toBe(rb.next()); // and the streams are at the same place
  });

  it('an empty pool, a pool with no server eligible, and keys that are not counts', () => {
    const empty = new BucketIndex(0, 1);
    empty.load([]);
    expect(empty.pick(createStream(1, 'x'))).toBe(-1);
    expect(empty.firstBelow()).toBe(-1);
    const none = new BucketIndex(40, 1);
    none.load(new Float64Array(40).fill(Infinity));
    expect([none.minimum(), none.ties(), none.firstBelow(), none.pick(createStream(1, 'x'))]).toEqual([Infinity, 0, -1, -1]);
    none.set(39, 1000);
    expect([none.minimum(), none.ties(), none.nthMinimum(0), none.firstBelow()]).toEqual([1000, 1, 39, -1]);
    expect(() => new BucketIndex(3).load([0, 1.5, 2])).toThrow(/key 1.5 of server 1 is not a count/);
    expect(() => new BucketIndex(3).load([0, -1, 2])).toThrow(/key -1 of server 1 is not a count/);
    expect(() => new BucketIndex(3).firstBelow()).toThrow(/needs a bound/);
  });
});

type Make = (ctx: BalancerContext) => Balancer;

/**
 * Two balancers over twin contexts through load that climbs (mostly sends) then drains (mostly
 * completions), with single servers leaving and returning (rebuild(server)) and, now and then,
 * every server told at once (rebuild()); returns both pick sequences.
 */
function climbAndDrain(n: number, scan: Make, indexed: Make): [number[], number[]] {
  const fakes = [fakeContext(n, { seed: 9 }), fakeContext(n, { seed: 9 })];
  const bs = [scan(fakes[0].ctx), indexed(fakes[1].ctx)];
  const picks: [number[], number[]] = [[], []];
  const script = createStream(22, 'climb');
  const open: number[] = [];
  for (const sendShare of [0.85, 0.5, 0.15, 0.5]) {
    for (let step = 0; step < 6000; step++) {
      const u = script.next();
      if (u < 0.01) {
        const s = Math.floor(script.next() * n), e = fakes[0].ctx.eligible[s] ^ 1, all = script.next() < 0.2;
        for (let i = 0; i < 2; i++) {
          fakes[i].ctx.eligible[s] = e;
          if (all) bs[i].rebuild?.();
          else bs[i].rebuild?.(s);
        }
      } else if (u < sendShare || open.length === 0) {
        const got = bs.map((b, i) => {
          const s = b.pick(0);
          if (s >= 0) {
            fakes[i].ctx.outstanding[s]++;
            told(b, fakes[i], s);
          }
          return s;
        });
        picks[0].push(got[0]);
        picks[1].push(got[1]);
        if (got[0] >= 0) open.push(got[0]);
      } else {
        const j = Math.floor(script.next() * open.length), s = open[j];
        open[j] = open[open.length - 1];
        open.pop();
        for (let i = 0; i < 2; i++) {
          fakes[i].ctx.outstanding[s]--;
          told(bs[i], fakes[i], s);
        }
      }
    }
  }
  return picks;
}

describe('policies on a BucketIndex make the same choices as their full scans', () => {
  const cases: [string, Make, Make][] = [
    ['least-connections', (c) => scanLeastConnections(c, false), (c) => indexedLeastConnections(c, false)],
    ['join-shortest-queue random ties', (c) => scanJoinShortestQueue(c, false), (c) => indexedJoinShortestQueue(c, false)],
    ['join-shortest-queue lowest id', (c) => scanJoinShortestQueue(c, true), (c) => indexedJoinShortestQueue(c, true)],
    ['first maxConn 1', (c) => scanFirst(c, 1), (c) => indexedFirst(c, 1)],
    ['first maxConn 40', (c) => scanFirst(c, 40), (c) => indexedFirst(c, 40)],
  ];
  for (const [name, scan, indexed] of cases) {
    it(`${name}, through load that climbs past 32 per server and drains`, () => {
      const n = 37;
      const [a, b] = climbAndDrain(n, scan, indexed);
      expect(b).toEqual(a);
      expect(new Set(a).size).toBe(n); // every server was chosen
    });
  }
});
