/**
 * The policies in the built element's own file, in place of src/balancers/builtins.ts (vite.config.ts
 * swaps the module in `--mode embed`): the ones the article's figures use. The others — hashing,
 * EDF, join-idle-queue, first — are in a file of their own (more-policies.ts), loaded the first
 * time a scenario or the `balancers` attribute names one (policies.ts). The library, the CLI, the
 * dev server and the tests keep the full list.
 */
import type { BalancerInfo } from '../src/balancers/registry.js';
import { ROUND_ROBIN } from '../src/balancers/round-robin.js';
import { RANDOM } from '../src/balancers/random.js';
import { LEAST_CONNECTIONS } from '../src/balancers/least-connections.js';
import { WEIGHTED_ROUND_ROBIN } from '../src/balancers/weighted-round-robin.js';
import { POWER_OF_TWO } from '../src/balancers/power-of-two.js';
import { JOIN_SHORTEST_QUEUE } from '../src/balancers/join-shortest-queue.js';
import { PEAK_EWMA } from '../src/balancers/peak-ewma.js';
import { DYNAMIC_WEIGHTED_ROUND_ROBIN } from '../src/balancers/dynamic-weighted-round-robin.js';
import { LEAST_TIME } from '../src/balancers/least-time.js';

export const BUILTIN_BALANCERS: readonly BalancerInfo[] = [
  ROUND_ROBIN, RANDOM, LEAST_CONNECTIONS, WEIGHTED_ROUND_ROBIN, POWER_OF_TWO, JOIN_SHORTEST_QUEUE,
  PEAK_EWMA, DYNAMIC_WEIGHTED_ROUND_ROBIN, LEAST_TIME,
];
