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
import { EdfScheduler, less } from './edf-scheduler.js';
import { sharedFor, sharedForOption } from './shared.js';
import { PickedServers } from './picked-servers.js';
import { lowerBound } from './eligible.js';

export const createLeastRequestWeighted: BalancerFactory = (ctx, options, path) => {
  const { bias, choices } = readOptions(OPTIONS, options, path);
  if (ctx.reported) return reportedLeastRequest(ctx, bias, choices);
  return ctx.shared ? sparseLeastRequest(ctx, bias, choices) : scheduleLeastRequest(ctx, bias, choices);
};

/** The schedule with an entry per server (the definition; for an instance that counts its own requests). */
export function scheduleLeastRequest(ctx: BalancerContext, bias: number, choices: number): Balancer {
  const pool = new Hosts(ctx), open = ctx.outstanding, w = ctx.weights;
  let edf: EdfScheduler | null = null;

  const effective = (s: number): number => (bias === 1 ? w[s] / (open[s] + 1) : w[s] / Math.pow(open[s] + 1, bias));

  function rebuild(): void {
    pool.update(false);
    edf?.clear();
    if (!pool.equal) {
      edf ??= new EdfScheduler(ctx.size);
      for (let i = 0; i < pool.m; i++) edf.add(pool.hosts[i], effective(pool.hosts[i]));
    }
  }
  rebuild();

  function pickOnce(): number {
    if (pool.m === 0) return -1;
    if (pool.equal) return bestOfDraws(ctx, pool.hosts, pool.m, choices);
    const s = edf!.peek();
    edf!.advance(effective(s));
    return s;
  }

  return guarded(ctx, pickOnce, rebuild);
}

/**
 * The pool as least-request-weighted reads it: the eligible servers of weight > 0 in id order
 * (`hosts`, m of them) and whether their weights are equal — each instance's own, or, in a large
 * fleet, one its instances share, with also the order in which a schedule rebuilt with no request
 * open would pop them (`byDeadline`: host ranks by 1/w, then rank), remade at the first pick after
 * a rebuild (`stale`: the pool cannot change in between without another rebuild).
 */
class Hosts {
  readonly hosts: Int32Array;
  m = 0;
  equal = true;
  byDeadline = new Int32Array(0);
  stale = true;
  /** `ctx.poolChanges` when last updated (-1: never). */
  version = -1;

  constructor(private readonly ctx: BalancerContext) {
    this.hosts = new Int32Array(ctx.size);
  }

  /** Re-reads the pool; `byDeadline` too when `order` (a large fleet's schedule needs it). */
  update(order = true): void {
    const { eligible, weights: w } = this.ctx, hosts = this.hosts;
    let m = 0, equal = true;
    for (let s = 0; s < this.ctx.size; s++) {
      if (eligible[s] !== 1 || !(w[s] > 0)) continue;
      if (m > 0 && w[s] !== w[hosts[0]]) equal = false;
      hosts[m++] = s;
    }
    this.m = m;
    this.equal = equal;
    this.byDeadline = equal || !order ? new Int32Array(0) : Int32Array.from({ length: m }, (_, r) => r).sort((a, b) => 1 / w[hosts[a]] - 1 / w[hosts[b]] || a - b);
    this.stale = false;
    this.version = this.ctx.poolChanges ?? -1;
  }

  /** Whether the pool changed since the last update: told by the fleet's count of changes, else by `stale`. */
  outdated(): boolean {
    const changes = this.ctx.poolChanges;
    return this.stale || (changes !== undefined && changes !== this.version);
  }

  /** Rank of host `s` in `hosts`. */
  rank(s: number): number {
    return lowerBound(this.hosts, 0, this.m, s);
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
  /** Its entries (deadline, insertion order, server); filled from `busy` at the first pick after a rebuild. */
  const heap = new EdfScheduler(8);
  let fresh = true, next = 0, picks = 0;
  /** The servers it picked: with its own counts, a rebuild reads only theirs (reports: `reportedLeastRequest`). */
  const picked = new PickedServers(open);

  function rebuild(): void {
    if (ctx.poolChanges === undefined) pool.stale = true; // else the fleet's count says (instances rebuild lazily, one by one)
    busy = new Map();
    picked.compact();
    for (let i = 0; i < picked.count; i++) {
      const s = picked.list[i];
      if (ctx.eligible[s] === 1 && w[s] > 0) busy.set(s, 0 + 1 / effective(s));
    }
    fresh = true;
  }
  rebuild();

  function pickOnce(): number {
    if (pool.outdated()) pool.update();
    const { hosts, m } = pool;
    if (m === 0) return -1;
    if (pool.equal) return bestOfDraws(ctx, hosts, m, choices);
    if (fresh) {
      fresh = false;
      next = picks = 0;
      heap.clear();
      for (const [s, d] of busy) heap.insert(s, d, pool.rank(s));
    }
    const by = pool.byDeadline;
    while (next < m && busy.has(hosts[by[next]])) next++;
    let s: number, time: number;
    if (next < m && (heap.size === 0 || less(1 / w[hosts[by[next]]], by[next], heap.firstDeadline, heap.firstOrder))) {
      s = hosts[by[next]];
      time = 1 / w[s];
      next++;
    } else {
      s = heap.peek();
      time = heap.firstDeadline;
      heap.pop();
    }
    heap.insert(s, time + 1 / effective(s), m + picks++);
    return s;
  }

  return {
    ...guarded(ctx, () => {
      const s = pickOnce();
      if (s >= 0) picked.add(s);
      return s;
    }, () => {
      pool.stale = true; // eligibility changed without a change told: re-read the pool too
      rebuild();
    }),
    rebuild, // the fleet's: the pool is re-read when its count of changes moves
    rebuildLazily: true, // the schedule from the pool and its own counts alone
  };
}

/**
 * Where every instance of a fleet that reads the servers' reported load starts after a rebuild: the pool, and when weights differ the schedule's entries in the order they pop (host
 * ranks by deadline 1/w', w' from the reports at the rebuild, then rank) — the same for every
 * instance, so taken once per rebuild for the fleet (`epoch`).
 */
class ReportedStart {
  readonly pool: Hosts;
  epoch = 0;
  /** Each host's deadline (by rank), and the ranks in pop order. */
  deadline = new Float64Array(0);
  order = new Int32Array(0);

  constructor(ctx: BalancerContext, private readonly effective: (s: number) => number) {
    this.pool = new Hosts(ctx);
    this.take();
  }

  take(): void {
    const pool = this.pool;
    pool.update(false);
    this.epoch++;
    if (pool.equal) return;
    const { hosts, m } = pool, deadline = new Float64Array(m);
    for (let r = 0; r < m; r++) deadline[r] = 0 + 1 / this.effective(hosts[r]);
    this.deadline = deadline;
    this.order = Int32Array.from({ length: m }, (_, r) => r).sort((a, b) => deadline[a] - deadline[b] || a - b);
  }
}

const reportedStarts = new WeakMap<Int32Array, WeakMap<Uint8Array, Map<number, ReportedStart>>>();

/**
 * least-request-weighted for an instance that reads the servers' reported load (`ctx.reported`),
 * in a fleet of any size: the instances rebuild at the same instants from the same reports,
 * so the schedule each starts from is one `ReportedStart` for the fleet (`fleetShared`: taken once
 * per rebuild, not a pass over the pool per instance); an instance keeps its place in it and a
 * heap of the hosts it picked since, and starts over when the fleet's start is newer than its
 * place. (A pick of an ineligible server, the model never makes one, retakes the fleet's start.)
 */
function reportedLeastRequest(ctx: BalancerContext, bias: number, choices: number): Balancer {
  const open = ctx.outstanding, w = ctx.weights;
  const effective = (s: number): number => (bias === 1 ? w[s] / (open[s] + 1) : w[s] / Math.pow(open[s] + 1, bias));
  const start = sharedForOption(reportedStarts, open, ctx.eligible, bias, () => new ReportedStart(ctx, effective)), pool = start.pool;
  const heap = new EdfScheduler(8);
  let epoch = -1, next = 0, picks = 0;

  function pickOnce(): number {
    const { hosts, m } = pool;
    if (m === 0) return -1;
    if (pool.equal) return bestOfDraws(ctx, hosts, m, choices);
    if (epoch !== start.epoch) {
      epoch = start.epoch;
      next = picks = 0;
      heap.clear();
    }
    const order = start.order, deadline = start.deadline;
    let s: number, time: number;
    if (next < m && (heap.size === 0 || less(deadline[order[next]], order[next], heap.firstDeadline, heap.firstOrder))) {
      const r = order[next++];
      s = hosts[r];
      time = deadline[r];
    } else {
      s = heap.peek();
      time = heap.firstDeadline;
      heap.pop();
    }
    heap.insert(s, time + 1 / effective(s), m + picks++);
    return s;
  }

  return { ...guarded(ctx, pickOnce, () => start.take()), fleetShared: true };
}

/** Equal weights: the fewest open requests of `choices` draws with replacement among hosts[0 … m) (ties: the first drawn). */
function bestOfDraws(ctx: BalancerContext, hosts: Int32Array, m: number, choices: number): number {
  const open = ctx.outstanding;
  let best = hosts[Math.floor(ctx.rng.next() * m)];
  for (let i = 1; i < choices; i++) {
    const s = hosts[Math.floor(ctx.rng.next() * m)];
    if (open[s] < open[best]) best = s;
  }
  return best;
}

/** The policy from its pick and rebuild: never an ineligible server, even when eligibility changed without rebuild(). */
function guarded(ctx: BalancerContext, pickOnce: () => number, rebuild: () => void): Balancer {
  return {
    pick() {
      const s = pickOnce();
      if (s < 0 || ctx.eligible[s] === 1) return s;
      rebuild();
      return pickOnce();
    },
    rebuild,
  };
}

export const LEAST_REQUEST_WEIGHTED = policy({
  name: 'least-request-weighted', aliases: ['least-request'],
  description: 'Envoy LEAST_REQUEST: P2C with replacement, or EDF on weight / (open + 1)^bias when weights differ',
  options: OPTIONS, create: createLeastRequestWeighted,
});
