/**
 * Named scenarios: the default used by `npm start`, the baselines' workloads, and scenes for
 * articles. Each is plain JSON, so `lbsim run <name>` and a scenario file are interchangeable.
 */

import { FAILURE_PRESETS } from './failure-presets.js';
import { ARTICLE_PRESETS } from './article-presets.js';
import type { ScenarioInput, TopologyInput } from './scenario-input.js';
import { TOPOLOGY_PRESETS } from './topology-presets.js';
import { WORKFLOW_PRESETS } from '../workflow/presets.js';

/** A named scenario and what it shows. */
export interface PresetInfo {
  description: string;
  scenario: ScenarioInput | TopologyInput;
}

const ALL = {
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
    description: 'servers of three speeds with matching weights, heavy-tailed (lognormal) request sizes, 80% load',
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

/** The built-in presets' names: `preset()` of one of them is never undefined. */
export type PresetName = keyof typeof ALL;

export const PRESETS: Readonly<Record<string, PresetInfo>> = { ...ALL, ...TOPOLOGY_PRESETS, ...WORKFLOW_PRESETS };

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

/** The topology presets' names. */
export type TopologyPresetName = keyof typeof TOPOLOGY_PRESETS | keyof typeof WORKFLOW_PRESETS;

/** A deep copy of the named preset's scenario JSON, or undefined. */
export function preset(name: PresetName): ScenarioInput;
export function preset(name: TopologyPresetName): TopologyInput;
export function preset(name: string): ScenarioInput | undefined;
export function preset(name: string): ScenarioInput | TopologyInput | undefined {
  const p = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
  return p ? structuredClone(p.scenario) as ScenarioInput : undefined;
}
