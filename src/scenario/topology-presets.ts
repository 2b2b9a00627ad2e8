/**
 * Presets of services calling services, each showing one effect that lives between services
 * (tests assert each from its preset: test/model/topology-presets.test.ts).
 */
import type { TopologyInput } from './scenario-input.js';

const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });

export const TOPOLOGY_PRESETS = {
  'three-tier': {
    description: 'web → api → db and cache in parallel: a three-tier service under 80% load on the database',
    scenario: {
      name: 'three-tier',
      seed: 1,
      stop: { requests: 100_000, warmupMs: 1_000 },
      arrivals: { process: 'poisson', ratePerSec: 800 },
      entry: 'web',
      client: { timeoutMs: 500, retries: { max: 1 } },
      services: {
        web: { servers: [{ count: 4, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: exp(2) }, { call: 'api' }] },
        api: {
          servers: [{ count: 4, concurrency: 4, queueLimit: 50 }], balancer: { name: 'least-connections' },
          work: [{ work: exp(1) }, { parallel: ['db', 'cache'], need: 'all' }],
        },
        db: { servers: [{ count: 2, concurrency: 4 }], balancer: { name: 'power-of-two' }, work: [{ work: { dist: 'lognormal', medianMs: 6, p99Ms: 40 } }] },
        cache: { servers: [{ count: 2 }], balancer: { name: 'round-robin' }, work: [{ work: exp(0.5) }] },
      },
      calls: { 'api->db': { timeoutMs: 100, retries: { max: 2, baseMs: 5 } } },
    },
  },
  'retry-amplification': {
    description: 'three tiers each retrying 3 times: a failing bottom sees 4³ = 64 attempts per request (set a retry budget to cap it)',
    scenario: {
      name: 'retry-amplification',
      seed: 1,
      stop: { requests: 2_000 },
      arrivals: { process: 'poisson', ratePerSec: 50 },
      entry: 'edge',
      client: { retries: { max: 3, baseMs: 10 } },
      services: {
        edge: { servers: [{ count: 4, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'app' }] },
        app: { servers: [{ count: 4, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'store' }] },
        store: { servers: [{ count: 4, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { fail: 1 }] },
      },
      calls: { 'edge->app': { retries: { max: 3, baseMs: 10 } }, 'app->store': { retries: { max: 3, baseMs: 10 } } },
    },
  },
  'slow-dependency': {
    description: 'half the requests call a dependency that turns slow (100 ms): they hold the api\'s 8 slots, and requests that never call it are dropped too (fix: calls["api->reports"].timeoutMs or maxConcurrent)',
    scenario: {
      name: 'slow-dependency',
      seed: 1,
      stop: { requests: 40_000, warmupMs: 1_000 },
      arrivals: { process: 'poisson', ratePerSec: 400 },
      entry: 'api',
      services: {
        api: { servers: [{ count: 1, concurrency: 8, queueLimit: 20 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'reports', p: 0.5 }] },
        reports: { servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'constant', valueMs: 100 } }] },
      },
    },
  },
  'timeouts-not-nested': {
    description: 'the caller gives up after 50 ms, the callee works on for up to 200 ms: every timed-out call is wasted work downstream (nest them: the callee must time out first)',
    scenario: {
      name: 'timeouts-not-nested',
      seed: 1,
      stop: { requests: 20_000, warmupMs: 1_000 },
      arrivals: { process: 'poisson', ratePerSec: 200 },
      entry: 'frontend',
      client: { timeoutMs: 50 },
      services: {
        frontend: { servers: [{ count: 2, concurrency: 32 }], balancer: { name: 'least-connections' }, work: [{ work: exp(1) }, { call: 'backend' }] },
        backend: {
          servers: [{ count: 4, concurrency: 4 }], balancer: { name: 'least-connections' },
          work: [{ work: { dist: 'lognormal', medianMs: 15, p99Ms: 200 } }],
        },
      },
    },
  },
  'circuit-breaker': {
    description: 'a dependency fails after 200 ms; a circuit breaker on the edge turns the slow failure into a fast one (remove calls["api->payments"].breaker to compare)',
    scenario: {
      name: 'circuit-breaker',
      seed: 1,
      stop: { requests: 10_000 },
      arrivals: { process: 'poisson', ratePerSec: 200 },
      entry: 'api',
      services: {
        api: { servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' }, work: [{ work: exp(1) }, { call: 'payments' }] },
        payments: { servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' }, work: [{ work: { dist: 'constant', valueMs: 200 } }, { fail: 1 }] },
      },
      calls: { 'api->payments': { breaker: { window: 20, minCalls: 10, failureRatePercent: 50, openMs: 1000, halfOpenCalls: 2 } } },
    },
  },
  'adaptive-limit': {
    description: 'a 2 s spike to 125% of the backend\'s capacity sets off timeouts and retries that outlive it (goodput falls to 0 for good); the backend\'s AIMD concurrency limit refuses the excess at once and keeps serving (remove services.backend.limit to compare)',
    scenario: {
      name: 'adaptive-limit',
      seed: 1,
      stop: { timeMs: 15_000, warmupMs: 1_000 },
      arrivals: { process: 'poisson', ratePerSec: 1200, changes: [{ atMs: 5_000, ratePerSec: 2000 }, { atMs: 7_000, ratePerSec: 1200 }] },
      entry: 'frontend',
      services: {
        frontend: { servers: [{ count: 4, concurrency: 256 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'backend' }] },
        backend: {
          servers: [{ count: 4, concurrency: 4 }], balancer: { name: 'least-connections' }, work: [{ work: exp(10) }],
          limit: { aimd: { initialLimit: 8, minLimit: 1, maxLimit: 100, timeoutMs: 30 } },
        },
      },
      calls: { 'frontend->backend': { timeoutMs: 60, retries: { max: 3, baseMs: 10 } } },
    },
  },
  'hedged-tail': {
    description: 'one search attempt in 20 stalls for 100 ms (a pause): a hedge after 10 ms on the api -> search edge answers the stalled calls in ~11 ms, taking the p99 from ~100 ms to ~13 ms for ~5% more attempts, the losers withdrawn; a recommendations call that fails 30% of the time is answered by a fallback (degraded, not failed) (remove calls["api->search"].hedge and the fallback to compare)',
    scenario: {
      name: 'hedged-tail',
      seed: 1,
      stop: { requests: 20_000 },
      arrivals: { process: 'poisson', ratePerSec: 500 },
      entry: 'api',
      services: {
        api: {
          servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' },
          work: [{ work: exp(0.5) }, { call: 'search' }, { call: 'recommendations', fallback: true }],
        },
        search: {
          servers: [{ count: 8, concurrency: 8 }], balancer: { name: 'least-connections' },
          work: [{ work: { dist: 'bimodal', p: 0.95, a: exp(1), b: { dist: 'constant', valueMs: 100 } } }],
        },
        recommendations: { servers: [{ count: 2, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: exp(0.5) }, { fail: 0.3 }] },
      },
      calls: { 'api->search': { hedge: { afterMs: 10 }, cancel: true } },
    },
  },
} satisfies Record<string, { description: string; scenario: TopologyInput }>;
