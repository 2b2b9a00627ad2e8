/** The built-in policies, registered under their names. */
import { registerBalancer } from './registry.js';
import { createRoundRobin } from './round-robin.js';
import { createRandom } from './random.js';
import { createLeastConnections } from './least-connections.js';
import { createWeightedRoundRobin } from './weighted-round-robin.js';
import { createPowerOfTwo } from './power-of-two.js';
import { createJoinShortestQueue } from './join-shortest-queue.js';
import { createEdfRoundRobin } from './edf-round-robin.js';
import { createWeightedRandom } from './weighted-random.js';
import { createLeastRequestWeighted } from './least-request-weighted.js';
import { createJoinIdleQueue } from './join-idle-queue.js';
import { createPeakEwma } from './peak-ewma.js';
import { createDynamicWeightedRoundRobin } from './dynamic-weighted-round-robin.js';
import { createLeastTime } from './least-time.js';
import { createRingHash } from './ring-hash.js';
import { createMaglev } from './maglev.js';
import { createBoundedLoadHash } from './bounded-load-hash.js';
import { createFirst } from './first.js';

registerBalancer({ name: 'round-robin', aliases: ['rr'], description: 'next server in cyclic order (random start)', options: [], create: createRoundRobin });
registerBalancer({ name: 'random', description: 'uniform random server', options: [], create: createRandom });
registerBalancer({
  name: 'least-connections',
  aliases: ['lc'],
  description: "fewest of the balancer's own open requests; random ties",
  options: ['weighted'],
  defaults: { weighted: false },
  create: createLeastConnections,
});
registerBalancer({
  name: 'weighted-round-robin',
  aliases: ['wrr'],
  description: "NGINX's smooth weighted round robin",
  options: [],
  create: createWeightedRoundRobin,
});
registerBalancer({
  name: 'power-of-two',
  aliases: ['p2c'],
  description: 'best of `choices` (2) distinct random servers by `metric` (open requests, peak-ewma, latency-ewma)',
  options: ['choices', 'metric', 'decayMs', 'observeErrors'],
  defaults: { choices: 2, metric: 'outstanding', decayMs: '10000 (latency metrics only)', observeErrors: 'false (latency metrics only)' },
  create: createPowerOfTwo,
});
registerBalancer({
  name: 'join-shortest-queue',
  aliases: ['jsq'],
  description: 'oracle: fewest requests actually at the server; ties at random (or lowest id)',
  options: ['ties'],
  defaults: { ties: 'random' },
  create: createJoinShortestQueue,
});

registerBalancer({
  name: 'edf-round-robin',
  aliases: ['edf'],
  description: "Envoy's weighted round robin: earliest deadline first, deadline += 1/weight",
  options: [],
  create: createEdfRoundRobin,
});
registerBalancer({
  name: 'weighted-random',
  description: 'random server with probability proportional to weight',
  options: [],
  create: createWeightedRandom,
});
registerBalancer({
  name: 'least-request-weighted',
  aliases: ['least-request'],
  description: "Envoy LEAST_REQUEST: P2C with replacement, or EDF on weight / (open + 1)^bias when weights differ",
  options: ['bias', 'choices'],
  defaults: { bias: 1, choices: 2 },
  create: createLeastRequestWeighted,
});
registerBalancer({
  name: 'join-idle-queue',
  aliases: ['jiq'],
  description: 'a server that reported idle (open requests fell to 0), else random',
  options: ['idleQueueSize'],
  defaults: { idleQueueSize: 'number of servers' },
  create: createJoinIdleQueue,
});
registerBalancer({
  name: 'peak-ewma',
  aliases: ['pewma'],
  description: "Finagle's P2C over peak-sensitive EWMA latency × (pending + 1)",
  options: ['decayMs', 'observeErrors'],
  defaults: { decayMs: 10000, observeErrors: false },
  create: createPeakEwma,
});
registerBalancer({
  name: 'dynamic-weighted-round-robin',
  aliases: ['dwrr'],
  description: 'round robin in runs of range − ceil(range·(avg − min)/max) by recent latency (samwho.dev)',
  options: ['range', 'window'],
  defaults: { range: 3, window: 3 },
  create: createDynamicWeightedRoundRobin,
});
registerBalancer({
  name: 'least-time',
  description: 'NGINX Plus least_time: min (open + 1) × EWMA latency; random ties',
  options: ['decayMs', 'observeErrors'],
  defaults: { decayMs: 10000, observeErrors: false },
  create: createLeastTime,
});
registerBalancer({
  name: 'ring-hash',
  keyed: true,
  aliases: ['ketama'],
  description: 'consistent hashing of the request key on a ring of ≥ minRingSize (1024) virtual nodes',
  options: ['minRingSize'],
  defaults: { minRingSize: 1024 },
  create: createRingHash,
});
registerBalancer({
  name: 'maglev',
  keyed: true,
  description: 'Maglev lookup table (prime size, 65537) of the request key',
  options: ['tableSize'],
  defaults: { tableSize: 65537 },
  create: createMaglev,
});
registerBalancer({
  name: 'bounded-load-hash',
  keyed: true,
  aliases: ['chwbl'],
  description: 'consistent hashing with bounded loads: at most ceil((1 + epsilon)·average) open per server',
  options: ['epsilon', 'minRingSize'],
  defaults: { epsilon: 0.25, minRingSize: 1024 },
  create: createBoundedLoadHash,
});
registerBalancer({
  name: 'first',
  description: 'HAProxy first: lowest id with fewer than maxConn (1) open requests',
  options: ['maxConn'],
  defaults: { maxConn: 1 },
  create: createFirst,
});

export { registerBalancer, getBalancer, balancerNames, listBalancers } from './registry.js';
export type { BalancerInfo } from './registry.js';
export type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
