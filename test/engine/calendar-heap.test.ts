import { describe, expect, it } from 'vitest';
import { Q } from './calendar-heap-probe.js';
import { EventQueue } from '../../src/engine/event-queue.js';
import { Xoshiro128 } from '../../src/random/rng.js';

type E = [number, number, number];

/**
 * A sorting oracle: pending entries; `take` removes the least by (time, seq) by a linear scan.
 * Times may be ±Infinity (never NaN), so the comparison is on < and === only.
 */
class Oracle {
  pending: E[] = [];
  add(e: E): void {
    this.pending.push(e);
  }
  take(): E {
    const p = this.pending;
    let k = 0;
    for (let j = 1; j < p.length; j++) if (p[j][0] < p[k][0] || (p[j][0] === p[k][0] && p[j][1] < p[k][1])) k = j;
    const e = p[k];
    p[k] = p[p.length - 1];
    p.pop();
    return e;
  }
}

/**
 * Drives `q` and the oracle through `ops` steps: each step pushes (time from `next(now)`) with
 * probability pPush(step), else pops and compares; then drains. Returns the largest count seen
 * and whether the heap ever held fewer entries than the queue (the calendar was in use).
 */
function drive(q: Q, ops: number, rng: Xoshiro128, next: (now: number, r: Xoshiro128) => number, pPush: (step: number) => number) {
  const o = new Oracle();
  let seq = 0, now = 0, most = 0, calendarSeen = false;
  const check = () => {
    const want = o.take();
    const got = q.pop();
    expect(got).toEqual(want);
    now = got[0];
    expect(q.count).toBe(o.pending.length);
  };
  for (let i = 0; i < ops; i++) {
    if (q.count === 0 || rng.next() < pPush(i)) {
      const e: E = [next(now, rng), seq, seq & 0xffff];
      seq++;
      q.push(e[0], e[1], e[2]);
      o.add(e);
    } else check();
    if (q.count > most) most = q.count;
    if (q.heapEntries() < q.count) calendarSeen = true;
    // the owner's invariant: entries pending means the heap is not empty
    if (q.count > 0) expect(q.heapEntries()).toBeGreaterThan(0);
  }
  while (q.count > 0) check();
  expect(q.heapEntries()).toBe(0);
  return { most, calendarSeen };
}

const exp = (r: Xoshiro128) => -Math.log1p(-r.next());
/** Grows to about `peak` entries and back: push probability falls from 0.75 to 0.25 over the run. */
const upDown = (ops: number) => (i: number) => (i < ops / 2 ? 0.75 : 0.25);

describe('CalendarHeap', () => {
  it('pops like a sort by (time, seq) through growth past the calendar threshold and back, exponential delays', () => {
    const q = new Q(1, 64, 16);
    const ops = 12_000;
    const r = drive(q, ops, new Xoshiro128([1, 2, 3, 4]), (now, g) => now + exp(g), upDown(ops));
    expect(r.calendarSeen).toBe(true);
    expect(r.most).toBeGreaterThan(2000);
  });

  it('keeps FIFO order among equal times: times on a coarse grid, constant delays', () => {
    const q = new Q(4, 64, 16);
    const ops = 12_000;
    // constant service time 1 from a grid of arrivals: many entries per instant
    const r = drive(q, ops, new Xoshiro128([5, 6, 7, 8]), (now, g) => (g.next() < 0.5 ? now + 1 : Math.floor(now * 4 + 4 * g.next()) / 4 + 0.25), upDown(ops));
    expect(r.calendarSeen).toBe(true);
  });

  it('all entries at one instant, then later ones: heap takes the instant, the rest waits', () => {
    const q = new Q(4, 64, 16);
    const o = new Oracle();
    let seq = 0;
    for (let i = 0; i < 3000; i++) {
      q.push(7, seq, i);
      o.add([7, seq++, i]);
    }
    const rng = new Xoshiro128([9, 9, 9, 9]);
    for (let i = 0; i < 6000; i++) {
      if (i % 2 === 0) {
        // half at the same instant again, half later
        const t = rng.next() < 0.5 ? 7 : 7 + exp(rng);
        q.push(t, seq, i);
        o.add([t, seq++, i]);
      }
      expect(q.pop()).toEqual(o.take());
    }
    while (q.count > 0) expect(q.pop()).toEqual(o.take());
    expect(o.pending).toHaveLength(0);
  });

  it('heavy tails (Pareto, shape 0.5: no mean), huge (1e13 + ms) and tiny (1e-300) times', () => {
    const pareto = (now: number, g: Xoshiro128) => now + (1 - g.next()) ** -2;
    const ops = 10_000;
    expect(drive(new Q(2, 64, 16), ops, new Xoshiro128([2, 4, 6, 8]), pareto, upDown(ops)).calendarSeen).toBe(true);
    const huge = (now: number, g: Xoshiro128) => Math.max(now, 1e13) + exp(g);
    expect(drive(new Q(2, 64, 16), ops, new Xoshiro128([3, 5, 7, 9]), huge, upDown(ops)).calendarSeen).toBe(true);
    const tiny = (now: number, g: Xoshiro128) => now + 1e-300 * exp(g);
    expect(drive(new Q(2, 64, 16), ops, new Xoshiro128([1, 3, 5, 7]), tiny, upDown(ops)).calendarSeen).toBe(true);
  });

  it('mixed scales, times earlier than the last pop, ±Infinity and zero', () => {
    const wild = (now: number, g: Xoshiro128) => {
      const u = g.next();
      if (u < 0.05) return Infinity;
      if (u < 0.07) return -Infinity;
      if (u < 0.1) return 0;
      if (u < 0.2) return now - exp(g); // before now
      if (u < 0.3) return now + 1e9 * exp(g);
      return now + exp(g);
    };
    const ops = 12_000;
    expect(drive(new Q(1, 64, 16), ops, new Xoshiro128([4, 3, 2, 1]), wild, upDown(ops)).calendarSeen).toBe(true);
    // only +Infinity entries left while the calendar is on, then finite ones pushed after them
    const q = new Q(1, 32, 8);
    const o = new Oracle();
    let seq = 0;
    const rng = new Xoshiro128([8, 7, 6, 5]);
    for (let i = 0; i < 200; i++) {
      const t = i % 2 ? Infinity : exp(rng);
      q.push(t, seq, i);
      o.add([t, seq++, i]);
    }
    for (let i = 0; i < 150; i++) expect(q.pop()).toEqual(o.take());
    for (let i = 0; i < 100; i++) {
      const t = i % 3 ? Infinity : 1e6 + exp(rng);
      q.push(t, seq, i);
      o.add([t, seq++, i]);
    }
    while (q.count > 0) expect(q.pop()).toEqual(o.take());
  });

  it('clear() empties it in any state; the queue is usable again', () => {
    const q = new Q(1, 64, 16);
    const rng = new Xoshiro128([6, 6, 6, 6]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1000 * (round + 1); i++) q.push(i % 5 === 0 ? Infinity : exp(rng) * 100, i, i);
      for (let i = 0; i < 300; i++) q.pop();
      q.clear();
      expect(q.count).toBe(0);
      expect(q.heapEntries()).toBe(0);
    }
    const ops = 8000;
    expect(drive(q, ops, rng, (now, g) => now + exp(g), upDown(ops)).calendarSeen).toBe(true);
  });

  it('with the default thresholds, 100,000 pending in a hold model pops like the oracle', () => {
    const q = new Q();
    const rng = new Xoshiro128([1, 1, 2, 3]);
    let seq = 0;
    // the oracle for a hold model: every popped time must be ≥ the previous and ties by seq
    for (let i = 0; i < 100_000; i++) q.push(exp(rng), seq++, 0);
    let last: E = [-Infinity, -1, 0], outOfOrder = 0;
    for (let i = 0; i < 300_000; i++) {
      const e = q.pop();
      if (!(e[0] > last[0] || (e[0] === last[0] && e[1] > last[1]))) outOfOrder++;
      last = e;
      q.push(e[0] + exp(rng), seq++, 0);
    }
    expect(outOfOrder).toBe(0);
    expect(q.count).toBe(100_000);
    expect(q.heapEntries()).toBeLessThan(1000);
  });

  it('reserve(n): no array is reallocated while at most n entries are pending, in any mode', () => {
    const q = new Q(1, 64, 16);
    q.reserve(3000);
    const arrays = () => ['h', 'bk', 'ch', 'next', 'ov', 'inf'].map((k) => (q as unknown as Record<string, unknown>)[k]);
    const before = arrays();
    const rng = new Xoshiro128([3, 1, 4, 1]);
    let seq = 0;
    // a hold model at 3,000 (exponential, then one instant, then a heavy tail with +Infinity), drained
    for (const next of [(now: number) => now + exp(rng), (now: number) => now, (now: number) => (rng.next() < 0.1 ? Infinity : now + (1 - rng.next()) ** -2)]) {
      while (q.count < 3000) q.push(next(0), seq++, 0);
      for (let i = 0; i < 20_000; i++) q.push(next(q.pop()[0]), seq++, 0);
      while (q.count > 0) q.pop();
    }
    expect(arrays()).toEqual(before);
    expect(arrays().every((a, i) => a === before[i])).toBe(true);
  });

  it('refuses calendarMin above heapMax', () => {
    expect(() => new Q(1, 16, 32)).toThrow(/calendarMin must be from 1 to heapMax \(16\), got 32/);
  });
});

describe('EventQueue on the calendar', () => {
  it('20,000 pending with the slot and three lanes: pops by (time, push order), every event once', () => {
    // A queue pops correctly iff what it pops is sorted by (time, push order) and every pushed event
    // pops exactly once (an event popped before a pending earlier one would come out of order).
    const q = new EventQueue();
    const lanes = [q.addLane(), q.addLane(), q.addLane()];
    const delays = [0, 2.5, 7]; // constant delays per lane (equal times within a lane too)
    const rng = new Xoshiro128([2, 7, 1, 8]);
    let pushed = 0, popped = 0, outOfOrder = 0, lastT = -Infinity, lastD = -1;
    const seen = new Uint8Array(200_000);
    const push = (now: number) => {
      const u = rng.next();
      if (u < 0.3) q.pushLane(lanes[Math.floor(u * 10)], now + delays[Math.floor(u * 10)], pushed);
      else q.push(u < 0.35 ? now : now + 5 * exp(rng), pushed);
      pushed++;
    };
    const pop = () => {
      const d = q.pop(), t = q.lastTime;
      if (t < lastT || (t === lastT && d < lastD)) outOfOrder++;
      if (seen[d]++) outOfOrder++;
      lastT = t;
      lastD = d;
      popped++;
      return t;
    };
    while (pushed < 20_000) push(0);
    while (pushed < 150_000) push(pop());
    expect(q.size).toBe(20_000);
    while (q.size > 0) pop();
    expect(q.peekTime()).toBe(Infinity);
    expect([outOfOrder, popped]).toEqual([0, pushed]);
  });
});
