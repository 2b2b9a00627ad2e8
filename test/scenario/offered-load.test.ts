import { describe, expect, it } from 'vitest';
import { createArrivals, offeredLoad, parseScenario, preset } from '../../src/index.js';
import type { ArrivalSpec } from '../../src/index.js';

/** A one-server scenario with these arrivals and service (exponential 10 ms unless given). */
function scenario(arrivals: unknown, more: Record<string, unknown> = {}) {
  return parseScenario({
    stop: { timeMs: 10_000 },
    servers: [{ count: 1 }],
    arrivals,
    service: { dist: 'exponential', meanMs: 10 },
    balancer: { name: 'round-robin' },
    ...more,
  });
}

describe('offeredLoad(scenario)', () => {
  it('is λ · E[S] / capacity for Poisson arrivals: 900/s × 10 ms over 10 servers is 0.9', () => {
    const load = offeredLoad(parseScenario(preset('default')));
    expect(load).toMatchObject({ kind: 'open', arrivalRatePerSec: 900, meanServiceMs: 10, capacity: 10 });
    expect(load.rho).toBeCloseTo(0.9, 12);
    expect(load.peakRho).toBeCloseTo(0.9, 12);
    expect(load.groups).toHaveLength(1);
    expect(load.groups[0]).toMatchObject({ name: 'group 0', capacityShare: 1 });
  });

  it('counts concurrency and speed in capacity, and gives each group its capacity share, even-spread ρ and by-weight ρ', () => {
    // Capacity 2·1·2 + 2·2·0.5 = 6 slots; 300/s × 10 ms (uniform 0..20) = 3 ⇒ ρ = 0.5.
    const load = offeredLoad(scenario({ process: 'constant', ratePerSec: 300 }, {
      servers: [{ name: 'fast', count: 2, speed: 2, weight: 1 }, { count: 2, concurrency: 2, speed: 0.5, weight: 3 }],
      service: { dist: 'uniform', minMs: 0, maxMs: 20 },
    }));
    expect(load.capacity).toBe(6);
    expect(load.rho).toBeCloseTo(0.5, 12);
    const [fast, slow] = load.groups;
    expect(fast.name).toBe('fast');
    expect(slow.name).toBe('group 1');
    expect(fast.capacityShare).toBeCloseTo(4 / 6, 12);
    expect(slow.capacityShare).toBeCloseTo(2 / 6, 12);
    // Evenly: 75/s per server; a fast server has capacity 2, a slow one 2 × 0.5 = 1.
    expect(fast.evenRho).toBeCloseTo((0.075 * 10) / 2, 12);
    expect(slow.evenRho).toBeCloseTo(0.075 * 10, 12);
    // By weight (total 2·1 + 2·3 = 8): fast 300·2/8 = 75/s on 4 slots, slow 225/s on 2.
    expect(fast.weightedRho).toBeCloseTo((0.075 * 10) / 4, 12);
    expect(slow.weightedRho).toBeCloseTo((0.225 * 10) / 2, 12);
  });

  it('takes the time-weighted mean of on-off rates, and the on rate as the peak', () => {
    // (100/s · 300 ms + 20/s · 700 ms) / 1 s = 44/s; × 20 ms = 0.88; peak 100/s × 20 ms = 2.
    const load = offeredLoad(scenario(
      { process: 'on-off', ratePerSec: 100, offRatePerSec: 20, onMs: 300, offMs: 700 },
      { service: { dist: 'exponential', meanMs: 20 } },
    ));
    expect(load.arrivalRatePerSec).toBeCloseTo(44, 12);
    expect(load.rho).toBeCloseTo(0.88, 12);
    expect(load.peakRatePerSec).toBe(100);
    expect(load.peakRho).toBeCloseTo(2, 12);
  });

  it("uses a ramp's final rate (held after the ramp) as λ and its larger end as the peak", () => {
    const up = offeredLoad(scenario({ process: 'ramp', fromPerSec: 0, toPerSec: 50, overMs: 10_000 }));
    expect(up.arrivalRatePerSec).toBe(50);
    expect(up.rho).toBeCloseTo(0.5, 12);
    const down = offeredLoad(scenario({ process: 'ramp', fromPerSec: 80, toPerSec: 20, overMs: 10_000 }));
    expect(down.rho).toBeCloseTo(0.2, 12);
    expect(down.peakRho).toBeCloseTo(0.8, 12);
  });

  it('gives a trace (n − 1) gaps over its span and the mean of its costs, for the arrivals the stop rule replays', () => {
    const arrivals = { process: 'trace', timesMs: [0, 10, 20, 40], costsMs: [1, 2, 3, 6] };
    const whole = offeredLoad(parseScenario({ servers: [{}], arrivals, service: { dist: 'constant', valueMs: 100 }, balancer: { name: 'rr' } }));
    expect(whole.arrivalRatePerSec).toBeCloseTo(75, 12); // 3 gaps in 40 ms
    expect(whole.meanServiceMs).toBe(3); // the costs, not the service distribution
    expect(whole.rho).toBeCloseTo(0.225, 12);
    const first3 = offeredLoad(scenario(arrivals, { stop: { requests: 3 } }));
    expect(first3.arrivalRatePerSec).toBeCloseTo(100, 12); // 2 gaps in 20 ms
    expect(first3.meanServiceMs).toBe(2);
    const before15 = offeredLoad(scenario(arrivals, { stop: { timeMs: 15 } }));
    expect(before15.arrivalRatePerSec).toBeCloseTo(100, 12); // 0 and 10
  });

  it('gives a trace of one arrival no rate and a burst at one instant an infinite one', () => {
    expect(offeredLoad(scenario({ process: 'trace', timesMs: [5] })).rho).toBe(0);
    expect(offeredLoad(scenario({ process: 'trace', timesMs: [5, 5, 5] })).rho).toBe(Infinity);
  });

  it('bounds a closed loop by clients / (think + service) and by capacity, never above 1', () => {
    // 50 clients thinking 100 ms for 1 ms requests: at most 50 / 101 ms = 495/s, ρ ≤ 0.495.
    const light = offeredLoad(scenario({ process: 'closed', clients: 50, thinkMs: { dist: 'exponential', meanMs: 100 } }, {
      service: { dist: 'exponential', meanMs: 1 },
    }));
    expect(light.kind).toBe('closed');
    expect(light.arrivalRatePerSec).toBeCloseTo(50_000 / 101, 9);
    expect(light.rho).toBeCloseTo(50 / 101, 12);
    // Thinking 10 ms: 50 / 11 ms = 4,545/s asked, 1,000/s served: saturated.
    const saturated = offeredLoad(scenario({ process: 'closed', clients: 50, thinkMs: { dist: 'constant', valueMs: 10 } }, {
      service: { dist: 'exponential', meanMs: 1 },
    }));
    expect(saturated.arrivalRatePerSec).toBeCloseTo(1000, 9);
    expect(saturated.rho).toBe(1);
  });

  it('is infinite when the service distribution has no mean (Pareto with alpha ≤ 1), and 1 for a closed loop then', () => {
    const service = { dist: 'pareto', alpha: 1, minMs: 1 };
    expect(offeredLoad(scenario({ process: 'poisson', ratePerSec: 10 }, { service })).rho).toBe(Infinity);
    expect(offeredLoad(scenario({ process: 'closed', clients: 2, thinkMs: { dist: 'constant', valueMs: 5 } }, { service })).rho).toBe(1);
  });

  it("agrees with each arrival process's own meanRatePerSec", () => {
    const specs: ArrivalSpec[] = [
      { process: 'poisson', ratePerSec: 123 },
      { process: 'constant', ratePerSec: 7 },
      { process: 'on-off', ratePerSec: 90, offRatePerSec: 5, onMs: 250, offMs: 1_750 },
      { process: 'ramp', fromPerSec: 10, toPerSec: 40, overMs: 5_000 },
    ];
    for (const spec of specs) {
      const own = createArrivals(spec, { next: () => 0.5 }).meanRatePerSec;
      expect(offeredLoad(scenario(spec)).arrivalRatePerSec, spec.process).toBeCloseTo(own, 9);
    }
  });
});
