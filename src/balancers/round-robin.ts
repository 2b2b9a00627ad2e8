/**
 * round-robin: the next eligible server in cyclic order. Each instance starts at a random
 * offset, so a fleet of balancers does not march in lock-step.
 * Source: NGINX default upstream policy; Envoy ROUND_ROBIN (unweighted).
 * Ties: none (a strict cycle).
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { policy } from './options.js';

export const createRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  let cursor = ctx.size > 0 ? Math.floor(ctx.rng.next() * ctx.size) : 0;
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible;
      for (let tries = 0; tries < n; tries++) {
        const s = cursor;
        cursor = cursor + 1 === n ? 0 : cursor + 1;
        if (eligible[s] === 1) return s;
      }
      return -1;
    },
  };
};

export const ROUND_ROBIN = policy({
  name: 'round-robin', aliases: ['rr'], readsOutstanding: false, description: 'next server in cyclic order (random start)', create: createRoundRobin,
});
