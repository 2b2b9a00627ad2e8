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
  it('the row slots are disjoint and fit one 64-byte row', () => {
    const bytes: [number, number][] = [
      ...[S_BUSY_AREA, S_QUEUE_AREA, S_SPEED, S_COMPLETED].map((k): [number, number] => [k * 8, k * 8 + 8]),
      ...[S_IN_SERVICE, S_CONCURRENCY, S_QUEUE_LIMIT, S_QUEUE_LENGTH, S_QUEUE_HEAD, S_QUEUE_TAIL, S_SERVING, S_DISCIPLINE].map((k): [number, number] => [k * 4, k * 4 + 4]),
    ].sort((a, b) => a[0] - b[0]);
    for (let k = 0; k < bytes.length; k++) {
      expect(bytes[k][1]).toBeLessThanOrEqual(k + 1 < bytes.length ? bytes[k + 1][0] : SERVER_ROW_BYTES);
    }
    expect(SERVER_ROW_BYTES).toBe(64);
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
