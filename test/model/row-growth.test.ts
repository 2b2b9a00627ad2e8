// The request table grows (a new buffer, new views) while a handler is half done: a request that
// ends leaves its hedges running as abandoned work, a row each, allocated inside finishRequest's
// loop. Everything the handlers wrote must land in the grown table: requests are conserved and
// the short, general and checked paths agree, with the table grown several times mid-withdrawal.
import { describe, expect, it } from 'vitest';
import { createModel, simulate } from '../../src/experiment/simulate.js';
import { summarize } from '../../src/model/summary.js';
import type { ScenarioInput } from '../../src/scenario/scenario-input.js';

/** Overloaded (ρ = 2.5, no queue limit), hedges not cancelled: rows pile up past 1,024 by thousands. */
const scenario: ScenarioInput = {
  seed: 10, stop: { requests: 6000 }, servers: [{ count: 40, concurrency: 1 }],
  arrivals: { process: 'poisson', ratePerSec: 10_000 }, service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'least-connections' },
  client: { timeoutMs: 40, deadlineMs: 30, cancel: false, hedge: { afterMs: 2, max: 3 }, retries: { max: 2, baseMs: 1 } },
  failures: { outages: [{ atMs: 100, forMs: 50, servers: [0, 1, 2, 3, 4, 5, 6, 7] }] },
};

const withoutWall = (s: object): string => JSON.stringify({ ...s, wallMs: 0 });

describe('request rows grown inside a handler', () => {
  it('grows while finishRequest abandons hedges, conserves requests, and matches the general and checked paths', () => {
    const model = createModel(scenario);
    const table = model.requests as unknown as { grow(cap: number): void; size: number };
    const flow = model.flow as unknown as { finishRequest(p: number, to: number): void };
    const grow = table.grow.bind(table), finish = flow.finishRequest.bind(flow);
    let finishing = 0, grownInside = 0, grown = 0;
    table.grow = (cap: number) => {
      if (cap > table.size) {
        grown++;
        if (finishing > 0) grownInside++;
      }
      grow(cap);
    };
    flow.finishRequest = (p: number, to: number) => {
      finishing++;
      try {
        finish(p, to);
      } finally {
        finishing--;
      }
    };
    model.run();
    const summary = summarize(model, 'scenario', 0);
    expect(grown).toBeGreaterThanOrEqual(3); // 1,024 → 8,192 rows at least
    expect(grownInside).toBeGreaterThanOrEqual(1); // 3 of this seed's 5 growths
    const q = summary.requests;
    expect(q.arrived).toBe(6000);
    expect(q.succeeded + q.failed + q.timedOut + q.dropped + q.rejected + q.inFlight).toBe(q.arrived);
    expect(q.inFlight).toBe(0);
    expect(withoutWall(simulate(scenario))).toBe(withoutWall(summary));
    expect(withoutWall(simulate(scenario, { path: 'general' }))).toBe(withoutWall(summary));
    expect(withoutWall(simulate(scenario, { checked: true }))).toBe(withoutWall(summary));
  }, 60_000);

  it('stop.maxInFlight bounds the rows alive at once exactly, on every path', () => {
    const model = createModel(scenario);
    const table = model.requests;
    const alloc = table.alloc.bind(table);
    let peak = 0;
    table.alloc = () => {
      const r = alloc();
      if (table.live > peak) peak = table.live;
      return r;
    };
    model.run();
    expect(peak).toBeGreaterThan(2048); // past two growths
    const full = withoutWall(summarize(model, 'scenario', 0));
    for (const o of [{}, { path: 'general' as const }, { checked: true }]) {
      expect(withoutWall(simulate({ ...scenario, stop: { ...scenario.stop, maxInFlight: peak } }, o))).toBe(full);
      expect(() => simulate({ ...scenario, stop: { ...scenario.stop, maxInFlight: peak - 1 } }, o))
        .toThrow(`stop.maxInFlight: more than ${(peak - 1).toLocaleString('en')} requests`);
    }
  }, 60_000);
});
