/**
 * The balancer instances of a pool and what each can know: its own open requests per server (or
 * the servers' load as reported every `refreshMs`), the effective weights (slow start), and
 * eligibility from health. One instance unless `fleet.count` says otherwise; each request arrives
 * at one instance (round robin or at random over the fleet) and each has its own coin flips.
 */
import type { Balancer, BalancerContext, OpenServers } from '../balancers/balancer.js';
import { getBalancer, balancerNames } from '../balancers/registry.js';
import { EligibleIndex } from '../balancers/eligible.js';
import { SharedSequence } from '../balancers/shared.js';
import { doubled } from '../balancers/doubled.js';
import { createStream, type Rng } from '../random/rng.js';
import type { ServerPool } from './server-pool.js';

export interface FleetSpec {
  balancer: { name: string; options: Record<string, unknown> };
  /** Independent balancer instances, each request arriving at one of them (default 1). */
  fleet?: { count: number; assign: 'round-robin' | 'random' };
  /**
   * What load-aware policies read as `outstanding`: their own open requests (default, live), or
   * the servers' true load as reported to every instance each `refreshMs` (0 = instantly).
   */
  view?: { load: 'own' | 'reported'; refreshMs: number };
}

/** The part of a pool the balancers read: its size, weights and true load (a pool, or a slice of one). */
export type PoolView = Pick<ServerPool, 'size' | 'weight' | 'load'>;


export class BalancerFleet {
  /** Fleets with more instance × server cells than this keep sparse counts (see `sparse`); tests lower it. */
  static sparseCells = 1 << 24;
  readonly balancers: Balancer[] = [];
  readonly contexts: BalancerContext[] = [];
  /**
   * Each instance's own open requests per server, [instance][server]; empty for a sparse fleet
   * (see `sparse`), whose counts `ownCount` reads; all 0 for a policy that never reads them
   * (see `countsOwn`).
   */
  readonly own: Int32Array[] = [];
  /**
   * False for a policy registered with `readsOutstanding: false` (it never reads `outstanding`):
   * `sent` and `released` count nothing, as at 100,000 servers each change is one more cache
   * line for nobody. Sparse fleets count regardless (`ownCount`).
   */
  readonly countsOwn: boolean;
  /**
   * A large fleet (count × servers > `sparseCells`, e.g. a sidecar per client; any fleet of a
   * `poolOnly` policy): each instance
   * keeps only the servers it has open requests at, and the instances share one `outstanding`
   * array into which `materialize` writes an instance's counts before its pick, rebuild or observe.
   */
  readonly sparse: boolean;
  private readonly counts: SparseCounts | null;
  /** A sparse fleet of a `poolOnly` policy: the one schedule its instances walk. */
  private sequence: SharedSequence | null = null;
  /** What health tells every instance (written by HealthView only). */
  readonly eligible: Uint8Array;
  /** `eligible` counted and ranked (HealthView keeps it in step). */
  readonly eligibleIndex: EligibleIndex;
  /** Weights as the balancers see them: configured weights, ramped after recovery (slow start). */
  readonly effectiveWeight: Float64Array;
  /** True when the policy learns from outcomes (`observe`). */
  readonly observes: boolean;
  /** Reports of the servers' load every `refreshMs` (0: none, or instantly with load "reported"). */
  readonly refreshMs: number;
  private readonly reported: Int32Array | null;
  /** The policy indexes `outstanding` (told of every change: `sent`, `released`, `report`). */
  private readonly tellsOutstanding: boolean;
  /** `outstanding` is the pool's load itself (reports refreshed instantly). */
  private readonly outstandingIsLoad: boolean;
  /** The policy indexes the true load (`trueLoadChanged`). */
  private readonly tellsTrueLoad: boolean;
  /** The pool must tell `loadChanged` (the policy indexes the true load, or reads it as `outstanding`). */
  readonly watchesLoad: boolean;
  /**
   * The instances' derived state is one structure (Balancer.fleetShared): changes are told to the
   * first instance only (the first `instancesTold` of them), once per change.
   */
  private readonly instancesTold: number;
  /**
   * Sparse fleets of a policy that rebuilds lazily (Balancer.rebuildLazily): the pool's changes so
   * far, and how many of them each instance has rebuilt for (null: rebuilt at each change).
   */
  private readonly version = { changes: 0 };
  private rebuiltFor: Float64Array | null = null; // doubles: exact past 2^31 changes
  private readonly assignRandom: boolean;
  private readonly fleetRng: Rng;
  private nextInstance = 0;

  /** `streams`: prefix of the instances' random streams (a topology names them per service). */
  constructor(spec: FleetSpec, private readonly pool: PoolView, clock: { readonly now: number }, seed: number, streams = 'balancer') {
    const n = pool.size;
    const info = getBalancer(spec.balancer.name);
    if (!info) throw new Error(`unknown balancer ${JSON.stringify(spec.balancer.name)} (known: ${balancerNames().join(', ')})`);
    const fleet = spec.fleet ?? { count: 1, assign: 'round-robin' };
    const view = spec.view ?? { load: 'own', refreshMs: 0 };
    this.refreshMs = view.load === 'reported' ? view.refreshMs : 0;
    this.outstandingIsLoad = view.load === 'reported' && this.refreshMs === 0;
    this.reported = view.load === 'reported' ? (this.outstandingIsLoad ? pool.load : new Int32Array(n)) : null;
    this.eligible = new Uint8Array(n).fill(1);
    this.eligibleIndex = new EligibleIndex(this.eligible);
    this.effectiveWeight = Float64Array.from(pool.weight);
    // A `poolOnly` policy's fleet is sparse at any size: one schedule walked by every instance
    // gives each the picks its own would, where each instance's own schedule (weighted round
    // robin's tournament over many weight classes: ~110 bytes per class) multiplies by the count.
    this.sparse = fleet.count > 1 && (fleet.count * n > BalancerFleet.sparseCells || info.poolOnly === true);
    this.counts = this.sparse ? new SparseCounts(fleet.count, n) : null;
    for (let b = 0; b < fleet.count; b++) {
      const own = this.counts ? this.counts.scratch : new Int32Array(n);
      const rng = createStream(seed, b === 0 ? streams : `${streams}/${b}`);
      const ctx = new InstanceContext(n, this.effectiveWeight, this.eligible, this.eligibleIndex, this.reported ?? own, pool, rng, clock, this.sparse, this.reported !== null,
        this.counts !== null && this.reported === null ? this.counts.open : undefined, this.version);
      if (!this.sparse) this.own.push(own);
      this.contexts.push(ctx);
      if (this.sparse && info.poolOnly) {
        // One schedule for the fleet (instance 0's, made as it would be), walked by every instance.
        this.sequence ??= new SharedSequence(info.create(ctx, spec.balancer.options, 'balancer'));
        this.balancers.push(this.sequence.walker());
        continue;
      }
      const balancer = info.create(ctx, spec.balancer.options, 'balancer');
      // Lazy rebuilds, decided once by the first instance: in a sparse fleet, for a policy with a rebuild that says so, unless
      // it reads reports (they change between the change of the pool and the instance's next act; its own counts do not).
      if (b === 0 && this.counts !== null && balancer.rebuildLazily === true && typeof balancer.rebuild === 'function' &&
        (this.reported === null || info.readsOutstanding === false)) this.rebuiltFor = new Float64Array(fleet.count);
      const observe = balancer.observe, lazy = this.rebuiltFor !== null;
      const reads = info.readsOutstanding !== false && info.observeReadsOutstanding !== false;
      if (this.counts && observe && (lazy || reads)) {
        // A sparse fleet's shared `outstanding` holds the counts of the instance that last picked: write this one's first
        // (unless the policy says its observe does not read them: a walk of two instances' open requests per response),
        // and rebuild it first if it rebuilds lazily and the pool changed since it last did.
        // The policy's object is left as it is (it may be frozen): the fleet calls one that inherits from it.
        const counts = this.counts, told: Balancer = Object.create(balancer);
        Object.defineProperty(told, 'observe', {
          value: (s: number, latencyMs: number, ok: boolean) => {
            if (reads) counts.materialize(b);
            if (lazy) this.catchUp(b);
            observe.call(balancer, s, latencyMs, ok);
          },
        });
        this.balancers.push(told);
      } else this.balancers.push(balancer);
    }
    this.countsOwn = info.readsOutstanding !== false;
    this.observes = typeof this.balancers[0].observe === 'function';
    this.tellsOutstanding = typeof this.balancers[0].outstandingChanged === 'function';
    this.tellsTrueLoad = typeof this.balancers[0].trueLoadChanged === 'function';
    this.watchesLoad = this.tellsTrueLoad || (this.tellsOutstanding && this.outstandingIsLoad);
    this.instancesTold = this.balancers[0].fleetShared === true ? 1 : this.balancers.length;
    this.assignRandom = fleet.assign === 'random';
    this.fleetRng = createStream(seed, streams === 'balancer' ? 'fleet' : `fleet@${streams}`);
  }

  /** Which balancer instance the next attempt arrives at. */
  instanceFor(): number {
    const nb = this.balancers.length;
    return nb === 1 ? 0 : this.assignRandom ? Math.floor(this.fleetRng.next() * nb) : this.nextInstance++ % nb;
  }

  /** Instance `b` sent a request to server `s`: its own count goes up. */
  sent(b: number, s: number): void {
    if (this.counts !== null) {
      if (this.rebuiltFor !== null) this.catchUp(b);
      return this.counts.add(b, s, 1);
    }
    if (!this.countsOwn) return;
    this.own[b][s]++;
    if (this.tellsOutstanding && this.reported === null) this.balancers[b].outstandingChanged!(s);
  }

  /** A request instance `b` sent to server `s` is over for it: its own count goes down. */
  released(b: number, s: number): void {
    if (this.counts !== null) {
      if (this.rebuiltFor !== null) this.catchUp(b);
      return this.counts.add(b, s, -1);
    }
    if (!this.countsOwn) return;
    this.own[b][s]--;
    if (this.tellsOutstanding && this.reported === null) this.balancers[b].outstandingChanged!(s);
  }

  /** The pool's load at server `s` (of this view) changed; told only when `watchesLoad`. */
  loadChanged(s: number): void {
    const balancers = this.balancers;
    for (let b = 0; b < this.instancesTold; b++) {
      const x = balancers[b];
      if (this.outstandingIsLoad && this.tellsOutstanding) x.outstandingChanged!(s);
      if (this.tellsTrueLoad) x.trueLoadChanged!(s);
    }
  }

  /** Every instance's stale view catches up with the servers' load (a report). */
  report(): void {
    this.reported!.set(this.pool.load);
    if (this.tellsOutstanding) for (let b = 0; b < this.instancesTold; b++) this.balancers[b].outstandingChanged!(-1);
  }

  /**
   * Membership, weights or eligibility changed (of `server` only, or of any: -1): every instance
   * rebuilds its derived structures.
   */
  rebuild(server = -1): void {
    this.sequence?.restart(server);
    this.version.changes++;
    if (this.rebuiltFor !== null) return; // each instance rebuilds before it next acts (catchUp)
    const balancers = this.balancers;
    for (let b = 0; b < this.instancesTold; b++) {
      if (balancers[b].rebuild === undefined) continue;
      if (this.counts !== null && this.countsOwn) this.counts.materialize(b);
      balancers[b].rebuild!(server);
    }
  }

  /**
   * Sparse fleets, before instance `b` picks: its counts into the shared `outstanding` array (if
   * the policy reads them), and its rebuild if it rebuilds lazily and is behind.
   */
  materialize(b: number): void {
    if (this.countsOwn) this.counts!.materialize(b);
    if (this.rebuiltFor !== null) this.catchUp(b);
  }

  /** Instance `b` rebuilds (its counts materialized first) if the pool changed since it last did. */
  private catchUp(b: number): void {
    if (this.rebuiltFor![b] === this.version.changes) return;
    this.rebuiltFor![b] = this.version.changes;
    if (this.countsOwn) this.counts!.materialize(b);
    this.balancers[b].rebuild!(-1);
  }

  /** Instance `b`'s open requests at server `s`. */
  ownCount(b: number, s: number): number {
    return this.counts !== null ? this.counts.get(b, s) : this.own[b][s];
  }
}

/**
 * What a balancer instance sees. A class, so that every context has one shape and `trueLoad` is
 * a getter of the prototype: the pool's load is read (and from then on kept, see ServerPool.load)
 * only when a policy asks for it.
 */
class InstanceContext implements BalancerContext {
  readonly now: () => number;
  readonly shared?: boolean;
  readonly reported?: boolean;
  readonly openServers?: OpenServers;

  constructor(
    readonly size: number,
    readonly weights: Float64Array,
    readonly eligible: Uint8Array,
    readonly eligibleIndex: EligibleIndex,
    readonly outstanding: Int32Array,
    private readonly pool: PoolView,
    readonly rng: Rng,
    clock: { readonly now: number },
    shared: boolean,
    reported: boolean,
    openServers: OpenServers | undefined,
    private readonly version: { readonly changes: number },
  ) {
    this.now = () => clock.now;
    if (shared) this.shared = true;
    if (reported) this.reported = true;
    if (openServers) this.openServers = openServers;
  }

  get trueLoad(): Int32Array {
    return this.pool.load;
  }

  get poolChanges(): number {
    return this.version.changes;
  }
}

/** Tells the fleets of a topology's services of load changes at their servers (server ids of the whole pool). */
export class LoadWatch {
  private readonly owner: Int32Array;
  private readonly fleets: BalancerFleet[];
  private readonly lo: Int32Array;

  constructor(size: number, services: readonly { lo: number; hi: number; fleet: BalancerFleet }[]) {
    this.owner = new Int32Array(size).fill(-1);
    this.fleets = services.map((x) => x.fleet);
    this.lo = Int32Array.from(services, (x) => x.lo);
    services.forEach((x, i) => this.owner.fill(i, x.lo, x.hi));
  }

  loadChanged(s: number): void {
    const f = this.owner[s];
    if (f >= 0) this.fleets[f].loadChanged(s - this.lo[f]);
  }
}

/** The servers the materialized instance has open requests at (SparseCounts.open). */
class OpenList implements OpenServers {
  count = 0;
  ids = new Int32Array(16);

  push(s: number): void {
    if (this.count === this.ids.length) this.ids = doubled(this.ids);
    this.ids[this.count++] = s;
  }

  /** Removes `s` (the last id takes its place). */
  remove(s: number): void {
    const ids = this.ids, n = this.count;
    let i = 0;
    while (i < n && ids[i] !== s) i++;
    if (i < n) ids[i] = ids[(this.count = n - 1)];
  }
}

/**
 * The open requests of many instances, kept per instance only for the servers it has requests at:
 * a list per instance in pooled typed arrays (server, count, next), and one dense `scratch` array
 * holding the counts of one instance (`current`) at a time, with the list of its servers in `open`.
 * An instance with k servers costs O(k) per change and per materialization; there is no per-event
 * allocation (the pool doubles when full).
 */
class SparseCounts {
  readonly scratch: Int32Array;
  /** The servers of the `current` instance with a count (those of `scratch` that are not 0). */
  readonly open = new OpenList();
  private readonly head: Int32Array;
  private server: Int32Array;
  private count: Int32Array;
  private next: Int32Array;
  private free = -1;
  private used = 0;
  private current = -1;

  constructor(instances: number, size: number) {
    this.scratch = new Int32Array(size);
    this.head = new Int32Array(instances).fill(-1);
    this.server = new Int32Array(1024);
    this.count = new Int32Array(1024);
    this.next = new Int32Array(1024);
  }

  get(b: number, s: number): number {
    for (let e = this.head[b]; e >= 0; e = this.next[e]) if (this.server[e] === s) return this.count[e];
    return 0;
  }

  /** Instance `b`'s count at server `s` changes by `d` (±1). */
  add(b: number, s: number, d: number): void {
    if (this.current === b) {
      const was = this.scratch[s];
      this.scratch[s] = was + d;
      if (was === 0) this.open.push(s);
      else if (was + d === 0) this.open.remove(s);
    }
    let prev = -1;
    for (let e = this.head[b]; e >= 0; prev = e, e = this.next[e]) {
      if (this.server[e] !== s) continue;
      if ((this.count[e] += d) === 0) {
        if (prev < 0) this.head[b] = this.next[e];
        else this.next[prev] = this.next[e];
        this.next[e] = this.free;
        this.free = e;
      }
      return;
    }
    let e = this.free;
    if (e >= 0) this.free = this.next[e];
    else {
      if (this.used === this.server.length) this.grow();
      e = this.used++;
    }
    this.server[e] = s;
    this.count[e] = d;
    this.next[e] = this.head[b];
    this.head[b] = e;
  }

  materialize(b: number): void {
    if (this.current === b) return;
    const scratch = this.scratch;
    const open = this.open;
    for (let i = 0; i < open.count; i++) scratch[open.ids[i]] = 0; // the current instance's servers
    open.count = 0;
    for (let e = this.head[b]; e >= 0; e = this.next[e]) {
      scratch[this.server[e]] = this.count[e];
      open.push(this.server[e]);
    }
    this.current = b;
  }

  private grow(): void {
    const m = this.server.length * 2;
    const server = new Int32Array(m), count = new Int32Array(m), next = new Int32Array(m);
    server.set(this.server);
    count.set(this.count);
    next.set(this.next);
    this.server = server;
    this.count = count;
    this.next = next;
  }
}
