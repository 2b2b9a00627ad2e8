/**
 * Scenes of failure and overload, each reproducing a known effect (the tests in
 * test/model/client.test.ts and overload.test.ts check the same effects):
 * a retry storm that outlives its trigger, a gray failure, an outage seen through health checks,
 * a fast-failing server that draws traffic (black hole), and a server under overload with
 * adaptive LIFO.
 */
import type { ScenarioInput } from './scenario-input.js';

export const FAILURE_PRESETS = {
  'retry-storm': {
    description: 'half the servers fail for 2 s; clients retry timeouts with no budget, and goodput never comes back (metastable failure)',
    scenario: {
      name: 'retry-storm',
      seed: 3,
      stop: { timeMs: 30_000, warmupMs: 15_000 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 800 },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'least-connections' },
      failures: { outages: [{ atMs: 5_000, forMs: 2_000, servers: [0, 1, 2, 3, 4] }] },
      client: { timeoutMs: 100, retries: { max: 3, baseMs: 10, jitter: 'full' } },
    },
  },
  'gray-failure': {
    description: 'one of 10 servers runs 10x slower while looking healthy; compare round-robin with least-connections',
    scenario: {
      name: 'gray-failure',
      seed: 4,
      stop: { requests: 100_000, warmupMs: 1_000 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 700 },
      service: { dist: 'exponential', meanMs: 10 },
      keys: { dist: 'uniform', count: 100_000 },
      balancer: { name: 'round-robin' },
      failures: { slowdowns: [{ atMs: 0, forMs: 1e9, servers: [0], factor: 10 }] },
    },
  },
  outage: {
    description: 'a server fails for 20 s; active health checks take ~12 s to notice, outlier detection ~0.1 s',
    scenario: {
      name: 'outage',
      seed: 4,
      stop: { timeMs: 30_000 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 500 },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'round-robin' },
      failures: { outages: [{ atMs: 2_000, forMs: 20_000, servers: [0] }], warmupMs: 2_000 },
      health: { intervalMs: 5_000, timeoutMs: 1_000, unhealthyThreshold: 3, healthyThreshold: 2, outlier: { consecutiveErrors: 5, baseEjectionMs: 10_000 } },
    },
  },
  'black-hole': {
    description: 'a server dies and refuses connections at once; until health checks notice (~16 s), policies that favour "fast" or "idle" servers send it more',
    scenario: {
      name: 'black-hole',
      seed: 3,
      stop: { timeMs: 30_000 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 800 },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'least-time' },
      failures: { outages: [{ atMs: 5_000, forMs: 20_000, servers: [0] }] },
      health: { intervalMs: 5_000, timeoutMs: 1_000, unhealthyThreshold: 3, healthyThreshold: 1 },
    },
  },
  overload: {
    description: 'one server at 120% load with 200 ms client timeouts: set servers[0].discipline to fifo to watch goodput collapse',
    scenario: {
      name: 'overload',
      seed: 5,
      stop: { timeMs: 60_000, warmupMs: 10_000 },
      servers: [{ count: 1, discipline: 'adaptive-lifo' }],
      arrivals: { process: 'poisson', ratePerSec: 120 },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'round-robin' },
      client: { timeoutMs: 200 },
    },
  },
} satisfies Record<string, { description: string; scenario: ScenarioInput }>;
