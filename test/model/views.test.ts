import { describe, expect, it } from 'vitest';
import { createModel, registerBalancer, simulate, type BalancerContext, type ScenarioInput } from '../../src/index.js';
import { I_KEY, ROW_I32 } from '../../src/model/request-table.js';

const base: ScenarioInput = {
  seed: 1,
  stop: { requests: 200_000, warmupMs: 1000 },
  servers: [{ count: 10 }],
  arrivals: { process: 'poisson', ratePerSec: 800 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'least-connections' },
};
const mean = (over: Partial<ScenarioInput>, balancer: string) => simulate({ ...base, ...over }, { balancer }).latencyMs.mean;

describe('stale load reports (Brooker, "The power of two random choices", 2012)', () => {
  it('with live information least-connections beats power-of-two, which beats random', () => {
    const view: Partial<ScenarioInput> = { view: { load: 'reported', refreshMs: 0 } };
    expect(mean(view, 'least-connections')).toBeLessThan(mean(view, 'power-of-two'));
    expect(mean(view, 'power-of-two')).toBeLessThan(mean(view, 'random'));
  });

  it('with reports 200 ms old, least-connections herds and falls behind random while best-of-2 stays ahead', () => {
    // Random at ρ = 0.8 is M/M/1 per server: 50 ms. Measured: LC ≈ 290 ms, P2C ≈ 57 ms.
    const view: Partial<ScenarioInput> = { view: { load: 'reported', refreshMs: 200 } };
    const lc = mean(view, 'least-connections'), p2c = mean(view, 'power-of-two'), random = mean(view, 'random');
    expect(lc).toBeGreaterThan(3 * random);
    expect(p2c).toBeLessThan(lc / 3);
  });
});

describe('a fleet of independent balancers', () => {
  it('hurts least-connections: each instance sees only its own connections', () => {
    const one = mean({}, 'least-connections');
    const sixteen = mean({ fleet: { count: 16, assign: 'random' } }, 'least-connections');
    expect(sixteen).toBeGreaterThan(1.5 * one);
  });

  it('spreads arrivals over the instances and keeps every instance\'s books', () => {
    const model = createModel({ ...base, fleet: { count: 4, assign: 'round-robin' }, stop: { timeMs: 500 } });
    model.run();
    expect(model.balancers).toHaveLength(4);
    const perInstance = [0, 1, 2, 3].map((b) => {
      let open = 0;
      for (let s = 0; s < 10; s++) open += model.contexts[b].outstanding[s];
      return open;
    });
    // What the instances hold open is exactly what is at the servers.
    const atServers = Array.from(model.pool.load).reduce((a, x) => a + x, 0);
    expect(perInstance.reduce((a, x) => a + x, 0)).toBe(atServers);
  });
});

/**
 * A user's policy that picks in cyclic order and records, at each pick, how many open requests
 * its `outstanding` shows in all (the largest such sum seen, per instance created; the scenario's
 * check creates one more first, to validate the options, which never picks).
 */
function registerCounting(name: string, readsOutstanding: boolean | undefined, seen: number[]): void {
  registerBalancer({
    name, description: 'cyclic, records what outstanding shows', options: [],
    ...(readsOutstanding === undefined ? {} : { readsOutstanding }),
    create: (ctx: BalancerContext) => {
      const b = seen.push(0) - 1;
      let next = 0;
      return {
        pick() {
          let open = 0;
          for (let s = 0; s < ctx.size; s++) open += ctx.outstanding[s];
          seen[b] = Math.max(seen[b], open);
          return next++ % ctx.size;
        },
      };
    },
  });
}

describe('a policy registered with readsOutstanding', () => {
  // 10 servers at ρ = 0.8 for 500 ms: each of the two instances holds a few open requests at most picks.
  const run = (name: string) => {
    const model = createModel({ ...base, balancer: { name }, fleet: { count: 2, assign: 'round-robin' }, stop: { timeMs: 500 } });
    model.run();
    const held = [0, 1].map((b) => Array.from(model.contexts[b].outstanding).reduce((a, x) => a + x, 0));
    return { held, atServers: Array.from(model.pool.load).reduce((a, x) => a + x, 0) };
  };

  it('false: the model keeps no counts for it, so outstanding stays all 0', () => {
    const seen: number[] = [];
    registerCounting('test-reads-no-outstanding', false, seen);
    const { held, atServers } = run('test-reads-no-outstanding');
    expect(seen.slice(-2)).toEqual([0, 0]);
    expect(held).toEqual([0, 0]);
    expect(atServers).toBeGreaterThan(0);
  });

  it('absent (or true): each instance sees its own open requests', () => {
    for (const [name, flag] of [['test-reads-outstanding', undefined], ['test-reads-outstanding-true', true]] as const) {
      const seen: number[] = [];
      registerCounting(name, flag, seen);
      const { held, atServers } = run(name);
      expect(seen.slice(-2).every((x) => x > 0)).toBe(true);
      expect(held[0] + held[1]).toBe(atServers);
      expect(atServers).toBeGreaterThan(0);
    }
  });
});

describe('request keys', () => {
  it('zipf keys make key 0 the hottest, in proportion 1/(k+1)^s', () => {
    const model = createModel({ ...base, keys: { dist: 'zipf', count: 100, exponent: 1 }, stop: { requests: 100_000 } });
    const counts = new Float64Array(100);
    model.observer = { dispatched: (r) => void counts[model.requests.i32[r * ROW_I32 + I_KEY]]++ };
    model.run();
    let h = 0;
    for (let k = 1; k <= 100; k++) h += 1 / k;
    const p0 = 1 / h; // ≈ 0.193; binomial sd at n = 1e5 ≈ 0.00125
    expect(Math.abs(counts[0] / 100_000 - p0)).toBeLessThan(4 * 0.00125);
    expect(counts[0] / counts[1]).toBeCloseTo(2, 0);
  });

  it('uniform keys cover all keys evenly', () => {
    const model = createModel({ ...base, keys: { dist: 'uniform', count: 4 }, stop: { requests: 40_000 } });
    const counts = [0, 0, 0, 0];
    model.observer = { dispatched: (r) => void counts[model.requests.i32[r * ROW_I32 + I_KEY]]++ };
    model.run();
    // Binomial sd at p = 1/4, n = 4e4: √(4e4 · 3/16) ≈ 87.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(4 * 87);
  });
});
