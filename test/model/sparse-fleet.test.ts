/**
 * Large fleets keep per instance only the servers it has open requests at (BalancerFleet.sparse):
 * the same summaries as dense per-instance arrays, the books balanced, and the herding of
 * least-connections behind stale reports at a few hundred instances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createModel, registerBalancer, simulate, type ScenarioInput } from '../../src/index.js';
import { BalancerFleet } from '../../src/model/balancer-view.js';
import { slotJoinIdleQueue } from '../../src/balancers/join-idle-queue.js';
import { scheduleLeastRequest } from '../../src/balancers/least-request-weighted.js';
import { boundedLoadHash } from '../../src/balancers/bounded-load-hash.js';

const dense = BalancerFleet.sparseCells;
afterEach(() => {
  BalancerFleet.sparseCells = dense;
});

const base: ScenarioInput = {
  seed: 4,
  stop: { requests: 6000, warmupMs: 200 },
  servers: [{ count: 48 }],
  arrivals: { process: 'poisson', ratePerSec: 4000 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'least-connections' },
  fleet: { count: 40, assign: 'random' },
};

const summary = (input: ScenarioInput, sparseCells: number): string => {
  BalancerFleet.sparseCells = sparseCells;
  const { wallMs: _, ...rest } = simulate(input) as unknown as Record<string, unknown>;
  return JSON.stringify(rest);
};

describe('sparse fleets', () => {
  const balancers: [string, Record<string, unknown>?][] = [
    ['least-connections'], ['least-connections', { weighted: true }], ['power-of-two'], ['join-shortest-queue'], ['least-time'],
    ['first', { maxConn: 2 }], ['bounded-load-hash', { minRingSize: 96 }], ['least-request-weighted'], ['least-request-weighted', { bias: 0.5, choices: 3 }], ['peak-ewma'], ['weighted-random'],
    ['power-of-two', { metric: 'latency-ewma', observeErrors: true }], ['peak-ewma', { decayMs: 50 }], ['edf-round-robin'], ['weighted-round-robin'],
    ['dynamic-weighted-round-robin'], ['dynamic-weighted-round-robin', { range: 5, window: 1 }],
    ['join-idle-queue'], ['join-idle-queue', { idleQueueSize: 5 }],
  ];
  for (const [name, options] of balancers) {
    it(`${name}${options ? ' ' + JSON.stringify(options) : ''}: the same summary as dense per-instance counts`, () => {
      const input: ScenarioInput = {
        ...base,
        stop: { requests: 3000, warmupMs: 100 },
        balancer: { name, ...options },
        servers: [{ count: 24 }, { count: 24, weight: 2 }],
        health: { intervalMs: 50, timeoutMs: 20, unhealthyThreshold: 2, healthyThreshold: 2, slowStartMs: 100 },
        failures: { mtbfMs: 400, mttrMs: 100 },
        ...(name === 'bounded-load-hash' ? { keys: { dist: 'uniform', count: 500 } } : {}),
      };
      const a = summary(input, 1 << 30), b = summary(input, 0);
      expect(JSON.parse(a).requests.succeeded).toBeGreaterThan(200);
      expect(b).toBe(a);
    });
  }

  const reportedViews: [string, Record<string, unknown>?][] = [
    ['least-time'], ['peak-ewma'], ['join-idle-queue'], ['least-request-weighted'],
    ['least-connections'], ['least-connections', { weighted: true }], ['join-shortest-queue'], ['bounded-load-hash'], ['first', { maxConn: 2 }],
  ];
  for (const view of [{ load: 'reported', refreshMs: 20 }, { load: 'reported', refreshMs: 0 }] as const) {
    for (const [name, options] of reportedViews) {
      it(`${name}${options ? ' ' + JSON.stringify(options) : ''} with view ${JSON.stringify(view)}: the same summary as dense per-instance state`, () => {
        const input: ScenarioInput = {
          ...base, stop: { requests: 3000, warmupMs: 100 }, balancer: { name, ...options }, view,
          servers: [{ count: 24 }, { count: 24, weight: 2 }],
          health: { intervalMs: 50, timeoutMs: 20, unhealthyThreshold: 2, healthyThreshold: 2, slowStartMs: 100 },
          failures: { mtbfMs: 400, mttrMs: 100 },
          ...(name === 'bounded-load-hash' ? { keys: { dist: 'uniform', count: 500 } } : {}),
        };
        const a = summary(input, 1 << 30), b = summary(input, 0);
        expect(JSON.parse(a).requests.succeeded).toBeGreaterThan(200);
        expect(b).toBe(a);
      });
    }
  }

  it('a policy that rebuilds lazily is rebuilt before it acts after a change of the pool, once, not at every change', () => {
    let rebuilds = 0, stale = 0, acts = 0;
    const pool = (e: Uint8Array): string => e.join('');
    registerBalancer({
      name: 'test-lazy-rebuild', description: 'test: random, checking that its rebuild saw the pool as it is', options: [],
      create: (ctx) => {
        let seen = pool(ctx.eligible);
        const check = (): void => {
          acts++;
          if (seen !== pool(ctx.eligible)) stale++;
        };
        return {
          pick: () => {
            check();
            const k = Math.floor(ctx.rng.next() * ctx.eligibleIndex!.count);
            return ctx.eligibleIndex!.nth(k);
          },
          observe: () => check(),
          rebuild: () => {
            rebuilds++;
            seen = pool(ctx.eligible);
          },
          rebuildLazily: true,
        };
      },
    });
    const input: ScenarioInput = {
      ...base, stop: { requests: 3000 }, balancer: { name: 'test-lazy-rebuild' }, fleet: { count: 400, assign: 'random' },
      failures: { mtbfMs: 300, mttrMs: 50 },
    };
    BalancerFleet.sparseCells = 0;
    const server = (simulate(input) as unknown as { transitions: { server: Record<string, number> } }).transitions.server;
    const changes = Object.entries(server).filter(([k]) => k.includes('failed')).reduce((a, [, v]) => a + v, 0);
    expect(changes).toBeGreaterThan(100);
    expect(acts).toBeGreaterThan(5000);
    expect(stale).toBe(0);
    // At most one rebuild per action of an instance (each acts ~15 times), far fewer than 400 per change.
    expect(rebuilds).toBeLessThan(acts);
    expect(rebuilds).toBeLessThan((changes * 400) / 10);
  });

  it('rebuildLazily is ignored where it cannot hold: without a rebuild, and for a policy that reads reports', () => {
    registerBalancer({
      name: 'test-lazy-no-rebuild', description: 'test: says rebuildLazily, has no rebuild', options: [],
      create: (ctx) => ({ pick: () => ctx.eligibleIndex!.nth(Math.floor(ctx.rng.next() * ctx.eligibleIndex!.count)), rebuildLazily: true }),
    });
    registerBalancer({
      name: 'test-lazy-reports', description: 'test: the schedule with an entry per server, saying rebuildLazily', options: [],
      create: (ctx) => ({ ...scheduleLeastRequest(ctx, 1, 2), rebuildLazily: true }),
    });
    const input = (name: string, view?: ScenarioInput['view']): ScenarioInput => ({
      ...base, stop: { requests: 3000 }, balancer: { name }, fleet: { count: 40, assign: 'random' }, ...(view ? { view } : {}),
      servers: [{ count: 24 }, { count: 24, weight: 2 }], failures: { mtbfMs: 400, mttrMs: 100 },
    });
    expect(JSON.parse(summary(input('test-lazy-no-rebuild'), 0)).requests.succeeded).toBeGreaterThan(200);
    for (const view of [{ load: 'reported', refreshMs: 0 }, { load: 'reported', refreshMs: 20 }] as const) {
      const a = summary(input('test-lazy-reports', view), 1 << 30), b = summary(input('test-lazy-reports', view), 0);
      expect(JSON.parse(a).requests.succeeded).toBeGreaterThan(200);
      expect(b).toBe(a);
    }
  });

  // Reports read from one structure per fleet (join-idle-queue's snapshot, least-request-weighted's start, bounded-load-hash
  // itself) in fleets of any size, against the definitions with a slot, an entry or L and m in every instance.
  registerBalancer({ name: 'test-jiq-slots', description: 'test: join-idle-queue with a slot per server', options: [], create: (ctx) => slotJoinIdleQueue(ctx, ctx.size) });
  registerBalancer({ name: 'test-lrw-schedule', description: 'test: least-request-weighted with an entry per server', options: [], create: (ctx) => scheduleLeastRequest(ctx, 1, 2) });
  registerBalancer({ name: 'test-blh-own', description: 'test: bounded-load-hash with L and m in every instance', options: [], create: (ctx) => boundedLoadHash(ctx, 0.25, 1024, false) });
  for (const [name, reference] of [['join-idle-queue', 'test-jiq-slots'], ['least-request-weighted', 'test-lrw-schedule'], ['bounded-load-hash', 'test-blh-own']] as const) {
    for (const [count, sparseCells] of [[1, 1 << 30], [5, 1 << 30], [40, 0]] as const) {
      it(`${name}, reported load, ${count} instance(s)${sparseCells === 0 ? ' (sparse)' : ''}: the same summary as the definition in every instance`, () => {
        const input = (balancer: string): ScenarioInput => ({
          ...base, stop: { requests: 3000, warmupMs: 100 }, balancer: { name: balancer }, view: { load: 'reported', refreshMs: 20 },
          servers: [{ count: 24 }, { count: 24, weight: 2 }], fleet: { count, assign: 'random' },
          health: { intervalMs: 50, timeoutMs: 20, unhealthyThreshold: 2, healthyThreshold: 2, slowStartMs: 100 },
          failures: { mtbfMs: 400, mttrMs: 100 },
          ...(name === 'bounded-load-hash' ? { keys: { dist: 'uniform', count: 500 } } : {}),
        });
        const a = summary(input(reference), sparseCells).replaceAll(JSON.stringify(reference), JSON.stringify(name)), b = summary(input(name), sparseCells);
        expect(JSON.parse(a).requests.succeeded).toBeGreaterThan(200);
        expect(b).toBe(a);
      });
    }
  }

  // A few instances with requests at every server (the sparse pick's fallback to a scan), and weights of 0.
  for (const [name, options, servers] of [
    ['least-connections', {}, [{ count: 5 }]],
    ['least-connections', { weighted: true }, [{ count: 3 }, { count: 2, weight: 3 }]],
    ['least-connections', { weighted: true }, [{ count: 3 }, { count: 2, weight: 0 }]],
    ['bounded-load-hash', {}, [{ count: 5 }]],
  ] as const) {
    it(`${name} ${JSON.stringify(options)} over ${JSON.stringify(servers)}, 3 instances each with requests at every server: the same summary as dense`, () => {
      const input: ScenarioInput = {
        ...base, stop: { requests: 4000, warmupMs: 100 }, balancer: { name, ...options }, servers: [...servers],
        arrivals: { process: 'poisson', ratePerSec: 1200 }, fleet: { count: 3, assign: 'random' },
        health: { intervalMs: 50, timeoutMs: 20, unhealthyThreshold: 2, healthyThreshold: 2 },
        failures: { mtbfMs: 300, mttrMs: 100 },
        ...(name === 'bounded-load-hash' ? { keys: { dist: 'uniform', count: 50 } } : {}),
      };
      const a = summary(input, 1 << 30), b = summary(input, 0);
      // Several requests per instance and server: the pick's minimum is above 0 at times.
      expect(JSON.parse(a).latencyMs.mean).toBeGreaterThan(30);
      expect(b).toBe(a);
    });
  }

  it("gives an instance with its own counts the servers it has requests at (ctx.openServers), and no list otherwise", () => {
    let checked = 0, held = 0, wrong = 0, listed = 0;
    registerBalancer({
      name: 'open-list-check', description: 'test: random, checking openServers against the counts', options: [],
      create: (ctx) => ({
        pick: () => {
          const open = ctx.openServers;
          if (open) {
            listed++;
            const ids = new Set(Array.from(open.ids.subarray(0, open.count)));
            if (ids.size !== open.count) wrong++;
            for (let s = 0; s < ctx.size; s++) if ((ctx.outstanding[s] !== 0) !== ids.has(s)) wrong++;
            checked++;
            held += open.count;
          }
          return Math.floor(ctx.rng.next() * ctx.size);
        },
      }),
    });
    const input: ScenarioInput = {
      ...base, stop: { requests: 3000 }, balancer: { name: 'open-list-check' }, fleet: { count: 4, assign: 'random' },
      client: { timeoutMs: 15, cancel: true, retries: { max: 1 } },
    };
    summary(input, 1 << 30);
    expect(listed).toBe(0);
    summary({ ...input, view: { load: 'reported', refreshMs: 10 } }, 0);
    expect(listed).toBe(0);
    summary(input, 0);
    expect(checked).toBeGreaterThan(2500);
    expect(held / checked).toBeGreaterThan(2); // instances hold requests at several servers
    expect(wrong).toBe(0);
  });

  it('join-idle-queue, which reads its own counts when told of a response: the same summaries as dense, with timeouts, cancels, retries and hedges', () => {
    const input = { ...base, balancer: { name: 'join-idle-queue' }, stop: { requests: 3000, warmupMs: 100 } };
    for (const client of [undefined, { timeoutMs: 20, cancel: true, retries: { max: 2 } }, { hedge: { afterMs: 10 } }]) {
      const withClient: ScenarioInput = { ...input, ...(client ? { client } : {}) };
      expect(summary(withClient, 0), JSON.stringify(client)).toBe(summary(withClient, 1 << 30));
    }
  });

  it('a user policy whose object is frozen runs in a sparse fleet, told of responses with its own counts', () => {
    const seen: number[] = [];
    registerBalancer({
      name: 'frozen-idle-first', description: 'test: the lowest id this instance has nothing open at', options: [],
      create: (ctx) => Object.freeze({
        pick: () => {
          for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1 && ctx.outstanding[s] === 0) return s;
          return 0;
        },
        observe: (s: number) => {
          seen.push(ctx.outstanding[s]);
        },
      }),
    });
    const input: ScenarioInput = { ...base, stop: { requests: 2000 }, balancer: { name: 'frozen-idle-first' } };
    const a = summary(input, 1 << 30), dense = seen.splice(0);
    const b = summary(input, 0);
    expect(JSON.parse(a).requests.succeeded).toBeGreaterThan(1000);
    expect(b).toBe(a);
    expect(seen).toEqual(dense);
  });

  it('keeps every instance\'s books: what the instances hold open is what is at the servers', () => {
    BalancerFleet.sparseCells = 0;
    const model = createModel({ ...base, stop: { timeMs: 500 } });
    model.run();
    expect(model.fleet.sparse).toBe(true);
    expect(model.fleet.own).toHaveLength(0);
    let held = 0;
    for (let b = 0; b < 40; b++) for (let s = 0; s < 48; s++) held += model.fleet.ownCount(b, s);
    const atServers = Array.from(model.pool.load).reduce((x, y) => x + y, 0);
    expect(atServers).toBeGreaterThan(10);
    expect(held).toBe(atServers);
  });

  it('with reports 200 ms old, a fleet of 400 least-connections instances herds behind random; best-of-2 does not', () => {
    // 400 instances over 100 servers at ρ = 0.8: random is M/M/1 per server (50 ms). Every
    // instance reads the same stale report, so least-connections sends a refresh period's traffic
    // to the servers that looked emptiest.
    BalancerFleet.sparseCells = 0;
    const input: ScenarioInput = {
      ...base, servers: [{ count: 100 }], arrivals: { process: 'poisson', ratePerSec: 8000 },
      stop: { requests: 60_000, warmupMs: 1000 }, fleet: { count: 400, assign: 'random' }, view: { load: 'reported', refreshMs: 200 },
    };
    const mean = (balancer: string) => simulate(input, { balancer }).latencyMs.mean;
    const lc = mean('least-connections'), p2c = mean('power-of-two'), random = mean('random');
    expect(lc).toBeGreaterThan(3 * random);
    expect(p2c).toBeLessThan(lc / 3);
  });
});
