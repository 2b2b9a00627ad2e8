import { describe, expect, it } from 'vitest';
import { Stats } from '../../src/model/stats.js';
import { ServerPool } from '../../src/model/server-pool.js';
import { Simulation } from '../../src/engine/simulation.js';
import { RequestState as R } from '../../src/model/states.js';

function stats(): Stats {
  const sim = new Simulation();
  const pool = new ServerPool([{ concurrency: 1, speed: 1, weight: 1, queueLimit: -1 }], sim);
  return new Stats(pool, sim, 0);
}

describe('Stats.ended', () => {
  it('counts each terminal state apart, records the latency of successes only, and leaves inFlight balanced', () => {
    const s = stats();
    const ends: [number, number][] = [
      [R.Succeeded, 3], [R.Failed, 1], [R.TimedOut, 2], [R.Succeeded, 5], [R.Dropped, 4], [R.Rejected, 6],
      [R.TimedOut, 7], [R.Succeeded, 9], [R.Rejected, 8],
    ];
    for (const [to, ms] of ends) {
      s.arrived++;
      s.inFlight++;
      s.ended(to, ms);
    }
    expect([s.succeeded, s.failed, s.timedOut, s.dropped, s.rejected]).toEqual([3, 1, 2, 1, 2]);
    expect(s.arrived).toBe(ends.length);
    expect(s.inFlight).toBe(0);
    expect(s.latency.count).toBe(3);
    expect(s.latencyStats.mean).toBeCloseTo((3 + 5 + 9) / 3, 12);
  });

  it('starts from zero', () => {
    const s = stats();
    expect([s.arrived, s.succeeded, s.failed, s.timedOut, s.dropped, s.rejected, s.inFlight]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
