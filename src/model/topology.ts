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
 *
 * The model is one class, TopologyModel (its public face and the event dispatch, here), built as a
 * chain of superclasses, one concern each, so that every call stays monomorphic: TopologyCore
 * (state, construction, the state machines: topology-core.ts) → TopologyServers (slots, limits,
 * failures at servers: topology-servers.ts) → TopologyAttempts (an attempt's way through a server:
 * topology-attempts.ts) → TopologyCalls (a call's side: attempts sent, hedges, deadlines, timeouts,
 * retries, its end: topology-calls.ts) → TopologyModel.
 */
import { EventLimitError, TimeLimitError, type Handler } from '../engine/simulation.js';
import type { Rng } from '../random/rng.js';
import type { ArrivalSpec } from './arrivals.js';
import type { ClosedLoopSpec } from './workload.js';
import type { ServerSpec } from './server-pool.js';
import { InFlightLimitError } from './request-table.js';
import * as rows from './request-table.js';
import type { ClientConfig } from './client.js';
import type { BalancerFleet } from './balancer-view.js';
import type { KeySpec } from './workload.js';
import { EventKind } from './event-kind.js';
import { RunLimitError, timeLimitError } from './run-limit-error.js';
import type { ConcurrencyLimit, LimitConfig } from './concurrency-limit.js';
import type { FailureConfig } from './failures.js';
import type { HealthConfig } from './health.js';
import type { CallCounters, EdgePolicy } from './topology-edge.js';
import type { Step, StepConfig } from './topology-steps.js';
import { TopologyCalls } from './topology-calls.js';
import { EXTERNAL } from './topology-core.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { F_DEPART_ID, F_TIMEOUT_ID, I_KEY, I_MEASURED, I_RETRIES, ROW_F64, ROW_I32 } = rows;
/** The event kinds as module constants, which V8 folds (an imported binding it loads and checks at every use, here in every case of `handle`). */
const {
  Arrival: K_ARRIVAL, AttemptTimeout: K_ATTEMPT_TIMEOUT, Deadline: K_DEADLINE, Departure: K_DEPARTURE, Hedge: K_HEDGE, NetArrive: K_NET_ARRIVE,
  NetReturn: K_NET_RETURN, Retry: K_RETRY, WarmupEnd: K_WARMUP_END, WindowEnd: K_WINDOW_END, Workflow: K_WORKFLOW,
} = EventKind;

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
  /**
   * Several entry services, each with its own arrivals (random streams "arrivals@<name>",
   * "keys@<name>"), keys and client → entry edge policy ("client-><name>"); edge k is entry k's.
   * When given, `entry`, `arrivals`, `keys` and `client` are ignored (the parser sets `entry` and
   * `arrivals` to the first entry's). `stop.requests` bounds each entry's arrivals.
   */
  entries?: readonly EntryConfig[];
}

/** An entry service with its own arrivals and client (TopologyConfig.entries). */
export interface EntryConfig {
  name: string;
  arrivals: ArrivalSpec | ClosedLoopSpec;
  keys?: KeySpec;
  client?: ClientConfig;
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
  /** An entry request arrived at entry `entry` (its index in `entries`; 0 with one entry). */
  arrived(entry: number): void;
  /** External call `c` ended (after its edge's retries): succeeded or not. */
  callDone(c: number, ok: boolean): void;
  /** Attempt `a` was sent to a hooked service over an edge with latency: on its way (then attemptQueued or attemptStarted when it arrives, or attemptEnded: refused there, or withdrawn on the way). */
  attemptSent(a: number): void;
  /** Attempt `a` reached a hooked service's server and waits in its queue (attemptStarted when it begins, or attemptEnded). */
  attemptQueued(a: number): void;
  /** Attempt `a` at a hooked service begins its handler. */
  attemptStarted(a: number): void;
  /** Attempt `a` at a hooked service finished its handler: true to succeed, false to fail. */
  attemptOutcome(a: number): boolean;
  /** Attempt `a` at a hooked service ended (any way: answered, failed, refused, withdrawn). */
  attemptEnded(a: number): void;
  /** Instances still running: the run is not finished while there are any. */
  live(): number;
  /** The event being handled is over (the layer checks what its steps touched, once per event). */
  settle(): void;
}

export class TopologyModel extends TopologyCalls implements Handler {
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
      this.edges.push(this.makeEdge(name, from, to, this.config.calls?.[name], this.edgeSeed(e)));
    }
    return e;
  }

  /** A call over edge `e` for the workflow layer: its row (send it with `sendExternal`; `hooks.callDone` tells its end). */
  externalCall(e: number): number {
    const t = this.requests, c = t.alloc();
    t.i32[c * ROW_I32 + I_MEASURED] = this.stats.measuring ? 1 : 0;
    t.wasted[c] = 0;
    t.i32[c * ROW_I32 + I_KEY] = 0;
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
      case K_ARRIVAL: this.arrive(r); break;
      case K_DEPARTURE: if (t.f64[r * ROW_F64 + F_DEPART_ID] === id) this.workDone(r); break;
      case K_ATTEMPT_TIMEOUT: if (t.f64[r * ROW_F64 + F_TIMEOUT_ID] === id) this.attemptTimeout(r); break;
      case K_RETRY:
        if (t.retryId[r] === id) {
          t.retryId[r] = -1;
          t.i32[r * ROW_I32 + I_RETRIES]++;
          if (t.i32[r * ROW_I32 + I_MEASURED]) {
            this.edges[t.edge[r]].counters.retries++;
            if (t.parent[r] === -1) this.stats.retries++;
          }
          this.sendAttempt(r);
        }
        break;
      case K_DEADLINE: if (t.deadlineId[r] === id) this.deadline(r); break;
      case K_HEDGE: if (t.hedgeId[r] === id) this.hedge(r); break;
      case K_NET_ARRIVE: if (t.netId[r] === id) { t.netId[r] = -1; this.arriveAt(r); } break;
      case K_NET_RETURN: if (t.netId[r] === id) { t.netId[r] = -1; this.answered(r); } break;
      case K_WARMUP_END: if (!this.stats.windowClosed) this.stats.warmupEnded(); break;
      case K_WINDOW_END: this.stats.closeWindow(this.sim.now); break;
      case K_WORKFLOW: this.hooks!.timer(r); break;
      default: if (this.health !== null) this.health.handle(kind, r, id); // failures, health checks
    }
    if (this.handoffs.length > 0) this.handOff();
    if (this.hooks !== null) this.hooks.settle();
  }
}
