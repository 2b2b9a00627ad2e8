import { describe, expect, it } from 'vitest';
import { createArrivals, createStream, simulate } from '../../src/index.js';

function count(spec: Parameters<typeof createArrivals>[0], untilMs: number, seed = 1): number[] {
  const p = createArrivals(spec, createStream(seed, 'arrivals'));
  const times: number[] = [];
  for (let t = p.next(0); t <= untilMs; t = p.next(t)) times.push(t);
  return times;
}

describe('arrival processes', () => {
  it('poisson(ratePerSec) produces ratePerSec arrivals per second on average', () => {
    const n = count({ process: 'poisson', ratePerSec: 1000 }, 200_000).length;
    // Poisson count: sd = √(λT) = √200000 ≈ 447; 4 sd.
    expect(Math.abs(n - 200_000)).toBeLessThan(4 * 447);
  });

  it('constant(ratePerSec) spaces arrivals exactly', () => {
    const t = count({ process: 'constant', ratePerSec: 4 }, 1000);
    expect(t).toEqual([250, 500, 750, 1000]);
  });

  it('on-off sends at ratePerSec during on periods and offRatePerSec during off periods', () => {
    const t = count({ process: 'on-off', ratePerSec: 1000, offRatePerSec: 100, onMs: 1000, offMs: 3000 }, 400_000);
    const on = t.filter((x) => x % 4000 < 1000).length, off = t.length - on;
    // 100 periods: 100,000 expected on, 30,000 off (Poisson sd 316 and 173).
    expect(Math.abs(on - 100_000)).toBeLessThan(4 * 316);
    expect(Math.abs(off - 30_000)).toBeLessThan(4 * 173);
  });

  it('on-off with fractional periods always moves on (0.1 / 0.2 ms used to loop forever at t = 0.4)', () => {
    // Its rate over a long run: 1000/s one third of the time, none the rest: 333.3/s (sd √n).
    for (const [onMs, offMs] of [[0.1, 0.2], [0.3, 0.7], [1e-3, 2e-3]]) {
      const t = count({ process: 'on-off', ratePerSec: 1000, offRatePerSec: 0, onMs, offMs }, 300_000);
      const expected = 300_000 * (onMs / (onMs + offMs));
      expect(Math.abs(t.length - expected), `${onMs}/${offMs}`).toBeLessThan(4 * Math.sqrt(expected));
      for (let i = 1; i < t.length; i++) if (!(t[i] > t[i - 1])) throw new Error(`arrival ${i} at ${t[i]} does not move on from ${t[i - 1]}`);
    }
  });

  it('ramp rises linearly from fromPerSec to toPerSec, then stays flat', () => {
    const t = count({ process: 'ramp', fromPerSec: 0, toPerSec: 2000, overMs: 100_000 }, 200_000);
    const first = t.filter((x) => x < 50_000).length; // ∫0^50 s of 0→1000/s = 25,000
    const second = t.filter((x) => x >= 50_000 && x < 100_000).length; // 75,000
    const flat = t.filter((x) => x >= 100_000).length; // 200,000
    expect(Math.abs(first - 25_000)).toBeLessThan(4 * 158);
    expect(Math.abs(second - 75_000)).toBeLessThan(4 * 274);
    expect(Math.abs(flat - 200_000)).toBeLessThan(4 * 447);
  });

  it('trace replays recorded times and costs exactly', () => {
    const s = simulate({
      stop: { requests: 3 },
      servers: [{ count: 1 }],
      arrivals: { process: 'trace', timesMs: [0, 1, 2], costsMs: [5, 1, 1] },
      service: { dist: 'exponential', meanMs: 1 },
      balancer: { name: 'round-robin' },
    });
    // FIFO at one server: responses 5, 5, 5 (the 2nd starts at 5 and ends at 6, arrived at 1).
    expect(s.latencyMs.max).toBe(5);
    expect(s.latencyMs.mean).toBe(5);
    expect(s.simTimeMs).toBe(7);
  });

  it('a trace scenario without a stop rule stops after its last arrival', () => {
    const s = simulate({
      stop: { timeMs: 1e9 },
      servers: [{ count: 1 }],
      arrivals: { process: 'trace', timesMs: [10, 20] },
      service: { dist: 'constant', valueMs: 1 },
      balancer: { name: 'random' },
    });
    expect(s.requests.succeeded).toBe(2);
  });
});
