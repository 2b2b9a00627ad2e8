/**
 * Services that call services. Each service is a pool of servers behind its own balancer(s) and a
 * handler: a list of steps — local `work` (a duration at the server's speed), a `call` to another
 * service, or a `parallel` fan-out of calls of which `need` must succeed. A call goes through the
 * callee's balancer as an attempt, under the policy of its edge (caller → callee: timeout,
 * retries with backoff and budget, cancellation). By default an attempt holds its server slot
 * while it waits for its calls (thread per request); `hold: false` releases it, and the work after
 * the call queues again at the same server. A failed call fails the attempt that made it; the
 * caller's edge policy then retries or gives up, up to the entry, where the external client's
 * policy (the scenario's `client`) applies.
 *
 * All services share one clock, one server pool (service i owns servers [lo, hi); its balancers
 * see that slice) and one request table. Stats measure the end-to-end view (entry requests);
 * per-service and per-edge counters measure the rest.
 */
import { Simulation, EventLimitError, TimeLimitError, type Handler, MAX_TARGET } from '../engine/simulation.js';
import { createStream, type Rng } from '../random/rng.js';
import type { ArrivalSpec } from './arrivals.js';
import type { ClosedLoopSpec } from './workload.js';
import { Discipline, ServerPool, type ServerSpec } from './server-pool.js';
import { InFlightLimitError } from './request-table.js';
import { TopologyTable } from './topology-table.js';
import { AttemptState, RequestState, ServerState } from './states.js';
import type { ClientConfig } from './client.js';
import { BalancerFleet, LoadWatch } from './balancer-view.js';
import { Stats, NREQ, NATT } from './stats.js';
import { TOPOLOGY_CALL_MACHINE, TOPOLOGY_ATTEMPT_MACHINE, CALL_ALLOWED, ATTEMPT_ALLOWED, checkTransition } from './topology-machines.js';
import { Workload, type KeySpec } from './workload.js';
import { EventKind } from './event-kind.js';
import { RunLimitError, timeLimitError, EVENTS_BASE, EVENTS_PER_ARRIVAL, DEFAULT_MAX_IN_FLIGHT } from './run-limit-error.js';
import { ConcurrencyLimit, LimitOutcome, type LimitConfig } from './concurrency-limit.js';
import { TopologyHealth } from './service-health.js';
import type { FailureConfig } from './failures.js';
import type { HealthConfig } from './health.js';
import type { TopologyObserver } from './topology-observer.js';
import { CallCounters, createEdge, type Edge, type EdgePolicy } from './topology-edge.js';
import { compileStep, WORK, FAIL, type Step, type StepConfig } from './topology-steps.js';

export { CallCounters, type Edge, type EdgePolicy } from './topology-edge.js';
export type { StepConfig } from './topology-steps.js';

export interface ServiceConfig {
  name: string;
  servers: readonly ServerSpec[];
  balancer: { name: string; options: Record<string, unknown> };
  steps: readonly StepConfig[];
  /** A concurrency limit at each of its servers (static or AIMD); none when absent. */
  limit?: LimitConfig;
  /** Failures of its servers (ids local to the service) and its balancer's health checks. */
  failures?: FailureConfig;
  health?: HealthConfig;
}

export interface TopologyConfig {
  seed: number;
  stop: { requests?: number; timeMs?: number; warmupMs: number; maxEvents?: number; maxInFlight?: number };
  /** Open arrivals, or closed-loop users (an entry request's end lets its user think, then send the next). */
  arrivals: ArrivalSpec | ClosedLoopSpec;
  keys?: KeySpec;
  entry: string;
  services: readonly ServiceConfig[];
  /** Client policy of each edge, "a->b"; the external client → entry edge is the scenario's `client`. */
  calls?: Readonly<Record<string, EdgePolicy>>;
  client?: ClientConfig;
  metrics?: { significantDigits: number };
}

export interface Service {
  name: string;
  index: number;
  /** Its servers in the shared pool: [lo, hi). */
  lo: number;
  hi: number;
  fleet: BalancerFleet;
  steps: Step[];
  counters: CallCounters;
  /** Its work-step durations' own random stream. */
  rng: Rng;
  /** Its servers' concurrency limit, or null. */
  limit: ConcurrencyLimit | null;
}

/**
 * What a workflow layer (src/workflow/) hooks into: its timers (events of kind Workflow), the
 * entry arrivals, the calls it makes (`externalCall`), and the attempts at the services hosting its
 * machines (`setHooks`), whose handler outcome it decides.
 */
export interface TopologyHooks {
  timer(r: number): void;
  arrived(): void;
  /** External call `c` ended (after its edge's retries): succeeded or not. */
  callDone(c: number, ok: boolean): void;
  /** Attempt `a` at a hooked service begins its handler. */
  attemptStarted(a: number): void;
  /** Attempt `a` at a hooked service finished its handler: true to succeed, false to fail. */
  attemptOutcome(a: number): boolean;
  /** Attempt `a` at a hooked service ended (any way: answered, failed, refused, withdrawn). */
  attemptEnded(a: number): void;
  /** Instances still running: the run is not finished while there are any. */
  live(): number;
}

/** `parent` of a call made by the workflow layer. */
const EXTERNAL = -3;

const R = RequestState;
const A = AttemptState;
const ORPHAN = -2;

export class TopologyModel implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new TopologyTable();
  /** The end-to-end view: entry requests, their latency, the measurement window. */
  readonly stats: Stats;
  readonly services: Service[] = [];
  readonly edges: Edge[] = [];
  readonly workload: Workload;
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
  private hooked = new Uint8Array(0);
  private readonly coin: Rng;
  private readonly eventsPerArrival: number;
  /** The attempt sending its calls now: their outcomes are weighed once all are sent. */
  private launching = -1;
  /**
   * Servers whose slot was freed during the current event while attempts wait there: the slot
   * passes on once the event's own work is done (`handOff`), so that starting the next attempt
   * (which may fail and cancel its siblings) never runs inside the code that freed the slot.
   */
  private readonly handoffs: number[] = [];

  constructor(readonly config: TopologyConfig) {
    const { seed } = config;
    const sim = this.sim;
    sim.setHandler(this);
    const servers: ServerSpec[] = [];
    for (const svc of config.services) servers.push(...svc.servers);
    this.pool = new ServerPool(servers, sim);
    if (this.pool.size > MAX_TARGET / 2) throw new RangeError(`at most ${MAX_TARGET / 2} servers`);
    this.stats = new Stats(this.pool, sim, config.stop.warmupMs, config.metrics?.significantDigits);
    this.workload = new Workload({ ...config, service: { dist: 'constant', valueMs: 0 } }, sim);
    this.coin = createStream(seed, 'calls');
    const index = new Map(config.services.map((s, i) => [s.name, i]));
    const entry = index.get(config.entry);
    if (entry === undefined) throw new RangeError(`entry ${JSON.stringify(config.entry)}: no such service`);
    this.entry = entry;
    this.edges.push(this.makeEdge(`client->${config.entry}`, -1, entry, config.client, seed));
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
        this.edges.push(this.makeEdge(name, from, t, config.calls?.[name], seed * 7919 + e));
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
      this.arrivalsEnd(this.workload.start());
    } catch (e) {
      throw e instanceof TimeLimitError ? timeLimitError(e) : e; // a first arrival beyond the time bound
    }
  }

  private makeEdge(name: string, from: number, to: number, policy: EdgePolicy | undefined, seed: number): Edge {
    return createEdge(name, from, to, policy, this.sim, seed, this.config.seed);
  }

  /** Runs to the end of the scenario (all requests done, or the time limit). */
  run(): void {
    this.runUntil(this.workload.stopAtMs);
    this.stats.runEnded();
    this.pool.flush();
  }

  /** The warm-up, ms (a time series reads it). */
  get warmupMs(): number {
    return this.config.stop.warmupMs;
  }

  /** `sim.runUntil(tMs)`, a bound the run hit thrown as the scenario field to change (a time series runs in slices). */
  runUntil(tMs: number): number {
    try {
      return this.sim.runUntil(tMs);
    } catch (e) {
      if (e instanceof EventLimitError) throw new RunLimitError('stop.maxEvents', e.limit, `the run handled ${e.limit.toLocaleString('en')} events by ${e.atMs} ms without ending; set stop.maxEvents higher to let it go on`);
      if (e instanceof TimeLimitError) throw timeLimitError(e);
      if (e instanceof InFlightLimitError) throw new RunLimitError('stop.maxInFlight', e.limit, `more than ${e.limit.toLocaleString('en')} calls and attempts in flight at once: bound the queues with queueLimit, or set stop.maxInFlight higher`);
      throw e;
    }
  }

  finished(): boolean {
    return this.workload.arrivalsDone && this.requests.live === 0 && (this.hooks === null || this.hooks.live() === 0);
  }

  /** Installs the workflow layer; attempts at `services` (indices) have their outcome decided by it. */
  setHooks(hooks: TopologyHooks, services: readonly number[]): void {
    this.hooks = hooks;
    this.hooked = new Uint8Array(this.services.length);
    for (const i of services) this.hooked[i] = 1;
  }

  /** The edge from service `from` to service `to` (indices), made if no step calls over it. */
  edgeBetween(from: number, to: number): number {
    const name = `${this.services[from].name}->${this.services[to].name}`;
    let e = this.edges.findIndex((x) => x.name === name);
    if (e < 0) {
      e = this.edges.length;
      this.edges.push(this.makeEdge(name, from, to, this.config.calls?.[name], this.config.seed * 7919 + e));
    }
    return e;
  }

  /** A call over edge `e` for the workflow layer: its row (send it with `sendExternal`; `hooks.callDone` tells its end). */
  externalCall(e: number): number {
    const t = this.requests, c = t.alloc();
    t.measured[c] = this.stats.measuring ? 1 : 0;
    t.wasted[c] = 0;
    t.key[c] = 0;
    this.newCall(c, EXTERNAL, e);
    return c;
  }

  sendExternal(c: number): void {
    this.sendAttempt(c);
  }

  /** Ends the run if nothing is left to do (the workflow layer's last instance ended). */
  maybeStop(): void {
    this.checkFinished();
  }

  handle(kind: number, r: number): void {
    const t = this.requests, id = this.sim.currentEventId;
    switch (kind) {
      case EventKind.Arrival: this.arrive(r); break;
      case EventKind.Departure: if (t.departId[r] === id) this.workDone(r); break;
      case EventKind.AttemptTimeout: if (t.timeoutId[r] === id) this.attemptTimeout(r); break;
      case EventKind.Retry:
        if (t.retryId[r] === id) {
          t.retryId[r] = -1;
          t.retries[r]++;
          if (t.measured[r]) {
            this.edges[t.edge[r]].counters.retries++;
            if (t.parent[r] === -1) this.stats.retries++;
          }
          this.sendAttempt(r);
        }
        break;
      case EventKind.Deadline: if (t.deadlineId[r] === id) this.deadline(r); break;
      case EventKind.Hedge: if (t.hedgeId[r] === id) this.hedge(r); break;
      case EventKind.NetArrive: if (t.netId[r] === id) { t.netId[r] = -1; this.arriveAt(r); } break;
      case EventKind.NetReturn: if (t.netId[r] === id) { t.netId[r] = -1; this.answered(r); } break;
      case EventKind.WarmupEnd: if (!this.stats.windowClosed) this.stats.warmupEnded(); break;
      case EventKind.WindowEnd: this.stats.closeWindow(this.sim.now); break;
      case EventKind.Workflow: this.hooks!.timer(r); break;
      default: if (this.health !== null) this.health.handle(kind, r, id); // failures, health checks
    }
    if (this.handoffs.length > 0) this.handOff();
  }

  /** Freed slots pass to the attempts waiting at their servers, iteratively (see `handoffs`). */
  private handOff(): void {
    const pool = this.pool, t = this.requests, list = this.handoffs;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (pool.queueLength[s] === 0) {
        pool.endService(s);
        continue;
      }
      // The slot passes straight to the next attempt: the server stays busy.
      const d = pool.discipline[s];
      const next = d === Discipline.Fifo ? pool.queueHead[s] : d === Discipline.Lifo ? pool.queueTail[s] : this.adaptivePick(s);
      if (next < 0) {
        pool.endService(s); // adaptive LIFO shed every waiting attempt
        continue;
      }
      pool.remove(s, next, t.nextInQueue, t.prevInQueue);
      this.start(next);
    }
    list.length = 0;
  }

  /**
   * Adaptive LIFO at server `s` (as RequestFlow's): attempts that waited longer than the bound are
   * shed (dropped; their callers react per edge policy), then the newest (overloaded) or the oldest.
   */
  private adaptivePick(s: number): number {
    const pool = this.pool, t = this.requests, now = this.sim.now;
    const overloaded = now - pool.queueBusySince[s] > pool.queueIntervalMs[s];
    const bound = overloaded ? pool.queueTargetMs[s] : pool.queueIntervalMs[s];
    for (let a = pool.queueHead[s]; a >= 0 && now - t.queuedMs[a] > bound; a = pool.queueHead[s]) {
      pool.remove(s, a, t.nextInQueue, t.prevInQueue);
      pool.dropped[s]++;
      this.attemptEnded(a, A.Dropped);
    }
    return overloaded ? pool.queueTail[s] : pool.queueHead[s];
  }

  // ---------------------------------------------------------------- calls

  private arrivalsEnd(endMs: number): void {
    if (endMs !== endMs) return;
    this.stats.arrivalsEnded(endMs);
    if (this.finished()) this.sim.stop();
  }

  /** An entry request arrives: a call from the external client to the entry service. */
  private arrive(source: number): void {
    const t = this.requests, stats = this.stats;
    const c = t.alloc();
    this.sim.eventLimit += this.eventsPerArrival;
    const end = this.workload.admit(t, c, source);
    const measured = stats.measuring ? 1 : 0;
    t.measured[c] = measured;
    t.wasted[c] = 0;
    if (measured) {
      stats.arrived++;
      stats.inFlight++;
    }
    this.newCall(c, -1, 0);
    if (end === end) this.arrivalsEnd(end);
    this.sendAttempt(c);
    if (this.hooks !== null) this.hooks.arrived();
  }

  /** Row `c` becomes a call over edge `e` for `parent` (an attempt row, or -1 for the external client). */
  private newCall(c: number, parent: number, e: number): void {
    const t = this.requests;
    t.parent[c] = parent;
    t.edge[c] = e;
    t.service[c] = this.edges[e].to;
    t.attempt[c] = -1;
    t.degraded[c] = 0;
    t.arrivalMs[c] = this.sim.now;
    const policy = this.edges[e].policy;
    if (policy.config) policy.arrived(t, c, this.edges[e].counters.latencyHistogram); // the retry budget earns its share; deadline, first hedge
    if (t.measured[c]) {
      this.edges[e].counters.calls++;
      this.edges[e].counters.inFlight++;
    }
  }

  /** Sends the next attempt of call `c` through its edge's gates (bulkhead, breaker) and its service's balancer. */
  private sendAttempt(c: number): void {
    const t = this.requests, svc = this.services[t.service[c]], e = t.edge[c], edge = this.edges[e];
    if ((edge.maxConcurrent > 0 && edge.inFlight >= edge.maxConcurrent) || (edge.breaker !== null && !edge.breaker.permits())) {
      // Refused at once, before reaching the service: a fast failure the caller handles as any other.
      t.attempts[c]++;
      if (t.measured[c]) {
        edge.counters.attempts++;
        edge.counters.refused++;
        if (t.parent[c] === -1) this.stats.attemptsSent++;
      }
      this.observer?.refused(c);
      this.callAttemptEnded(c, A.Rejected);
      return;
    }
    edge.inFlight++;
    const a = t.alloc();
    t.permit[a] = 1;
    t.wasted[a] = t.wasted[c];
    t.heldMs[a] = 0;
    t.call[a] = c;
    t.nextAttempt[a] = t.attempt[c];
    t.attempt[c] = a;
    t.liveAttempts[c]++;
    t.netId[a] = -1;
    t.returning[a] = 0;
    t.degraded[a] = 0;
    t.limited[a] = 0;
    t.service[a] = svc.index;
    t.edge[a] = e;
    t.key[a] = t.key[c];
    t.measured[a] = t.measured[c];
    t.sentMs[a] = this.sim.now;
    t.attempts[c]++;
    t.hedgeHead[a] = -1;
    if (t.measured[c]) {
      this.edges[e].counters.attempts++;
      svc.counters.attempts++;
      svc.counters.inFlight++;
      if (t.parent[c] === -1) this.stats.attemptsSent++;
    }
    this.setCall(c, R.Pending);
    if (edge.net !== null) {
      // On its way to the callee: the caller's timeout runs from now.
      edge.policy.armTimeout(t, a);
      t.netId[a] = this.sim.schedule(this.sim.now + edge.net.delayMs(), EventKind.NetArrive, a);
      return;
    }
    this.arriveAt(a);
  }

  /** Attempt `a` reaches its service (at once, or after its edge's latency): the service's balancer picks a server. */
  private arriveAt(a: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    t.sentMs[a] = this.sim.now;
    const b = svc.fleet.instanceFor();
    t.balancer[a] = b;
    if (svc.fleet.sparse) svc.fleet.materialize(b);
    const local = svc.fleet.balancers[b].pick(t.key[a]);
    this.dispatch(a, local < 0 ? -1 : svc.lo + local, b);
  }

  /** Attempt `a` reaches server `s` (-1: none eligible). */
  private dispatch(a: number, s: number, b: number): void {
    const t = this.requests, pool = this.pool;
    t.limited[a] = 0;
    if (s < 0) return this.attemptEnded(a, A.Rejected);
    t.server[a] = s;
    const svc = this.services[t.service[a]];
    if (this.health !== null && !this.health.reachable(s)) return this.attemptEnded(a, A.Failed); // down: refused at once
    if (svc.limit !== null) {
      if (!svc.limit.tryAcquire(s - svc.lo, t.measured[a])) return this.attemptEnded(a, A.Rejected); // over the limit: refused at once
      t.limited[a] = 1;
      t.admittedMs[a] = this.sim.now;
    }
    const begin = pool.inService[s] < pool.concurrency[s];
    if (!begin && pool.queueLimit[s] >= 0 && pool.queueLength[s] >= pool.queueLimit[s]) {
      pool.dropped[s]++;
      return this.attemptEnded(a, A.Dropped);
    }
    t.counted[a] = 1;
    svc.fleet.sent(b, s - svc.lo);
    t.atServer[a] = 1;
    t.step[a] = 0;
    const edge = this.edges[t.edge[a]];
    if (edge.net === null) edge.policy.armTimeout(t, a); // (with a network, armed when sent)
    if (begin) {
      this.pool.startService(s);
      this.start(a);
    } else this.queue(a, s);
  }

  private queue(a: number, s: number): void {
    const t = this.requests;
    this.setAttempt(a, A.Pending);
    t.queuedMs[a] = this.sim.now;
    this.pool.enqueue(s, a, t.nextInQueue, t.prevInQueue);
  }

  /** Attempt `a` has taken a slot of its server: it runs its handler from its current step. */
  private start(a: number): void {
    this.setAttempt(a, A.InService);
    this.requests.holding[a] = 1;
    this.requests.startMs[a] = this.sim.now;
    if (this.hooks !== null && this.requests.step[a] === 0 && this.hooked[this.requests.service[a]] === 1) this.hooks.attemptStarted(a);
    this.runSteps(a);
  }

  /** Runs attempt `a`'s handler from its current step until it must wait (work, calls) or is done. */
  private runSteps(a: number): void {
    const t = this.requests, svc = this.services[t.service[a]], steps = svc.steps;
    for (;;) {
      const k = t.step[a];
      if (k >= steps.length) return this.complete(a);
      const step = steps[k];
      if (step.kind === WORK) {
        const s = t.server[a], now = this.sim.now;
        const endMs = now + step.dist!.sample(svc.rng) / (this.health === null ? this.pool.speed[s] : this.health.speed(s));
        t.endMs[a] = endMs;
        t.departId[a] = this.sim.schedule(endMs, EventKind.Departure, a);
        return;
      }
      if (step.kind === FAIL) {
        if (this.coin.next() < step.p) return this.fail(a);
        t.step[a] = k + 1;
        continue;
      }
      if (step.p < 1 && this.coin.next() >= step.p) {
        t.step[a] = k + 1; // the call is not made this time
        continue;
      }
      t.waiting[a] = step.edges.length;
      t.okCalls[a] = 0;
      t.failedCalls[a] = 0;
      t.need[a] = step.need;
      if (!step.hold) this.release(a);
      const outer = this.launching;
      this.launching = a;
      for (const e of step.edges) {
        const c = t.alloc();
        t.wasted[c] = t.wasted[a];
        t.measured[c] = t.measured[a];
        t.key[c] = t.key[a];
        this.newCall(c, a, e);
        t.nextHedge[c] = t.hedgeHead[a];
        t.hedgeHead[a] = c;
        this.sendAttempt(c);
      }
      this.launching = outer;
      this.weigh(a);
      return;
    }
  }

  /** Attempt `a` gives its slot up while it waits for its calls (hold: false). */
  private release(a: number): void {
    const t = this.requests;
    if (!t.holding[a]) return;
    this.unhold(a);
    this.freeSlot(t.server[a]);
  }

  /** A work step of `a` is done. */
  private workDone(a: number): void {
    const t = this.requests;
    t.departId[a] = -1;
    t.step[a]++;
    this.runSteps(a);
  }

  /** Call `c` of attempt `a` ended; `ok` when it succeeded. */
  private callReturned(a: number, c: number, ok: boolean): void {
    const t = this.requests;
    this.requests.unlinkCall(a, c);
    t.waiting[a]--;
    if (!ok && this.services[t.service[a]].steps[t.step[a]].fallback) {
      ok = true; // a fallback answers instead: the attempt goes on, degraded
      t.degraded[a] = 1;
      if (t.measured[a]) {
        this.edges[t.edge[c]].counters.fallbacks++; // (c's row is free, its fields still as they were)
        this.services[t.service[a]].counters.fallbacks++;
      }
    }
    if (ok) t.okCalls[a]++;
    else t.failedCalls[a]++;
    if (a !== this.launching) this.weigh(a);
  }

  /** Attempt `a`'s calls so far: enough succeeded (go on), too many failed (fail), or wait. */
  private weigh(a: number): void {
    const t = this.requests;
    if (t.okCalls[a] >= t.need[a]) {
      this.abandonCalls(a); // `need` met: the rest are not waited for
      t.step[a]++;
      this.resume(a);
    } else if (t.okCalls[a] + t.waiting[a] < t.need[a]) {
      this.abandonCalls(a);
      this.fail(a);
    }
  }

  /** Attempt `a` goes on after its calls: on its slot, or queued again at its server (hold: false). */
  private resume(a: number): void {
    const t = this.requests, s = t.server[a], pool = this.pool;
    if (t.holding[a]) return this.runSteps(a);
    if (this.health !== null && pool.state[s] === ServerState.Failed) return this.fail(a); // its server failed meanwhile
    if (t.step[a] >= this.services[t.service[a]].steps.length) return this.complete(a);
    if (pool.inService[s] < pool.concurrency[s] && pool.queueLength[s] === 0) {
      pool.startService(s);
      this.start(a);
    } else this.queue(a, s);
  }

  /** Attempt `a`'s handler is done: it succeeds at its server. */
  private complete(a: number): void {
    const t = this.requests, s = t.server[a];
    if (this.hooks !== null && this.hooked[t.service[a]] === 1 && !this.hooks.attemptOutcome(a)) return this.fail(a);
    this.pool.completed[s]++;
    this.stats.serverCompletions++;
    if (t.holding[a]) {
      this.unhold(a);
      this.leaveServer(a);
      this.freeSlot(s);
    } else this.leaveServer(a);
    this.attemptEnded(a, A.Succeeded);
  }

  /** Attempt `a` fails at its server (a call it needed failed). */
  private fail(a: number): void {
    const t = this.requests, s = t.server[a];
    this.leaveServer(a);
    if (t.holding[a]) {
      this.unhold(a);
      this.freeSlot(s);
    }
    this.attemptEnded(a, A.Failed);
  }

  /**
   * Attempt `a` gives its slot up: the time it held it is counted, as wasted work when nobody
   * waits for its result (its caller gave up, or it works for such a caller).
   */
  private unhold(a: number): void {
    const t = this.requests, held = this.sim.now - t.startMs[a];
    t.holding[a] = 0;
    t.heldMs[a] += held;
    if (t.wasted[a]) {
      this.stats.wastedWorkMs += held;
      if (t.measured[a]) this.services[t.service[a]].counters.wastedWorkMs += held;
    }
  }

  /** Attempt `a`'s result is not awaited any more: it, and every call it waits for, works in vain from now. */
  private markWasted(a: number): void {
    const t = this.requests;
    if (t.wasted[a]) return;
    t.wasted[a] = 1;
    for (let c = t.hedgeHead[a]; c >= 0; c = t.nextHedge[c]) {
      t.wasted[c] = 1;
      for (let x = t.attempt[c]; x >= 0; x = t.nextAttempt[x]) this.markWasted(x);
    }
  }

  /** Attempt `a` no longer counts at its server's balancer (it is done there). */
  private leaveServer(a: number): void {
    const t = this.requests;
    t.atServer[a] = 0;
    if (t.counted[a] === 1) {
      t.counted[a] = 0;
      const svc = this.services[t.service[a]];
      svc.fleet.released(t.balancer[a], t.server[a] - svc.lo);
    }
  }

  /** A slot of server `s` is free: the next waiting attempt (FIFO, LIFO) takes it after this event's work. */
  private freeSlot(s: number): void {
    if (this.pool.queueLength[s] === 0) this.pool.endService(s);
    else this.handoffs.push(s);
  }

  /** Attempt `a` no longer holds its edge's permit: the bulkhead frees a place, the breaker records the outcome. */
  private releasePermit(a: number, failed: boolean, record = true): void {
    const t = this.requests;
    if (t.permit[a] === 0) return;
    t.permit[a] = 0;
    const edge = this.edges[t.edge[a]];
    edge.inFlight--;
    if (record) edge.breaker?.record(failed);
  }

  /** Attempt `a` no longer counts against its server's concurrency limit, which learns how it went. */
  private releaseLimit(a: number, outcome: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    t.limited[a] = 0;
    svc.limit!.release(t.server[a] - svc.lo, this.sim.now - t.admittedMs[a], outcome);
  }

  /** The balancer that sent attempt `a` learns how it went (policies that learn from outcomes). */
  private observe(a: number, latencyMs: number, ok: boolean): void {
    const t = this.requests, svc = this.services[t.service[a]];
    if (svc.fleet.observes && t.server[a] >= 0) svc.fleet.balancers[t.balancer[a]].observe!(t.server[a] - svc.lo, latencyMs, ok);
    if (this.health !== null && t.server[a] >= 0 && latencyMs === latencyMs) this.health.of(t.server[a])?.monitor.observe(t.server[a] - svc.lo, ok); // outlier detection
  }

  /**
   * Server `s` just failed (see TopologyHealth): the attempts waiting there, then those working or
   * waiting for their calls there, fail; their calls still out are abandoned.
   */
  abortServer(s: number): void {
    const pool = this.pool, t = this.requests;
    const k = this.health!.of(s)!.counts;
    for (let a = pool.queueHead[s]; a >= 0; a = pool.queueHead[s]) {
      pool.remove(s, a, t.nextInQueue, t.prevInQueue);
      if (t.measured[a]) k.aborted++;
      this.abandonCalls(a);
      this.fail(a);
    }
    // Attempts at it otherwise: found by scanning the table (failures are rare; no per-server list).
    for (let a = 0; a < t.size; a++) {
      if (t.server[a] !== s || t.atServer[a] !== 1 || t.call[a] === a) continue;
      if (t.measured[a]) k.aborted++;
      t.departId[a] = -1;
      this.abandonCalls(a);
      if (t.atServer[a] === 1) this.fail(a);
    }
  }

  /** Attempt `a` ended in `state`; its call learns of it (unless nobody waits any more). */
  private attemptEnded(a: number, state: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    if (this.hooks !== null && this.hooked[svc.index] === 1) this.hooks.attemptEnded(a);
    if (t.limited[a]) this.releaseLimit(a, state === A.Succeeded ? LimitOutcome.Ok : state === A.Dropped ? LimitOutcome.Dropped : LimitOutcome.Ignored);
    const c = t.call[a], net = this.edges[t.edge[a]].net;
    if (c < 0 || net === null) this.releasePermit(a, state !== A.Succeeded);
    if (state !== A.Succeeded && state !== A.Failed) this.leaveServer(a);
    this.observe(a, this.sim.now - t.sentMs[a], state === A.Succeeded);
    this.setAttempt(a, state);
    if (t.measured[a]) {
      const k = svc.counters;
      k.inFlight--;
      if (state === A.Succeeded) {
        k.succeeded++;
        k.latency.add(this.sim.now - t.sentMs[a]);
        k.latencyHistogram.record(this.sim.now - t.sentMs[a]);
      } else if (state === A.Failed) k.failed++;
      else if (state === A.Dropped) k.dropped++;
      else if (state === A.Rejected) k.rejected++;
    }
    if (c < 0) {
      this.freeAttempt(a);
      this.checkFinished();
      return;
    }
    t.outcome[a] = state;
    if (net === null) return this.answered(a);
    // The answer travels back, unless it is lost: then only a timeout or the deadline ends the attempt.
    t.returning[a] = 1;
    if (net.lost()) {
      if (t.measured[a]) this.edges[t.edge[a]].counters.lost++;
      return;
    }
    t.netId[a] = this.sim.schedule(this.sim.now + net.delayMs(), EventKind.NetReturn, a);
  }

  /** The caller hears attempt `a`'s answer (its outcome, at once or over the network): the attempt is done. */
  private answered(a: number): void {
    const t = this.requests, c = t.call[a], state = t.outcome[a];
    this.releasePermit(a, state !== A.Succeeded);
    if (state === A.Succeeded && t.degraded[a]) t.degraded[c] = 1;
    this.requests.unlinkAttempt(c, a);
    this.freeAttempt(a);
    this.callAttemptEnded(c, state);
  }

  /** Frees attempt row `a`, its timers forgotten. */
  private freeAttempt(a: number): void {
    const t = this.requests;
    t.timeoutId[a] = -1;
    t.netId[a] = -1;
    t.returning[a] = 0;
    t.release(a);
  }

  /**
   * Call `c` ends while attempts of it are still out (hedges that lost the race, or it is not
   * needed any more): withdrawn over an edge with cancel, else they run on for nobody; an answer on
   * its way back is dropped.
   */
  private dropAttempts(c: number, cancel: boolean): void {
    const t = this.requests;
    for (let a = t.attempt[c]; a >= 0; ) {
      const next = t.nextAttempt[a];
      t.call[a] = -1;
      t.timeoutId[a] = -1;
      if (t.returning[a]) {
        this.releasePermit(a, false, false);
        this.freeAttempt(a);
      } else if (cancel) this.withdraw(a, false);
      else this.markWasted(a);
      a = next;
    }
    t.attempt[c] = -1;
    t.liveAttempts[c] = 0;
  }

  /** Call `c`'s hedge delay passed: another attempt goes out while the ones out are unanswered (first answer wins). */
  private hedge(c: number): void {
    const t = this.requests, edge = this.edges[t.edge[c]];
    t.hedgeId[c] = -1;
    if (t.liveAttempts[c] === 0 || t.parent[c] === ORPHAN) return; // in backoff (the retry comes), or nobody waits
    if (t.attempts[c] - 1 - t.retries[c] >= edge.policy.config!.hedge!.max) return; // hedges sent = attempts − first − retries
    if (t.measured[c]) {
      edge.counters.hedges++;
      if (t.parent[c] === -1) this.stats.hedges++;
    }
    // The next one is due first: the call may end (and its row be reused) while this one is sent.
    edge.policy.scheduleHedge(t, c, edge.counters.latencyHistogram);
    this.sendAttempt(c);
  }

  /** Call `c`'s deadline passed: its attempts out are given up on, as by a timeout, and it ends timed out. */
  private deadline(c: number): void {
    const t = this.requests, cancel = this.edges[t.edge[c]].policy.config?.cancel === true;
    t.deadlineId[c] = -1;
    for (let a = t.attempt[c]; a >= 0; ) {
      const next = t.nextAttempt[a];
      this.observer?.timedOut(a);
      t.timeoutId[a] = -1;
      this.releasePermit(a, true);
      t.call[a] = -1;
      if (t.returning[a]) this.freeAttempt(a);
      else {
        this.markWasted(a);
        if (t.measured[a]) this.services[t.service[a]].counters.abandoned++;
        if (cancel) this.withdraw(a, true);
      }
      a = next;
    }
    t.attempt[c] = -1;
    t.liveAttempts[c] = 0;
    this.finishCall(c, R.TimedOut);
  }

  /** The caller of call `c` sees its attempt end in `state`. */
  private callAttemptEnded(c: number, state: number): void {
    const t = this.requests, e = t.edge[c];
    if (state === A.Succeeded) return this.finishCall(c, R.Succeeded);
    if (t.liveAttempts[c] > 0) return; // a hedge is still out: its answer may yet come
    if (t.parent[c] !== ORPHAN && this.edges[e].policy.retry(t, c)) {
      this.setCall(c, R.Backoff);
      return;
    }
    this.finishCall(c, state === A.TimedOut ? R.TimedOut : state === A.Dropped ? R.Dropped : state === A.Rejected ? R.Rejected : R.Failed);
  }

  /** The caller stops waiting for attempt `a` (its edge's timeout). */
  private attemptTimeout(a: number): void {
    const t = this.requests, c = t.call[a];
    this.observer?.timedOut(a);
    t.timeoutId[a] = -1;
    this.releasePermit(a, true);
    this.requests.unlinkAttempt(c, a);
    if (t.returning[a]) {
      this.freeAttempt(a); // done at its server: its answer is late, or lost
    } else {
      t.call[a] = -1; // runs on unless cancelled: nobody waits for it
      this.markWasted(a);
      if (t.measured[a]) this.services[t.service[a]].counters.abandoned++;
      if (this.edges[t.edge[a]].policy.config?.cancel) this.withdraw(a, true);
    }
    this.callAttemptEnded(c, A.TimedOut);
  }

  /**
   * Attempt `a`, which nobody waits for, is withdrawn from its server: its caller timed out
   * (`timedOut`: a failure for the edge's breaker) or does not need it any more (no outcome to
   * record). Its own calls are abandoned in turn (withdrawn over edges with cancel).
   */
  private withdraw(a: number, timedOut: boolean): void {
    const t = this.requests, pool = this.pool, s = t.server[a];
    if (this.hooks !== null && this.hooked[t.service[a]] === 1) this.hooks.attemptEnded(a);
    this.releasePermit(a, true, timedOut);
    if (t.limited[a]) this.releaseLimit(a, timedOut ? LimitOutcome.Dropped : LimitOutcome.Ignored);
    this.observe(a, NaN, false); // no response to learn from
    this.abandonCalls(a);
    if (t.measured[a]) {
      const k = this.services[t.service[a]].counters;
      k.cancelled++;
      k.inFlight--;
    }
    if (t.state[a] === A.Pending && t.atServer[a]) pool.remove(s, a, t.nextInQueue, t.prevInQueue);
    t.departId[a] = -1;
    const held = t.holding[a] === 1;
    if (held) {
      t.wasted[a] = 1; // withdrawn: the time it held its slot was for nothing
      this.unhold(a);
    }
    this.leaveServer(a);
    this.setAttempt(a, A.Cancelled);
    this.freeAttempt(a);
    if (held) this.freeSlot(s);
    this.checkFinished();
  }

  /** Attempt `a`'s calls still out are not waited for any more: withdrawn (edge cancel) or orphaned. */
  private abandonCalls(a: number): void {
    const t = this.requests;
    for (let c = t.hedgeHead[a]; c >= 0; ) {
      const next = t.nextHedge[c];
      t.parent[c] = ORPHAN;
      if (t.retryId[c] >= 0) {
        t.retryId[c] = -1; // in backoff: no retry will come
        this.finishCall(c, R.Failed, true);
      } else if (t.attempt[c] >= 0 && this.edges[t.edge[c]].policy.config?.cancel) {
        this.dropAttempts(c, true);
        this.finishCall(c, R.Failed, true);
      } else {
        for (let x = t.attempt[c]; x >= 0; x = t.nextAttempt[x]) this.markWasted(x); // they run on, for nobody
      }
      c = next;
    }
    t.hedgeHead[a] = -1;
  }

  /** Call `c` ends in `to`: counted on its edge, and its caller (an attempt, or the client) learns of it. */
  private finishCall(c: number, to: number, cancelled = false): void {
    const t = this.requests, e = t.edge[c], now = this.sim.now;
    this.setCall(c, to);
    if (t.attempt[c] >= 0) this.dropAttempts(c, this.edges[e].policy.config?.cancel === true); // hedges that lost
    t.retryId[c] = -1;
    t.deadlineId[c] = -1;
    t.hedgeId[c] = -1;
    if (t.measured[c]) {
      const k = this.edges[e].counters;
      k.inFlight--;
      if (cancelled) k.cancelled++;
      else if (to === R.Succeeded) {
        k.succeeded++;
        k.latency.add(now - t.arrivalMs[c]);
        k.latencyHistogram.record(now - t.arrivalMs[c]);
      } else if (to === R.Failed) k.failed++;
      else if (to === R.TimedOut) k.timedOut++;
      else if (to === R.Dropped) k.dropped++;
      else if (to === R.Rejected) k.rejected++;
    }
    const parent = t.parent[c], degraded = to === R.Succeeded && t.degraded[c] === 1;
    if (parent === -1) {
      if (degraded && t.measured[c]) this.degraded++;
      if (to === R.Succeeded) this.stats.successes++;
      if (t.measured[c]) this.stats.ended(to, now - t.arrivalMs[c]);
    }
    t.parent[c] = ORPHAN;
    const client = parent === -1 ? t.client[c] : -1;
    t.release(c);
    if (parent >= 0) {
      if (degraded) t.degraded[parent] = 1;
      this.callReturned(parent, c, to === R.Succeeded);
    } else if (parent === EXTERNAL) {
      this.hooks!.callDone(c, to === R.Succeeded);
      this.checkFinished();
    } else {
      if (client >= 0) this.arrivalsEnd(this.workload.clientFree(client, now)); // a closed-loop user thinks, then sends again
      this.checkFinished();
    }
  }

  private checkFinished(): void {
    if (this.finished()) this.sim.stop();
  }

  /**
   * A call's and an attempt's state, by TOPOLOGY_CALL_MACHINE and TOPOLOGY_ATTEMPT_MACHINE
   * (checked when `checked`), counted in `Summary.transitions` (request: calls over every edge;
   * attempt: attempts at every service). A call stays pending while a hedge joins its attempts.
   */
  private setCall(c: number, to: number): void {
    const t = this.requests, from = t.callState[c];
    if (from === to && to !== R.Backoff) return;
    if (this.checked) checkTransition(TOPOLOGY_CALL_MACHINE, CALL_ALLOWED, from, to, c);
    t.callState[c] = to;
    if (t.measured[c]) this.stats.requestTransitions[from * NREQ + to]++;
  }

  private setAttempt(a: number, to: number): void {
    const t = this.requests, from = t.state[a];
    if (this.checked) checkTransition(TOPOLOGY_ATTEMPT_MACHINE, ATTEMPT_ALLOWED, from, to, a);
    t.state[a] = to;
    if (t.measured[a]) this.stats.attemptTransitions[from * NATT + to]++;
    this.observer?.attempt(a, to);
  }
}
