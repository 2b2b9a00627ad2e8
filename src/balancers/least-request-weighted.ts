/**
 * least-request-weighted (alias least-request): Envoy's LEAST_REQUEST. When all eligible servers
 * have the same weight: `choices` (default 2) draws WITH replacement, the one with fewest open
 * requests wins (one loaded server of three is picked 1/9 = 11.1% of the time; `power-of-two`
 * draws without replacement and never picks it). Otherwise: the EDF schedule of
 * `edf-round-robin`, where a picked server is re-queued with effective weight
 * w / (active + 1)^bias (`bias` default 1.0; 0 gives plain EDF weighted round robin), active =
 * this balancer's open requests at the pick (before the new one). Servers of weight 0 are skipped.
 * The mode and the schedule are rebuilt when the pool changes (effective weights as of then).
 * Source: Envoy `LeastRequestLoadBalancer` (load_balancer_impl.cc) and its docs.
 * Ties: equal weights — the first drawn; unequal — FIFO among equal deadlines.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  bias: { type: 'number', min: 0, max: 100, default: 1 },
  choices: { type: 'number', integer: true, min: 1, max: 64, default: 2 },
} as const;
import { EdfScheduler } from './edf-scheduler.js';
import { sharedFor } from './shared.js';

export const createLeastRequestWeighted: BalancerFactory = (ctx, options, path) => {
  const { bias, choices } = readOptions(OPTIONS, options, path);
  if (ctx.shared) return sparseLeastRequest(ctx, bias, choices);
  const hosts = new Int32Array(ctx.size), open = ctx.outstanding, w = ctx.weights;
  let edf: EdfScheduler | null = null, m = 0, equal = true;

  const effective = (s: number): number => (bias === 1 ? w[s] / (open[s] + 1) : w[s] / Math.pow(open[s] + 1, bias));

  function rebuild(): void {
    m = 0;
    equal = true;
    for (let s = 0; s < ctx.size; s++) {
      if (ctx.eligible[s] !== 1 || !(w[s] > 0)) continue;
      if (m > 0 && w[s] !== w[hosts[0]]) equal = false;
      hosts[m++] = s;
    }
    edf?.clear();
    if (!equal) {
      edf ??= new EdfScheduler(ctx.size);
      for (let i = 0; i < m; i++) edf.add(hosts[i], effective(hosts[i]));
    }
  }
  rebuild();

  function pickOnce(): number {
    if (m === 0) return -1;
    if (equal) {
      let best = hosts[Math.floor(ctx.rng.next() * m)];
      for (let i = 1; i < choices; i++) {
        const s = hosts[Math.floor(ctx.rng.next() * m)];
        if (open[s] < open[best]) best = s;
      }
      return best;
    }
    const s = edf!.peek();
    edf!.advance(effective(s));
    return s;
  }

  return {
    pick() {
      const s = pickOnce();
      if (s < 0 || ctx.eligible[s] === 1) return s;
      rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return pickOnce();
    },
    rebuild,
  };
};

/**
 * What a large fleet's instances share (they read one pool): the eligible servers of weight > 0
 * in id order (`hosts`, m of them), whether their weights are equal, and the order in which a
 * schedule rebuilt with no request open would pop them (`byDeadline`: host ranks by 1/w, then
 * rank). Remade at the first pick after a rebuild (`stale`): the pool cannot change in between
 * without another rebuild.
 */
class Hosts {
  readonly hosts: Int32Array;
  m = 0;
  equal = true;
  byDeadline = new Int32Array(0);
  stale = true;

  constructor(private readonly ctx: BalancerContext) {
    this.hosts = new Int32Array(ctx.size);
  }

  update(): void {
    const { eligible, weights: w } = this.ctx, hosts = this.hosts;
    let m = 0, equal = true;
    for (let s = 0; s < this.ctx.size; s++) {
      if (eligible[s] !== 1 || !(w[s] > 0)) continue;
      if (m > 0 && w[s] !== w[hosts[0]]) equal = false;
      hosts[m++] = s;
    }
    this.m = m;
    this.equal = equal;
    this.byDeadline = equal ? new Int32Array(0) : Int32Array.from({ length: m }, (_, r) => r).sort((a, b) => 1 / w[hosts[a]] - 1 / w[hosts[b]] || a - b);
    this.stale = false;
  }

  /** Rank of host `s` in `hosts`. */
  rank(s: number): number {
    let lo = 0, hi = this.m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hosts[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const shared = new WeakMap<Float64Array, WeakMap<Uint8Array, Hosts>>();

/**
 * least-request-weighted for an instance of a large fleet (`ctx.shared`), with the same picks and
 * no entry per server: a schedule rebuilt when weights differ holds every host at 1/w' (w' the
 * effective weight), and for the hosts this instance had no request at, w' = w: their entries
 * pop in the shared `byDeadline` order, so the instance keeps a place in it and an entry only for
 * the hosts it had requests at (`busy`) and for the ones it has picked since (a small heap).
 */
function sparseLeastRequest(ctx: BalancerContext, bias: number, choices: number): Balancer {
  const pool = sharedFor(shared, ctx.weights, ctx.eligible, () => new Hosts(ctx));
  const open = ctx.outstanding, w = ctx.weights;
  const effective = (s: number): number => (bias === 1 ? w[s] / (open[s] + 1) : w[s] / Math.pow(open[s] + 1, bias));
  /** Hosts this instance had requests at when rebuilt, and their deadlines then. */
  let busy = new Map<number, number>();
  /** The heap (deadline, insertion order, server) is filled from `busy` at the first pick after a rebuild. */
  let fresh = true, next = 0, picks = 0, time = 0, size = 0;
  let deadline = new Float64Array(8), order = new Float64Array(8), item = new Int32Array(8);

  function rebuild(): void {
    pool.stale = true;
    busy = new Map();
    for (let s = 0; s < ctx.size; s++) if (open[s] !== 0 && ctx.eligible[s] === 1 && w[s] > 0) busy.set(s, 0 + 1 / effective(s));
    fresh = true;
  }
  rebuild();

  function push(d: number, q: number, s: number): void {
    if (size === item.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(2 * a.length);
        b.set(a);
        return b;
      };
      deadline = grow(deadline);
      order = grow(order);
      item = grow(item);
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(d, q, deadline[p], order[p])) break;
      deadline[i] = deadline[p];
      order[i] = order[p];
      item[i] = item[p];
      i = p;
    }
    deadline[i] = d;
    order[i] = q;
    item[i] = s;
  }

  function popTop(): void {
    const d = deadline[--size], q = order[size], s = item[size];
    let i = 0;
    for (let c = 1; c < size; c = 2 * i + 1) {
      if (c + 1 < size && less(deadline[c + 1], order[c + 1], deadline[c], order[c])) c++;
      if (!less(deadline[c], order[c], d, q)) break;
      deadline[i] = deadline[c];
      order[i] = order[c];
      item[i] = item[c];
      i = c;
    }
    deadline[i] = d;
    order[i] = q;
    item[i] = s;
  }

  function pickOnce(): number {
    if (pool.stale) pool.update();
    const { hosts, m } = pool;
    if (m === 0) return -1;
    if (pool.equal) {
      let best = hosts[Math.floor(ctx.rng.next() * m)];
      for (let i = 1; i < choices; i++) {
        const s = hosts[Math.floor(ctx.rng.next() * m)];
        if (open[s] < open[best]) best = s;
      }
      return best;
    }
    if (fresh) {
      fresh = false;
      next = picks = time = size = 0;
      for (const [s, d] of busy) push(d, pool.rank(s), s);
    }
    const by = pool.byDeadline;
    while (next < m && busy.has(hosts[by[next]])) next++;
    let s: number;
    if (next < m && (size === 0 || less(1 / w[hosts[by[next]]], by[next], deadline[0], order[0]))) {
      s = hosts[by[next]];
      time = 1 / w[s];
      next++;
    } else {
      s = item[0];
      time = deadline[0];
      popTop();
    }
    push(time + 1 / effective(s), m + picks++, s);
    return s;
  }

  return {
    pick() {
      const s = pickOnce();
      if (s < 0 || ctx.eligible[s] === 1) return s;
      rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return pickOnce();
    },
    rebuild,
  };
}

/** Deadline order, then insertion order (as EdfScheduler). */
function less(d1: number, q1: number, d2: number, q2: number): boolean {
  return d1 < d2 || (d1 === d2 && q1 < q2);
}

export const LEAST_REQUEST_WEIGHTED = policy({
  name: 'least-request-weighted', aliases: ['least-request'],
  description: 'Envoy LEAST_REQUEST: P2C with replacement, or EDF on weight / (open + 1)^bias when weights differ',
  options: OPTIONS, create: createLeastRequestWeighted,
});
