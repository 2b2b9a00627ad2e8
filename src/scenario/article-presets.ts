/**
 * The scenes of the load-balancing essay (samwho.dev/load-balancing) as presets, so every
 * animation in the article is reproducible from the CLI: `lbsim run essay-variable-cost`. Each
 * scenario names the balancer its scene shows first (the side-by-side scene, the left one).
 * Merged into `PRESETS`; the demo's gallery (demo/scenes.ts) refers to them by name.
 */
import type { DistributionInput, ScenarioInput } from './scenario-input.js';

const UNIFORM_COST: DistributionInput = { dist: 'uniform', minMs: 100, maxMs: 900 };
/** Four servers of different power (speed); `weight` = power where a scene says so. */
const POWERS = [2, 1.5, 1, 0.5];
const powered = (weighted: boolean) =>
  POWERS.map((speed, i) => ({ name: `s${i + 1}`, count: 1, speed, queueLimit: 10, ...(weighted ? { weight: speed } : {}) }));

/** A two-minute essay-sized run: 4 single-slot servers with queues of 10, requests of ~500 ms. */
function essay(name: string, balancer: string, fields: Partial<ScenarioInput>): ScenarioInput {
  return {
    name,
    seed: 1,
    stop: { timeMs: 120_000 },
    servers: [{ count: 4, concurrency: 1, queueLimit: 10 }],
    arrivals: { process: 'constant', ratePerSec: 6 },
    service: { dist: 'constant', valueMs: 500 },
    balancer: { name: balancer },
    ...fields,
  };
}

/** Poisson arrivals at 7/s of requests costing 100–900 ms: the essay's variable workload. */
const VARIABLE: Pick<ScenarioInput, 'arrivals' | 'service'> = { arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST };

export const ARTICLE_PRESETS = {
  'essay-round-robin': {
    description: 'essay scene 1: round robin, 4 servers, equal 500 ms requests at a steady pace',
    scenario: essay('essay-round-robin', 'round-robin', {}),
  },
  'essay-variable-cost': {
    description: 'essay scene 2: round robin with request cost varying 100-900 ms',
    scenario: essay('essay-variable-cost', 'round-robin', VARIABLE),
  },
  'essay-different-power': {
    description: 'essay scene 3: round robin over servers of different power (2, 1.5, 1, 0.5)',
    scenario: essay('essay-different-power', 'round-robin', { servers: powered(false), ...VARIABLE }),
  },
  'essay-weighted-round-robin': {
    description: 'essay scene 4: weighted round robin, weights = server power',
    scenario: essay('essay-weighted-round-robin', 'weighted-round-robin', { servers: powered(true), ...VARIABLE }),
  },
  'essay-least-connections': {
    description: 'essay scene 5: least connections over servers of different power, no weights',
    scenario: essay('essay-least-connections', 'least-connections', { servers: powered(false), ...VARIABLE }),
  },
  'essay-failure': {
    description: 'essay scene 6: a server fails and recovers, health checks notice (least connections)',
    scenario: essay('essay-failure', 'least-connections', {
      stop: { timeMs: 70_000 },
      arrivals: { process: 'poisson', ratePerSec: 5 },
      service: UNIFORM_COST,
      health: { intervalMs: 1_000, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 },
      failures: { warmupMs: 4_000, outages: [{ atMs: 6_000, forMs: 8_000, servers: [1] }, { atMs: 46_000, forMs: 8_000, servers: [1] }] },
    }),
  },
  'essay-peak-ewma': {
    description: 'essay scene: peak-EWMA routes around a server that turns slow (gray failure)',
    scenario: essay('essay-peak-ewma', 'peak-ewma', {
      arrivals: { process: 'poisson', ratePerSec: 6 },
      service: UNIFORM_COST,
      failures: { warmupMs: 0, outages: [], slowdowns: [{ atMs: 8_000, forMs: 30_000, servers: [2], factor: 4 }] },
    }),
  },
  'essay-dynamic-weighted-round-robin': {
    description: 'essay scene: dynamic weighted round robin learns the weights of servers of different power',
    scenario: essay('essay-dynamic-weighted-round-robin', 'dynamic-weighted-round-robin', { servers: powered(false), ...VARIABLE }),
  },
  'essay-compare': {
    description: 'essay scene: round robin vs least connections on the same workload (compare --balancers round-robin,least-connections)',
    scenario: essay('essay-compare', 'round-robin', { servers: powered(false), ...VARIABLE }),
  },
  'essay-overload': {
    description: 'stress scene: 12 servers x 4 slots, queues of 200, offered 5/3 of capacity (2,000+ in flight)',
    scenario: {
      name: 'essay-overload',
      seed: 1,
      stop: { timeMs: 600_000 },
      servers: [{ count: 12, concurrency: 4, queueLimit: 200 }],
      arrivals: { process: 'poisson', ratePerSec: 800 },
      service: { dist: 'exponential', meanMs: 100 },
      balancer: { name: 'least-connections' },
    },
  },
} satisfies Record<string, { description: string; scenario: ScenarioInput }>;
