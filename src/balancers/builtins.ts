/** The built-in policies, in the order `lbsim list` and `compare` show them. */
import type { BalancerInfo } from './registry.js';
import { ROUND_ROBIN } from './round-robin.js';
import { RANDOM } from './random.js';
import { LEAST_CONNECTIONS } from './least-connections.js';
import { WEIGHTED_ROUND_ROBIN } from './weighted-round-robin.js';
import { POWER_OF_TWO } from './power-of-two.js';
import { JOIN_SHORTEST_QUEUE } from './join-shortest-queue.js';
import { EDF_ROUND_ROBIN } from './edf-round-robin.js';
import { WEIGHTED_RANDOM } from './weighted-random.js';
import { LEAST_REQUEST_WEIGHTED } from './least-request-weighted.js';
import { JOIN_IDLE_QUEUE } from './join-idle-queue.js';
import { PEAK_EWMA } from './peak-ewma.js';
import { DYNAMIC_WEIGHTED_ROUND_ROBIN } from './dynamic-weighted-round-robin.js';
import { LEAST_TIME } from './least-time.js';
import { RING_HASH } from './ring-hash.js';
import { MAGLEV } from './maglev.js';
import { BOUNDED_LOAD_HASH } from './bounded-load-hash.js';
import { FIRST } from './first.js';

export const BUILTIN_BALANCERS: readonly BalancerInfo[] = [
  ROUND_ROBIN, RANDOM, LEAST_CONNECTIONS, WEIGHTED_ROUND_ROBIN, POWER_OF_TWO, JOIN_SHORTEST_QUEUE, EDF_ROUND_ROBIN,
  WEIGHTED_RANDOM, LEAST_REQUEST_WEIGHTED, JOIN_IDLE_QUEUE, PEAK_EWMA, DYNAMIC_WEIGHTED_ROUND_ROBIN, LEAST_TIME,
  RING_HASH, MAGLEV, BOUNDED_LOAD_HASH, FIRST,
];
