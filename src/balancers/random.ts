/**
 * random: a uniform draw over the eligible servers.
 * Source: Envoy RANDOM.
 * Ties: none.
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { randomEligible } from './eligible.js';
import { policy } from './options.js';

export const createRandom: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  return { pick: () => randomEligible(ctx) };
};

export const RANDOM = policy({ name: 'random', readsOutstanding: false, description: 'uniform random server', create: createRandom });
