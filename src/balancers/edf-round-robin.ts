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
import type { BalancerContext, BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { RestartingEdf } from './edf-scheduler.js';
import { policy } from './options.js';
import { sharedFor } from './shared.js';

export const createEdfRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  if (ctx.shared) return walkShared(ctx);
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

/** How far one instance of a large fleet has walked the fleet's schedule. */
interface Walker {
  epoch: number;
  at: number;
}

/**
 * A large fleet's schedule (instances of a `ctx.shared` fleet): what an instance picks from a
 * restart on depends on the pool alone (a restart puts every member at 1/w, a pick re-queues at
 * + 1/w; no counts, no coin flips), so every instance walks the same sequence of picks since the
 * last restart. The fleet makes it once, in one RestartingEdf, and keeps it from the earliest
 * point an instance has not passed; each instance keeps how far it has walked. 10,000 instances
 * over 10,000 servers held a 670 KB tree each (6.7 GB). Every membership change restarts every
 * instance's schedule: each instance's `rebuild` restarts the sequence (those after the first find
 * nothing picked since: the same restart, O(log n) for one server as before, a full one once).
 */
class SharedSchedule {
  private readonly edf: RestartingEdf;
  /** Picks since the restart, from pick number `base` on. */
  private seq = new Int32Array(16);
  private base = 0;
  private made = 0;
  /** Bumped at each restart: a walker of an earlier one starts over at pick 0. */
  private epoch = 0;
  /** A restart of every server (`load`) is due before the next pick. */
  private full = true;
  private readonly walkers: Walker[] = [];

  constructor(private readonly ctx: BalancerContext) {
    this.edf = new RestartingEdf(ctx.size);
  }

  walker(): Walker {
    const w = { epoch: -1, at: 0 };
    this.walkers.push(w);
    return w;
  }

  /** The pool changed (server `server`, or any: -1): the schedule restarts. */
  restart(server: number): void {
    if (this.full) return; // the restart of every server to come reads the weights then
    if (server < 0) this.full = true;
    else this.edf.update(server, this.ctx.eligible, this.ctx.weights);
    this.epoch++;
    this.base = this.made = 0;
  }

  /** Walker `w`'s next pick (-1: no server may be chosen; the walker stays). */
  next(w: Walker): number {
    if (this.full) {
      this.edf.load(this.ctx.eligible, this.ctx.weights);
      this.full = false;
    }
    if (w.epoch !== this.epoch) {
      w.epoch = this.epoch;
      w.at = 0;
    }
    if (w.at === this.made) {
      const s = this.edf.peek();
      if (s < 0) return -1;
      this.edf.advance(this.ctx.weights[s]);
      this.push(s);
    }
    return this.seq[w.at++ - this.base];
  }

  private push(s: number): void {
    let kept = this.made - this.base;
    if (kept === this.seq.length) {
      // Drop what every walker has passed (one of an earlier restart will start at 0).
      let low = this.made;
      for (const w of this.walkers) low = Math.min(low, w.epoch === this.epoch ? w.at : 0);
      this.seq.copyWithin(0, low - this.base, kept);
      this.base = low;
      kept = this.made - low;
      if (2 * kept > this.seq.length) {
        const seq = new Int32Array(2 * this.seq.length);
        seq.set(this.seq.subarray(0, kept));
        this.seq = seq;
      }
    }
    this.seq[kept] = s;
    this.made++;
  }
}

const schedules = new WeakMap<Float64Array, WeakMap<Uint8Array, SharedSchedule>>();

/** edf-round-robin for an instance of a large fleet: its place in the fleet's schedule. */
function walkShared(ctx: BalancerContext) {
  const schedule = sharedFor(schedules, ctx.weights, ctx.eligible, () => new SharedSchedule(ctx));
  const walker = schedule.walker();
  return {
    pick(): number {
      const s = schedule.next(walker);
      if (s < 0 || ctx.eligible[s] === 1) return s;
      schedule.restart(-1); // eligibility changed without rebuild(): still never return an ineligible server
      return schedule.next(walker);
    },
    rebuild(server = -1): void {
      schedule.restart(server);
    },
  };
}

export const EDF_ROUND_ROBIN = policy({
  name: 'edf-round-robin', aliases: ['edf'], readsOutstanding: false, description: "Envoy's weighted round robin: earliest deadline first, deadline += 1/weight",
  create: createEdfRoundRobin,
});
