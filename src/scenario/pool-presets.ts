/**
 * The presets of a single pool: the default used by `npm start`, the baselines' workloads, and
 * scenes for articles; presets.ts adds the topologies' and workflows'. Apart so that the
 * embeddable element carries these alone and loads the others with a topology's scene.
 */

import { FAILURE_PRESETS } from './failure-presets.js';
import { ARTICLE_PRESETS } from './article-presets.js';
import type { ScenarioInput, TopologyInput } from './scenario-input.js';

/** A named scenario and what it shows. */
export interface PresetInfo {
  description: string;
  scenario: ScenarioInput | TopologyInput;
}

/** The presets of a single pool (the rest, topologies and workflows, are in presets.ts). */
export const POOL_PRESETS = {
  default: {
    description: '10 servers at 90% load, exponential 10 ms requests, queues of 100',
    scenario: {
      name: 'default',
      seed: 1,
      stop: { requests: 200_000, warmupMs: 1_000 },
      servers: [{ count: 10, concurrency: 1, speed: 1, weight: 1, queueLimit: 100 }],
      arrivals: { process: 'poisson', ratePerSec: 900 },
      service: { dist: 'exponential', meanMs: 10 },
      keys: { dist: 'uniform', count: 100_000 },
      balancer: { name: 'least-connections' },
    },
  },
  heterogeneous: {
    description: 'servers of three speeds with matching weights, heavy-tailed (lognormal) request sizes, offered load ρ = 0.71',
    scenario: {
      name: 'heterogeneous',
      seed: 1,
      stop: { requests: 200_000, warmupMs: 1_000 },
      servers: [
        { name: 'fast', count: 2, speed: 2, weight: 2, queueLimit: 100 },
        { name: 'standard', count: 4, speed: 1, weight: 1, queueLimit: 100 },
        { name: 'slow', count: 4, speed: 0.5, weight: 0.5, queueLimit: 100 },
      ],
      arrivals: { process: 'poisson', ratePerSec: 800 },
      service: { dist: 'lognormal', medianMs: 5, p99Ms: 60 },
      keys: { dist: 'zipf', count: 100_000, exponent: 0.8 },
      balancer: { name: 'weighted-round-robin' },
    },
  },
  mmc: {
    description: "shared/baselines 'mmc': one server with 16 slots (M/M/16), ρ = 0.9, mean service 1 s",
    scenario: {
      name: 'mmc',
      seed: 1,
      stop: { requests: 1_000_000 },
      servers: [{ count: 1, concurrency: 16 }],
      arrivals: { process: 'poisson', ratePerSec: 14.4 },
      service: { dist: 'exponential', meanMs: 1000 },
      balancer: { name: 'round-robin' },
    },
  },
  jsq16: {
    description: "shared/baselines 'jsq16': join-shortest-queue (ties to the lowest id, as there) over 16 servers, ρ = 0.9, mean service 1 s",
    scenario: {
      name: 'jsq16',
      seed: 1,
      stop: { requests: 1_000_000 },
      servers: [{ count: 16 }],
      arrivals: { process: 'poisson', ratePerSec: 14.4 },
      service: { dist: 'exponential', meanMs: 1000 },
      balancer: { name: 'join-shortest-queue', ties: 'lowest-id' },
    },
  },
  essay: {
    description: 'the load-balancing essay scene: 5 servers, queues of 10, uniform request cost, bursts',
    scenario: {
      name: 'essay',
      seed: 1,
      stop: { timeMs: 60_000 },
      servers: [{ count: 5, concurrency: 1, queueLimit: 10 }],
      arrivals: { process: 'on-off', ratePerSec: 6, offRatePerSec: 2, onMs: 5_000, offMs: 5_000 },
      service: { dist: 'uniform', minMs: 200, maxMs: 1_400 },
      balancer: { name: 'round-robin' },
    },
  },
  ...FAILURE_PRESETS,
  ...ARTICLE_PRESETS,
} satisfies Record<string, PresetInfo>;
