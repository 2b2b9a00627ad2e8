import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';
import { Xoshiro128 } from '../../src/random/rng.js';

type Pending = { t: number; id: number; d: number };

/** Pops `q` and checks it gave the earliest pending event by (time, id), found by a linear scan. */
function popLikeOracle<E extends Pending>(q: EventQueue, pending: E[]): E {
  let k = 0;
  for (let j = 1; j < pending.length; j++) {
    const a = pending[j], b = pending[k];
    if (a.t < b.t || (a.t === b.t && a.id < b.id)) k = j;
  }
  const want = pending.splice(k, 1)[0];
  expect(q.peekTime()).toBe(want.t);
  expect(q.pop()).toBe(want.d);
  expect([q.lastTime, q.lastId]).toEqual([want.t, want.id]);
  return want;
}

describe('EventQueue', () => {
  it('pops events in (time, insertion order) like a stable sort, with many equal times', () => {
    const rng = new Xoshiro128([1, 2, 3, 4]);
    const q = new EventQueue(2);
    const pushed: { t: number; d: number }[] = [];
    let popped: { t: number; d: number }[] = [];
    // Interleave pushes and pops; times drawn from only 20 values so ties are everywhere.
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(rng.next() * 20);
      q.push(t, i);
      pushed.push({ t, d: i });
      if (i % 3 === 0) {
        const d = q.pop();
        popped.push({ t: q.lastTime, d });
      }
    }
    while (q.size > 0) {
      const d = q.pop();
      popped.push({ t: q.lastTime, d });
    }
    expect(popped).toHaveLength(pushed.length);
    // Among events with equal time, ids (= insertion order) come out ascending.
    const byTime = new Map<number, number[]>();
    for (const e of popped) byTime.set(e.t, [...(byTime.get(e.t) ?? []), e.d]);
    for (const ids of byTime.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('drains a full queue in exactly the order of a stable sort by time', () => {
    const rng = new Xoshiro128([9, 8, 7, 6]);
    const q = new EventQueue();
    const events = Array.from({ length: 5000 }, (_, i) => ({ t: Math.floor(rng.next() * 50) / 4, d: i }));
    for (const e of events) q.push(e.t, e.d);
    const oracle = [...events].sort((a, b) => a.t - b.t).map((e) => e.d);
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop());
    expect(out).toEqual(oracle);
  });

  it('interleaved pushes and pops come out exactly as from a linear-scan oracle', () => {
    // The queue keeps one event in a front slot beside the heap; the order must not show it.
    const rng = new Xoshiro128([5, 6, 7, 8]);
    const q = new EventQueue(2);
    const pending: Pending[] = [];
    for (let i = 0; i < 30_000; i++) {
      const u = rng.next();
      if (u < 0.55 || pending.length === 0) {
        const t = (q.lastTime + Math.floor(rng.next() * 8)) / 2; // ties and equal-to-now times everywhere
        pending.push({ t, id: q.push(t, i), d: i });
      } else {
        popLikeOracle(q, pending);
      }
      expect(q.size).toBe(pending.length);
    }
  });

  it('lanes of fixed-delay events merge with the heap in exactly the oracle order', () => {
    // Two lanes at fixed delays from the last popped time (so mostly in order), a few pushed
    // out of order (they go to the heap), ties with heap events, and clear() once midway.
    const rng = new Xoshiro128([11, 12, 13, 14]);
    const q = new EventQueue(2);
    const lanes = [q.addLane(), q.addLane()];
    let pending: Pending[] = [];
    for (let i = 0; i < 40_000; i++) {
      if (i === 20_000) {
        q.clear();
        pending = [];
      }
      const u = rng.next();
      if (u < 0.6 || pending.length === 0) {
        const k = Math.floor(rng.next() * 3); // 0: heap, 1 and 2: lanes
        const delay = k === 0 ? Math.floor(rng.next() * 8) : k === 1 ? 3 : rng.next() < 0.05 ? 0 : 5;
        const t = q.lastTime + delay;
        const id = k === 0 ? q.push(t, i) : q.pushLane(lanes[k - 1], t, i);
        pending.push({ t, id, d: i });
      } else {
        popLikeOracle(q, pending);
      }
      expect(q.size).toBe(pending.length);
    }
  });

  it('cancelled lane events never pop; the rest come out in exactly the oracle order, with peekTime and size agreeing', () => {
    // Three lanes and the heap; a quarter of the steps cancel a random pending event (a heap
    // event or one of another lane: refused), so runs of dead entries, dead heads and dead tails
    // are everywhere; peeks between pops must never show a cancelled time; clear() once midway.
    // Lane 1 is sometimes pushed earlier than its last (those go to the heap and cannot be
    // cancelled); an event pushed no earlier than every event its lane took must be cancellable.
    const rng = new Xoshiro128([21, 22, 23, 24]);
    const q = new EventQueue(2);
    const lanes = [q.addLane(), q.addLane(), q.addLane()];
    type Entry = Pending & { lane: number; pos: number; sure: boolean };
    let pending: Entry[] = [], laneLast = [-Infinity, -Infinity, -Infinity];
    const gone: Entry[] = []; // popped or cancelled: cancelling again is refused
    let cancelled = 0, uncertainRefused = 0;
    const earliest = () => pending.reduce((m, e) => Math.min(m, e.t), Infinity);
    for (let i = 0; i < 60_000; i++) {
      if (i === 30_000) {
        q.clear();
        pending = [];
        laneLast = [-Infinity, -Infinity, -Infinity];
      }
      const u = rng.next();
      if (u < 0.45 || pending.length === 0) {
        const k = Math.floor(rng.next() * 4) - 1; // -1: heap, 0..2: lanes
        const delay = k === -1 ? Math.floor(rng.next() * 8) : k === 0 ? 3 : k === 1 ? (rng.next() < 0.1 ? 0 : 5) : 2;
        const t = q.lastTime + delay;
        const id = k === -1 ? q.push(t, i) : q.pushLane(lanes[k], t, i);
        const sure = k >= 0 && t >= laneLast[k];
        if (sure) laneLast[k] = t;
        pending.push({ t, id, d: i, lane: k, pos: sure ? q.lanePos : -1, sure });
      } else if (u < 0.7) {
        const j = Math.floor(rng.next() * pending.length), e = pending[j];
        if (e.lane === -1) {
          expect(q.cancelLane(lanes[Math.floor(rng.next() * 3)], e.id, q.lanePos)).toBe(false);
          continue;
        }
        expect(q.cancelLane(lanes[(e.lane + 1) % 3], e.id, e.pos)).toBe(false);
        const ok = q.cancelLane(lanes[e.lane], e.id, e.pos);
        expect(ok).toBe(e.sure);
        if (ok) {
          pending.splice(j, 1);
          gone.push(e);
          cancelled++;
        } else uncertainRefused++;
      } else if (u < 0.8) {
        expect(q.peekTime()).toBe(earliest());
        if (gone.length > 0) {
          const g = gone[Math.floor(rng.next() * gone.length)];
          if (g.lane >= 0) expect(q.cancelLane(lanes[g.lane], g.id, g.pos)).toBe(false);
        }
      } else {
        const before = pending.length;
        popLikeOracle(q, pending);
        expect(pending.length).toBe(before - 1);
      }
      expect(q.size).toBe(pending.length);
    }
    while (pending.length > 0) popLikeOracle(q, pending);
    expect([q.size, q.peekTime()]).toEqual([0, Infinity]);
    expect(cancelled).toBeGreaterThan(5000);
    expect(uncertainRefused).toBeGreaterThan(10); // lane 1's heap events were tried too
  });

  it('a lane whose every entry is cancelled is empty: peekTime skips it, pushes after it pop in order', () => {
    const q = new EventQueue(2);
    const lane = q.addLane();
    const handles = [1, 2, 3, 4, 5].map((t) => [q.pushLane(lane, t, t), q.lanePos]);
    q.push(10, 100);
    for (const [id, pos] of handles) expect(q.cancelLane(lane, id, pos)).toBe(true);
    expect([q.size, q.peekTime()]).toEqual([1, 10]);
    const a = q.pushLane(lane, 6, 6), aPos = q.lanePos;
    q.pushLane(lane, 7, 7);
    expect(q.cancelLane(lane, a, aPos)).toBe(true);
    expect([q.size, q.peekTime()]).toEqual([2, 7]);
    expect([q.pop(), q.lastTime, q.pop(), q.lastTime]).toEqual([7, 7, 100, 10]);
    expect([q.size, q.peekTime()]).toEqual([0, Infinity]);
    expect(q.cancelLane(lane, a, aPos)).toBe(false);
    expect(q.cancelLane(lane, -1, aPos)).toBe(false);
  });

  it("keeps every non-negative 32-bit datum apart from the lanes' stand-ins (data -1 - lane)", () => {
    // A lane's head waits in the heap as a negative stand-in; the largest datum a model packs
    // (target 2^26 - 1, kind 31: 2^31 - 1) and 0 must come out as themselves, from heap and lanes.
    const q = new EventQueue(2);
    const lanes = [q.addLane(), q.addLane()];
    const top = 2 ** 31 - 1;
    q.pushLane(lanes[1], 1, top);
    q.pushLane(lanes[0], 1, 0);
    q.push(1, top);
    q.pushLane(lanes[1], 2, 7);
    q.push(0.5, 0);
    const out: number[][] = [];
    while (q.size > 0) out.push([q.pop(), q.lastTime]);
    expect(out).toEqual([[0, 0.5], [top, 1], [0, 1], [top, 1], [7, 2]]);
  });

  it('push and pushLane refuse data outside 0 … 2^31 − 1 (a negative datum would pop as a lane stand-in), leaving the queue as it was', () => {
    const q = new EventQueue(2);
    const lane = q.addLane();
    q.push(3, 5);
    for (const bad of [-1, -2, 1.5, NaN, 2 ** 31, Infinity]) {
      expect(() => q.push(1, bad), String(bad)).toThrow(RangeError);
      expect(() => q.pushLane(lane, 1, bad), String(bad)).toThrow(/^EventQueue: an event's data must be an integer from 0 to 2147483647, got /);
    }
    expect(q.size).toBe(1);
    expect(q.pop()).toBe(5);
    expect(q.lastTime).toBe(3);
  });

  it('cancelLane by (id, position) is exact while rings grow, wrap and are cleared: stale, foreign and mismatched handles are refused', () => {
    // Four lanes whose rings start small and grow (doubling) while many handles are outstanding,
    // wrap around as heads pop, and clear() twice; a fifth of the steps cancel a pending lane event
    // (true, once), after trying it with another lane, its id with another event's position and
    // its position with another event's id (all false); then a popped, cancelled or cleared
    // event's handle, and positions next to or far from its own (false).
    const rng = new Xoshiro128([31, 32, 33, 34]);
    const q = new EventQueue(2);
    const lanes = [q.addLane(), q.addLane(), q.addLane(), q.addLane()];
    type Entry = Pending & { lane: number; pos: number };
    let pending: Entry[] = [];
    const gone: Entry[] = [];
    let cancelled = 0, maxLen = 0;
    const earliest = () => pending.reduce((m, e) => Math.min(m, e.t), Infinity);
    for (let i = 0; i < 40_000; i++) {
      if (i === 15_000 || i === 30_000) {
        q.clear();
        gone.push(...pending);
        pending = [];
      }
      // Bursts: long stretches of pushes (rings up to hundreds of entries), then of pops.
      const pushing = Math.floor(i / 2000) % 2 === 0 ? 0.6 : 0.2;
      const u = rng.next();
      if (u < pushing || pending.length === 0) {
        const k = Math.floor(rng.next() * 5) - 1; // -1: heap, 0..3: lanes at delays 1, 2, 4, 4
        const t = q.lastTime + (k === -1 ? Math.floor(rng.next() * 6) : [1, 2, 4, 4][k]);
        const id = k === -1 ? q.push(t, i) : q.pushLane(lanes[k], t, i);
        pending.push({ t, id, d: i, lane: k, pos: k === -1 ? -1 : q.lanePos });
        maxLen = Math.max(maxLen, pending.length);
      } else if (u < pushing + 0.2) {
        const j = Math.floor(rng.next() * pending.length), e = pending[j];
        const other = pending[Math.floor(rng.next() * pending.length)];
        if (e.lane === -1) {
          expect(q.cancelLane(lanes[Math.floor(rng.next() * 4)], e.id, other.pos)).toBe(false);
        } else {
          expect(q.cancelLane(lanes[(e.lane + 1 + Math.floor(rng.next() * 3)) % 4], e.id, e.pos)).toBe(false);
          if (other.pos !== e.pos) expect(q.cancelLane(lanes[e.lane], e.id, other.pos)).toBe(false);
          if (other !== e) expect(q.cancelLane(lanes[e.lane], other.id, e.pos)).toBe(false);
          expect(q.cancelLane(lanes[e.lane], e.id, e.pos)).toBe(true);
          expect(q.cancelLane(lanes[e.lane], e.id, e.pos)).toBe(false);
          pending.splice(j, 1);
          gone.push(e);
          cancelled++;
        }
        if (gone.length > 0) {
          const g = gone[Math.floor(rng.next() * gone.length)];
          expect(q.cancelLane(lanes[Math.max(g.lane, 0)], g.id, g.pos)).toBe(false);
        }
        if (i % 16 === 0 && e.lane >= 0) {
          for (const bad of [e.pos - 1, e.pos + 1, e.pos + 2 ** 29]) expect(q.cancelLane(lanes[e.lane], e.id, bad), String(bad)).toBe(false);
        }
      } else if (u < pushing + 0.3) {
        expect(q.peekTime()).toBe(earliest());
      } else {
        gone.push(popLikeOracle(q, pending));
      }
      expect(q.size).toBe(pending.length);
    }
    while (pending.length > 0) popLikeOracle(q, pending);
    expect([q.size, q.peekTime()]).toEqual([0, Infinity]);
    expect(cancelled).toBeGreaterThan(4000);
    expect(maxLen).toBeGreaterThan(500); // over 100 per ring: rings grew from 16 entries with handles outstanding
  });

  it('lane positions count modulo 2^30: handles across the wrap cancel exactly, and stay small integers', () => {
    const q = new EventQueue(2);
    const lane = q.addLane();
    (q as unknown as { lanes: { headPos: number }[] }).lanes[lane].headPos = 2 ** 30 - 2; // as after 2^30 − 2 events
    const handles = [1, 2, 3, 4].map((t) => [q.pushLane(lane, t, t), q.lanePos]);
    expect(handles.map((h) => h[1])).toEqual([2 ** 30 - 2, 2 ** 30 - 1, 0, 1]);
    expect(q.cancelLane(lane, handles[1][0], handles[1][1])).toBe(true);
    expect(q.cancelLane(lane, handles[2][0], handles[2][1])).toBe(true);
    expect(q.pop()).toBe(1); // the head moves across the wrap
    expect(q.cancelLane(lane, handles[0][0], handles[0][1])).toBe(false);
    expect(q.cancelLane(lane, handles[3][0], handles[2][1])).toBe(false);
    expect([q.size, q.pop(), q.size]).toEqual([1, 4, 0]);
    expect(q.cancelLane(lane, handles[3][0], handles[3][1])).toBe(false);
  });

  it('push returns increasing ids and pop reports the popped id in lastId', () => {
    const q = new EventQueue();
    const a = q.push(5, 1), b = q.push(1, 2);
    expect(b).toBeGreaterThan(a);
    expect(q.pop()).toBe(2);
    expect(q.lastId).toBe(b);
    expect(q.peekTime()).toBe(5);
    q.pop();
    expect(q.peekTime()).toBe(Infinity);
  });
});
