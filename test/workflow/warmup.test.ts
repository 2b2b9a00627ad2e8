/**
 * Warm-up (`stop.warmupMs`): families created before its end run but count in no workflow
 * figure; occupancy is averaged over the rest of the run. A payment outage in the first seconds,
 * before the warm-up ends, then leaves the figures as a run without it.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';

/** order-payment (50 orders/s, 4,000), both payment servers down for the first 5 s if `outage`. */
function scenario(outage: boolean, warmupMs: number): TopologyInput {
  const input = preset('order-payment') as TopologyInput & { services: Record<string, Record<string, unknown>> };
  if (outage) input.services.payments.failures = { outages: [{ atMs: 0, forMs: 5000, servers: [0, 1] }] };
  input.stop = { requests: 4000, warmupMs };
  return input;
}

describe('workflows and the warm-up', () => {
  const noWarmup = simulate(scenario(true, 0));
  const outage = simulate(scenario(true, 15_000));
  const healthy = simulate(scenario(false, 15_000));

  it('without warm-up the outage fails the orders that pay during it', () => {
    // Orders arrive at 50/s and submit after an exponential 1 s: about 50/s × (5 s − 1 s) = 200
    // meet the outage (calls refused at once, the retry too) and end Failed; Poisson spread 14.
    expect(noWarmup.workflows!.machines.order.endStates.Failed.count).toBeGreaterThan(150);
  });

  it('a family counts if it was created at or after the warm-up: one per request arrived in the window', () => {
    for (const s of [outage, healthy]) {
      const w = s.workflows!;
      expect(w.instances.started).toBe(s.requests.arrived);
      expect(w.instances.started).toBeLessThan(4000 - 50 * 15 * 0.8);
      expect(w.instances.completed + w.instances.live).toBe(w.instances.started);
      expect(w.machines.order.instances).toBe(w.instances.started);
      expect(w.machines.order.states.Draft.entries).toBe(w.instances.started);
      expect(w.machines.order.transitions['Draft --submit--> Submitted']).toBe(w.instances.started);
      expect(w.pairs['Draft|-'].entries).toBe(w.instances.started);
      const ends = Object.values(w.machines.order.endStates).reduce((a, e) => a + e.count, 0);
      expect(ends).toBe(w.instances.started);
    }
    // The arrivals draw from their own stream: the same families in both runs.
    expect(outage.workflows!.instances.started).toBe(healthy.workflows!.instances.started);
  });

  it('with the outage inside the warm-up, the figures are those of a run without it', () => {
    const a = outage.workflows!, b = healthy.workflows!;
    const failed = (w: typeof a) => w.machines.order.endStates.Failed?.count ?? 0;
    // Failures are rare without an outage (two refusals in a row); two Poisson counts differ by
    // less than 4 standard deviations of their difference, √(a + b).
    expect(Math.abs(failed(a) - failed(b))).toBeLessThanOrEqual(4 * Math.sqrt(failed(a) + failed(b) + 1));
    for (const v of a.invariants) expect(v.violations).toBe(0);
    // Time in PaymentPending per visit: about one authorization, lognormal (median 120 ms, p99
    // 600 ms: σ = ln 5 / 2.326 = 0.692, mean 152 ms, sd = mean·√(e^σ² − 1) = 117 ms). Two runs'
    // means over n visits differ by less than 4·√2·sd/√n.
    const pa = a.machines.order.states.PaymentPending, pb = b.machines.order.states.PaymentPending;
    const n = Math.min(pa.entries, pb.entries), sd = 152 * Math.sqrt(Math.exp(0.692 ** 2) - 1);
    expect(Math.abs(pa.timeMs.mean - pb.timeMs.mean)).toBeLessThan(4 * Math.SQRT2 * sd / Math.sqrt(n));
    // Occupancy over the window after the warm-up (Little's law: the same arrivals × the mean
    // time): relative spread of the difference √2·(sd/mean)/√n.
    expect(Math.abs(pa.occupancy - pb.occupancy)).toBeLessThan(pb.occupancy * 4 * Math.SQRT2 * (sd / 152) / Math.sqrt(n));
    // Without the warm-up the outage shows.
    expect(failed(noWarmup.workflows!)).toBeGreaterThan(10 * (failed(b) + 1));
  });
});

/** One order machine, Draft for a constant 800 ms, orders arriving at `timesMs`. */
function drafts(timesMs: number[], warmupMs: number): TopologyInput {
  return {
    name: 'drafts', seed: 1, stop: { requests: timesMs.length, warmupMs },
    arrivals: { process: 'trace', timesMs },
    entry: 'orders',
    services: { orders: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'constant', valueMs: 1 } }] } },
    workflows: {
      start: 'order',
      machines: { order: { service: 'orders', machine: { id: 'order', initial: 'Draft', states: { Draft: { after: { 800: 'Done' } }, Done: { type: 'final' } } } } },
      invariants: { never: [{ order: 'Draft' }], eventually: [{ order: 'Done', withinMs: 500 }] },
    },
  } as TopologyInput;
}

describe('the warm-up by hand', () => {
  it('a family straddling the warm-up\'s end (500-1300 ms, warm-up 1000) counts nowhere; the next (1500-2300) counts alone, its occupancy over 1000-2300 ms', () => {
    const r = simulate(drafts([500, 1500], 1000)), w = r.workflows!;
    expect(r.simTimeMs).toBe(2300);
    expect(w.instances).toEqual({ started: 1, completed: 1, live: 0 });
    expect(w.machines.order.states.Draft.entries).toBe(1);
    expect(w.machines.order.states.Draft.timeMs.mean).toBe(800);
    expect(w.machines.order.states.Draft.occupancy).toBeCloseTo(800 / 1300, 8);
    expect(w.machines.order.endStates).toEqual({ Done: { count: 1, share: 1 } });
    // The first family's deadline (at 1000 ms) and its Draft are not counted; the second's Draft
    // violates for 800 ms, and it is done 300 ms after its deadline at 2000 ms.
    expect(w.invariants.map((v) => [v.violations, v.resolved, v.unresolved, v.meanMs])).toEqual([[1, 1, 0, 800], [1, 1, 0, 300]]);
  });

  it('a warm-up longer than the run: nothing counted, every figure zero (no NaN, no null)', () => {
    const r = simulate(drafts([500, 1500], 1e9)), w = r.workflows!;
    expect(r.requests.arrived).toBe(0);
    expect(w.instances).toEqual({ started: 0, completed: 0, live: 0 });
    const bad: string[] = [];
    const walk = (x: unknown, path: string) => {
      if (typeof x === 'number' && !Number.isFinite(x)) bad.push(`${path} = ${x}`);
      else if (x === null && path !== '.duplicates') bad.push(`${path} = null`);
      else if (typeof x === 'object' && x !== null) for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
    };
    walk(w, '');
    expect(bad).toEqual([]);
    expect(w.machines.order.states.Draft).toMatchObject({ entries: 0, occupancy: 0 });
    expect(w.invariants.map((v) => v.violations)).toEqual([0, 0]);
  });
});
