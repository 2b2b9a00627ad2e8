import { describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/model/server-pool.js';
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
