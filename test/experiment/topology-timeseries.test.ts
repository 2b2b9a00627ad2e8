import { describe, expect, it } from 'vitest';
import { preset, simulate, type TopologyInput } from '../../src/index.js';

/** A Summary without its wall-clock time and time series. */
const core = ({ wallMs: _w, timeseries: _t, ...rest }: Record<string, unknown>) => rest;
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });

/** a calls b; b's server 0 is down from 2 s to 4 s (health checks find it). */
const scenario: TopologyInput = {
  seed: 12, stop: { timeMs: 6000, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 300 }, entry: 'a',
  services: {
    a: { servers: [{ count: 2, concurrency: 100 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'b' }] },
    b: {
      servers: [{ count: 3, concurrency: 2 }], balancer: { name: 'least-connections' }, work: [{ work: exp(5) }],
      failures: { outages: [{ atMs: 2000, forMs: 2000, servers: [0] }] }, health: { intervalMs: 100, timeoutMs: 20 },
    },
  },
};

describe('time series of a topology', () => {
  it.each([
    ['three-tier (retries, stop by requests)', { ...(preset('three-tier') as TopologyInput), stop: { requests: 5000 } }],
    ['a callee outage with health checks, warm-up inside a window', scenario],
  ] as [string, TopologyInput][])('leaves the Summary of %s unchanged', (_name, input) => {
    const plain = simulate(input);
    const sampled = simulate(input, { timeseries: { windowMs: 250 } });
    expect(core(sampled as never)).toEqual(core(plain as never));
    expect(sampled.timeseries.points.length).toBeGreaterThan(3);
  });

  it('adds up per service: attempts ok per window sum to the service\'s, and its utilisation averages to the Summary\'s', () => {
    const s = simulate({ ...scenario, stop: { timeMs: 6000 } }, { timeseries: { windowMs: 500 } }); // no warm-up: every request is measured
    const points = s.timeseries.points;
    for (const name of ['a', 'b'] as const) {
      const ok = points.reduce((n, p) => n + (p.services![name].okPerSec * (p.toMs - p.fromMs)) / 1000, 0);
      expect(ok).toBeCloseTo(s.services[name].succeeded, 3);
      const errors = points.reduce((n, p) => n + (p.services![name].errorsPerSec * (p.toMs - p.fromMs)) / 1000, 0);
      const k = s.services[name];
      expect(errors).toBeCloseTo(k.failed + k.dropped + k.rejected, 3);
      const inWindow = points.filter((p) => p.fromMs >= s.window.fromMs && p.toMs <= s.window.toMs);
      const busy = inWindow.reduce((u, p) => u + p.services![name].utilization * (p.toMs - p.fromMs), 0) / inWindow.reduce((u, p) => u + p.toMs - p.fromMs, 0);
      expect(busy).toBeCloseTo(k.utilization, 2);
    }
    const done = points.reduce((n, p) => n + (p.throughputPerSec * (p.toMs - p.fromMs)) / 1000, 0);
    expect(done).toBeCloseTo(s.requests.succeeded, 3);
  });

  it('shows the callee\'s server down in the windows it is down at, and its errors there', () => {
    const s = simulate(scenario, { timeseries: { windowMs: 1000 } });
    const b = s.timeseries.points.map((p) => p.services!.b);
    expect(b.map((x) => x.failed)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(b[2].errorsPerSec).toBeGreaterThan(0); // attempts sent there before the checks noticed
    expect(b[4].errorsPerSec).toBe(0);
  });
});
