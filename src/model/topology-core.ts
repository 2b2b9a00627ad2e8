/**
 * The state of a TopologyModel (see topology.ts): its clock, server pool, request table, services
 * and edges, built from the config; the call's and the attempt's state machines; the end of the run.
 * The methods that move calls and attempts are in its subclasses (TopologyServers →
 * TopologyAttempts → TopologyCalls → TopologyModel), declared abstract here where it calls them.
 */
import { Simulation, TimeLimitError, type Handler, MAX_TARGET } from '../engine/simulation.js';
import { createStream, type Rng } from '../random/rng.js';
import { ServerPool, type ServerSpec } from './server-pool.js';
import { TopologyTable } from './topology-table.js';
import { RequestState, checkTransition } from './states.js';
import { BalancerFleet, LoadWatch } from './balancer-view.js';
import { Stats, NREQ, NATT } from './stats.js';
import { TOPOLOGY_CALL_MACHINE, TOPOLOGY_ATTEMPT_MACHINE, CALL_ALLOWED, ATTEMPT_ALLOWED } from './topology-machines.js';
import { Workload } from './workload.js';
import { EventKind } from './event-kind.js';
import { timeLimitError, EVENTS_BASE, EVENTS_PER_ARRIVAL, DEFAULT_MAX_IN_FLIGHT } from './run-limit-error.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { TopologyHealth } from './service-health.js';
import type { TopologyObserver } from './topology-observer.js';
import { CallCounters, createEdge, type Edge, type EdgePolicy } from './topology-edge.js';
import { compileStep } from './topology-steps.js';
import type { Service, TopologyConfig, TopologyHooks } from './topology.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { I_CALL_STATE, I_MEASURED, I_STATE, ROW_I32 } = rows;

/** `parent` of a call made by the workflow layer. */
export const EXTERNAL = -3;

const R = RequestState;
export const ORPHAN = -2;

export abstract class TopologyCore implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new TopologyTable();
  /** The end-to-end view: entry requests, their latency, the measurement window. */
  readonly stats: Stats;
  readonly services: Service[] = [];
  readonly edges: Edge[] = [];
  /** The first entry's arrivals (the only ones without `entries`). */
  readonly workload: Workload;
  /** Every entry's arrivals (entry k's requests go over edge k, "client-><name>"). */
  readonly workloads: Workload[] = [];
  /** The entry service (the first entry's, with `entries`). */
  readonly entry: number;
  /** Failures and health checks of the services that have them; null when none has. */
  readonly health: TopologyHealth | null;
  checked = false;
  /** Measured entry requests that succeeded with a fallback somewhere below (a degraded answer). */
  degraded = 0;
  /** Watches attempts (an animation); null: no calls at all. */
  observer: TopologyObserver | null = null;
  /** The workflow layer, if any, and the services whose attempts it decides (1). */
  hooks: TopologyHooks | null = null;
  protected hooked = new Uint8Array(0);
  protected readonly coin: Rng;
  protected readonly eventsPerArrival: number;
  /** The attempt sending its calls now: their outcomes are weighed once all are sent. */
  protected launching = -1;
  /**
   * Servers whose slot was freed during the current event while attempts wait there: the slot
   * passes on once the event's own work is done (`handOff`), so that starting the next attempt
   * (which may fail and cancel its siblings) never runs inside the code that freed the slot.
   */
  protected readonly handoffs: number[] = [];

  constructor(readonly config: TopologyConfig) {
    const { seed } = config;
    const sim = this.sim;
    sim.setHandler(this);
    const servers: ServerSpec[] = [];
    for (const svc of config.services) servers.push(...svc.servers);
    this.pool = new ServerPool(servers, sim);
    if (this.pool.size > MAX_TARGET / 2) throw new RangeError(`at most ${MAX_TARGET / 2} servers`);
    this.stats = new Stats(this.pool, sim, config.stop.warmupMs, config.metrics?.significantDigits);
    this.coin = createStream(seed, 'calls');
    const index = new Map(config.services.map((s, i) => [s.name, i]));
    const entries = config.entries ?? [{ name: config.entry, arrivals: config.arrivals, keys: config.keys, client: config.client }];
    entries.forEach((x, k) => {
      if (x.arrivals.process === 'closed' && (x.arrivals.clients - 1) * entries.length + k > MAX_TARGET) throw new RangeError(`entry ${x.name}: too many closed-loop users for ${entries.length} entries`);
      const entry = index.get(x.name);
      if (entry === undefined) throw new RangeError(`entry ${JSON.stringify(x.name)}: no such service`);
      const stream = config.entries ? { name: x.name, stride: entries.length, offset: k } : undefined;
      this.workloads.push(new Workload({ seed, stop: config.stop, arrivals: x.arrivals, keys: x.keys, service: { dist: 'constant', valueMs: 0 }, stream }, sim));
      // Entry k's client edge is edge k; the first one keeps the seed it had with a single entry.
      this.edges.push(this.makeEdge(`client->${x.name}`, -1, entry, x.client, k === 0 ? seed : seed * 7919 - k));
    });
    this.workload = this.workloads[0];
    this.entry = this.edges[0].to;
    let lo = 0;
    config.services.forEach((svc, i) => {
      const hi = lo + svc.servers.length;
      const view = { size: hi - lo, weight: this.pool.weight.subarray(lo, hi), load: this.pool.load.subarray(lo, hi) };
      const fleet = new BalancerFleet({ balancer: svc.balancer }, view, sim, seed, `balancer@${svc.name}`);
      this.services.push({ name: svc.name, index: i, lo, hi, fleet, steps: [], counters: new CallCounters(), rng: createStream(seed, `service@${svc.name}`), limit: svc.limit ? new ConcurrencyLimit(svc.limit, hi - lo, sim) : null });
      lo = hi;
    });
    this.health = config.services.some((svc) => svc.failures || svc.health)
      ? new TopologyHealth(config.services.map((svc, i) => ({ ...this.services[i], failures: svc.failures, health: svc.health })), this, seed)
      : null;
    const watched = this.services.filter((svc) => svc.fleet.watchesLoad);
    if (watched.length > 0) this.pool.watch = new LoadWatch(this.pool.size, watched);
    const edgeOf = (from: number, to: string): number => {
      const t = index.get(to);
      if (t === undefined) throw new RangeError(`${config.services[from].name} calls ${JSON.stringify(to)}: no such service`);
      const name = `${config.services[from].name}->${to}`;
      let e = this.edges.findIndex((x) => x.name === name);
      if (e < 0) {
        e = this.edges.length;
        this.edges.push(this.makeEdge(name, from, t, config.calls?.[name], this.edgeSeed(e)));
      }
      return e;
    };
    config.services.forEach((svc, i) => {
      this.services[i].steps = svc.steps.map((step) => compileStep(step, (to) => edgeOf(i, to)));
    });
    const { maxEvents, maxInFlight } = config.stop;
    sim.eventLimit = maxEvents ?? EVENTS_BASE;
    this.eventsPerArrival = maxEvents === undefined ? EVENTS_PER_ARRIVAL : 0;
    this.requests.maxRows = maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.requests.clientFields = true;
    if (config.stop.warmupMs > 0) sim.schedule(config.stop.warmupMs, EventKind.WarmupEnd, 0);
    try {
      for (const w of this.workloads) this.arrivalsEnd(w.start());
    } catch (e) {
      throw e instanceof TimeLimitError ? timeLimitError(e) : e; // a first arrival beyond the time bound
    }
  }

  /** The seed of service edge `e`'s policy stream: the same whatever the number of entries (their edges come first). */
  protected edgeSeed(e: number): number {
    return this.config.seed * 7919 + e - (this.workloads.length - 1);
  }

  protected makeEdge(name: string, from: number, to: number, policy: EdgePolicy | undefined, seed: number): Edge {
    return createEdge(name, from, to, policy, this.sim, seed, this.config.seed);
  }

  finished(): boolean {
    return this.arrivalsDone() && this.requests.live === 0 && (this.hooks === null || this.hooks.live() === 0);
  }

  /** True once no entry will receive a request any more. */
  protected arrivalsDone(): boolean {
    const w = this.workloads;
    for (let k = 0; k < w.length; k++) if (!w[k].arrivalsDone) return false;
    return true;
  }

  protected checkFinished(): void {
    if (this.finished()) this.sim.stop();
  }

  /**
   * A call's and an attempt's state, by TOPOLOGY_CALL_MACHINE and TOPOLOGY_ATTEMPT_MACHINE
   * (checked when `checked`), counted in `Summary.transitions` (request: calls over every edge;
   * attempt: attempts at every service). A call stays pending while a hedge joins its attempts.
   */
  protected setCall(c: number, to: number): void {
    const t = this.requests, from = t.i32[c * ROW_I32 + I_CALL_STATE];
    if (from === to && to !== R.Backoff) return;
    if (this.checked) checkTransition(TOPOLOGY_CALL_MACHINE, CALL_ALLOWED, from, to, c);
    t.i32[c * ROW_I32 + I_CALL_STATE] = to;
    if (t.i32[c * ROW_I32 + I_MEASURED]) this.stats.requestTransitions[from * NREQ + to]++;
  }

  protected setAttempt(a: number, to: number): void {
    const t = this.requests, from = t.i32[a * ROW_I32 + I_STATE];
    if (this.checked) checkTransition(TOPOLOGY_ATTEMPT_MACHINE, ATTEMPT_ALLOWED, from, to, a);
    t.i32[a * ROW_I32 + I_STATE] = to;
    if (t.i32[a * ROW_I32 + I_MEASURED]) this.stats.attemptTransitions[from * NATT + to]++;
    this.observer?.attempt(a, to);
  }

  // Defined by the subclasses (TopologyModel is the one concrete class).
  abstract handle(kind: number, r: number): void;
  abstract abortServer(s: number): void;
  protected abstract arrivalsEnd(endMs: number): void;
}
