import { describe, expect, it } from 'vitest';
import {
  ServerPool, SERVER_ROW_BYTES, SERVER_ROW_I32, S_BUSY_AREA, S_COMPLETED, S_CONCURRENCY, S_DISCIPLINE, S_IN_SERVICE, S_QUEUE_AREA,
  S_QUEUE_HEAD, S_QUEUE_LENGTH, S_QUEUE_LIMIT, S_QUEUE_TAIL, S_SERVING, S_SPEED,
} from '../../src/model/server-pool.js';
import { ServerState } from '../../src/model/states.js';
import { ROW_I32 } from '../../src/model/request-table.js';

describe('ServerPool time-weighted statistics', () => {
  it('busy and queue time are the integrals of in service and waiting, open intervals included, from the warm-up on', () => {
    const clock = { now: 0 };
    const pool = new ServerPool([{ concurrency: 2, speed: 1, weight: 1, queueLimit: -1 }], clock);
    const rows = new Int32Array(4 * ROW_I32); // the request table's rows, where the queue links are
    const at = (t: number) => (clock.now = t);
    at(1); pool.startService(0); //            in service 1 from t=1
    at(2); pool.startService(0); //            2 from t=2
    at(3); pool.enqueue(0, 0, rows); //        waiting 1 from t=3
    at(4); pool.resetStats(); //               warm-up ends: count from t=4
    expect([pool.busyTime(0), pool.queueTime(0)]).toEqual([0, 0]);
    at(6); pool.endService(0); //              4..6 at 2 slots = 4
    at(7); pool.remove(0, 0, rows); //         queue 4..7 = 3; 6..7 at 1 slot = 1
    at(10); //                                 7..10 at 1 slot, still open = 3
    expect(pool.busyTime(0)).toBe(8);
    expect(pool.queueTime(0)).toBe(3);
    pool.endService(0);
    at(20);
    expect(pool.busyTime(0)).toBe(8);
  });
});

describe('ServerPool rows', () => {
  it('the row slots are disjoint and fit the first 64-byte line of a 128-byte row (the time per state has the second)', () => {
    const bytes: [number, number][] = [
      ...[S_BUSY_AREA, S_QUEUE_AREA, S_SPEED, S_COMPLETED].map((k): [number, number] => [k * 8, k * 8 + 8]),
      ...[S_IN_SERVICE, S_CONCURRENCY, S_QUEUE_LIMIT, S_QUEUE_LENGTH, S_QUEUE_HEAD, S_QUEUE_TAIL, S_SERVING, S_DISCIPLINE].map((k): [number, number] => [k * 4, k * 4 + 4]),
    ].sort((a, b) => a[0] - b[0]);
    for (let k = 0; k < bytes.length; k++) {
      expect(bytes[k][1]).toBeLessThanOrEqual(k + 1 < bytes.length ? bytes[k + 1][0] : 64);
    }
    expect(SERVER_ROW_BYTES).toBe(128);
  });

  it('each server keeps its own figures: a server\'s changes leave its neighbours\' rows alone', () => {
    const clock = { now: 0 };
    const spec = (c: number, speed: number, q: number, d: 'fifo' | 'lifo' | 'adaptive-lifo') => ({ concurrency: c, speed, weight: 1, queueLimit: q, discipline: d });
    const pool = new ServerPool([spec(1, 1, -1, 'fifo'), spec(2, 0.5, 3, 'lifo'), spec(3, 2, 0, 'adaptive-lifo')], clock);
    const rows = new Int32Array(8 * ROW_I32);
    const figures = (s: number) => [pool.inServiceOf(s), pool.queueLengthOf(s), pool.queueHeadOf(s), pool.queueTailOf(s), pool.speedOf(s), pool.completedOf(s), pool.busyTime(s), pool.queueTime(s), pool.state[s]];
    expect([0, 1, 2].map((s) => pool.i32[s * SERVER_ROW_I32 + S_CONCURRENCY])).toEqual([1, 2, 3]);
    expect([0, 1, 2].map((s) => pool.i32[s * SERVER_ROW_I32 + S_QUEUE_LIMIT])).toEqual([-1, 3, 0]);
    expect([0, 1, 2].map((s) => pool.i32[s * SERVER_ROW_I32 + S_DISCIPLINE])).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((s) => pool.i32[s * SERVER_ROW_I32 + S_SERVING])).toEqual([-1, -1, -1]);
    const before0 = figures(0), before2 = figures(2);
    clock.now = 1;
    pool.startService(1);
    pool.startService(1);
    pool.enqueue(1, 4, rows);
    pool.enqueue(1, 5, rows);
    pool.setSpeed(1, 0.25);
    pool.countCompleted(1);
    clock.now = 3;
    expect(figures(1)).toEqual([2, 2, 4, 5, 0.25, 1, 4, 4, ServerState.Busy]);
    expect(figures(0)).toEqual(before0);
    expect(figures(2)).toEqual(before2);
    pool.remove(1, 4, rows);
    pool.endService(1);
    pool.endService(1);
    clock.now = 7;
    const w = pool.window();
    expect(Array.from(w.busyMs)).toEqual([0, 4, 0]); // 1..3 at 2 slots, 3..7 none
    expect(Array.from(w.queueArea)).toEqual([0, 4 + 4, 0]); // 1..3 at 2, 3..7 at 1
    expect(Array.from(w.stateTimeMs)).toEqual([7, 0, 0, 0, 1 + 4, 2, 0, 0, 7, 0, 0, 0]);
    expect(Array.from(w.completed)).toEqual([0, 1, 0]);
  });
});

describe('ServerPool load', () => {
  it('is in service + waiting per server whenever read: filled from the rows at the first read, kept in step after', () => {
    const clock = { now: 0 };
    const pool = new ServerPool([0, 1, 2].map(() => ({ concurrency: 1, speed: 1, weight: 1, queueLimit: -1 })), clock);
    const rows = new Int32Array(8 * ROW_I32);
    const expected = () => [0, 1, 2].map((s) => pool.inServiceOf(s) + pool.queueLengthOf(s));
    pool.startService(0);
    pool.startService(2);
    pool.enqueue(2, 0, rows);
    pool.enqueue(2, 1, rows);
    const load = pool.load; // first read: nothing was counted until now
    expect(Array.from(load)).toEqual([1, 0, 3]);
    pool.remove(2, 0, rows);
    pool.endService(0);
    pool.startService(1);
    pool.enqueue(1, 2, rows);
    expect(pool.load).toBe(load); // the same live array
    expect(Array.from(load)).toEqual(expected());
    expect(Array.from(load)).toEqual([0, 2, 2]);
  });
});

describe('ServerPool buffers', () => {
  it('a large pool (its rows in a line-aligned buffer) keeps each server\'s row to itself', () => {
    const clock = { now: 0 };
    const n = 10_000; // 1.28 MB of rows: past ALIGNED_FROM
    const pool = new ServerPool(Array.from({ length: n }, (_, s) => ({ concurrency: 1 + (s % 3), speed: 1, weight: 1, queueLimit: -1 })), clock);
    expect(pool.f64.length).toBe(n * 16);
    expect(pool.i32.length).toBe(n * SERVER_ROW_I32);
    expect(pool.inServiceOf(n - 1)).toBe(0);
    expect(pool.i32[(n - 1) * SERVER_ROW_I32 + S_CONCURRENCY]).toBe(1 + ((n - 1) % 3));
    clock.now = 5;
    pool.startService(n - 1);
    clock.now = 7;
    pool.endService(n - 1);
    pool.flush();
    expect(pool.stateTime.subarray((n - 1) * 4, n * 4)).toEqual(new Float64Array([7 - 2, 2, 0, 0]));
    expect(pool.stateTime.subarray((n - 2) * 4, (n - 1) * 4)).toEqual(new Float64Array([7, 0, 0, 0]));
  });
});
