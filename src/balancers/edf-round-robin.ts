/**
 * edf-round-robin: Envoy's weighted round robin. Each eligible server of weight w > 0 sits in an
 * earliest-deadline-first queue; picking pops the earliest deadline t and re-queues the server
 * at t + 1/w. Over a cycle server s gets w_s / Σw of the picks (weights 5, 1, 1 ⇒
 * a a a a b c a); unlike NGINX's smooth WRR the order within a cycle follows deadlines.
 * The schedule restarts (virtual time 0, every server at 1/w in id order) when the pool
 * changes, never per pick; lazily (RestartingEdf), so that one server changing costs O(log n). Newer Envoy also pre-advances a fresh scheduler by a random number
 * of picks so that many proxies do not start in step; one balancer instance needs no such offset.
 * Source: Envoy `edf_scheduler.h`, `RoundRobinLoadBalancer` (weighted hosts).
 * Ties: FIFO — equal deadlines go in the order they were queued (initially by server id).
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { RestartingEdf } from './edf-scheduler.js';
import { policy } from './options.js';

export const createEdfRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  const edf = new RestartingEdf(ctx.size);
  edf.load(ctx.eligible, ctx.weights);

  return {
    pick() {
      let s = edf.peek();
      if (s >= 0 && ctx.eligible[s] !== 1) {
        edf.load(ctx.eligible, ctx.weights); // eligibility changed without rebuild(): still never return an ineligible server
        s = edf.peek();
      }
      if (s >= 0) edf.advance(ctx.weights[s]);
      return s;
    },
    rebuild(server = -1) {
      if (server < 0) edf.load(ctx.eligible, ctx.weights);
      else edf.update(server, ctx.eligible, ctx.weights);
    },
  };
};

export const EDF_ROUND_ROBIN = policy({
  name: 'edf-round-robin', aliases: ['edf'], readsOutstanding: false, poolOnly: true, description: "Envoy's weighted round robin: earliest deadline first, deadline += 1/weight",
  create: createEdfRoundRobin,
});
