/** The built-in policies, registered under their names. */
import { registerBalancer } from './registry.js';
import { createRoundRobin } from './round-robin.js';
import { createRandom } from './random.js';
import { createLeastConnections } from './least-connections.js';
import { createWeightedRoundRobin } from './weighted-round-robin.js';
import { createPowerOfTwo } from './power-of-two.js';
import { createJoinShortestQueue } from './join-shortest-queue.js';

registerBalancer({ name: 'round-robin', description: 'next server in cyclic order (random start)', options: [], create: createRoundRobin });
registerBalancer({ name: 'random', description: 'uniform random server', options: [], create: createRandom });
registerBalancer({
  name: 'least-connections',
  description: "fewest of the balancer's own open requests; random ties",
  options: ['weighted'],
  create: createLeastConnections,
});
registerBalancer({
  name: 'weighted-round-robin',
  description: "NGINX's smooth weighted round robin",
  options: [],
  create: createWeightedRoundRobin,
});
registerBalancer({
  name: 'power-of-two',
  aliases: ['p2c'],
  description: 'best of `choices` (2) distinct random servers by open requests',
  options: ['choices'],
  create: createPowerOfTwo,
});
registerBalancer({
  name: 'join-shortest-queue',
  aliases: ['jsq'],
  description: 'oracle: fewest requests actually at the server; lowest-id ties',
  options: [],
  create: createJoinShortestQueue,
});

export { registerBalancer, getBalancer, balancerNames, listBalancers } from './registry.js';
export type { BalancerInfo } from './registry.js';
export type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
