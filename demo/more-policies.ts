/**
 * The built element's second file of policies (see element-builtins.ts): importing it registers
 * them. policies.ts loads it; test/demo/policies.test.ts checks that the two lists together are
 * the library's built-in policies and that MORE_POLICIES names these.
 */
import { registerBalancer, type BalancerInfo } from '../src/balancers/registry.js';
import { EDF_ROUND_ROBIN } from '../src/balancers/edf-round-robin.js';
import { WEIGHTED_RANDOM } from '../src/balancers/weighted-random.js';
import { LEAST_REQUEST_WEIGHTED } from '../src/balancers/least-request-weighted.js';
import { JOIN_IDLE_QUEUE } from '../src/balancers/join-idle-queue.js';
import { RING_HASH } from '../src/balancers/ring-hash.js';
import { MAGLEV } from '../src/balancers/maglev.js';
import { BOUNDED_LOAD_HASH } from '../src/balancers/bounded-load-hash.js';
import { FIRST } from '../src/balancers/first.js';

export const LOADED_POLICIES: readonly BalancerInfo[] = [
  EDF_ROUND_ROBIN, WEIGHTED_RANDOM, LEAST_REQUEST_WEIGHTED, JOIN_IDLE_QUEUE, RING_HASH, MAGLEV, BOUNDED_LOAD_HASH, FIRST,
];

for (const info of LOADED_POLICIES) registerBalancer(info);
