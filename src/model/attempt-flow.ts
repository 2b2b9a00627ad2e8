/**
 * An attempt's way to a server and through it: arrival of the request, the balancer's pick,
 * admission or drop at a server, service, the end of the attempt at the server, and the request
 * state that follows its attempts' states. The client's side (what it does about each outcome:
 * retries, hedges, timeouts, the end of the request) is RequestFlow's, which extends this class.
 *
 * The short path (`shortArrival`, `shortDeparture`) is built from the same helpers as the general
 * handlers (`admitted`, `serveQueued`, the client's timers; `completed` written out without the
 * stores `alloc` redoes on a row freed at once) without the branches the common case (an attempt
 * taken by a server that is up, succeeding as the request's only copy) cannot take; tests hold
 * both paths to byte-identical summaries.
 */
import type { Simulation } from '../engine/simulation.js';
import { Discipline, type ServerPool } from './server-pool.js';
import * as servers from './server-pool.js';
import type { RequestTable } from './request-table.js';
import {
  ATTEMPT_MACHINE, AttemptState, REQUEST_MACHINE, RequestState, ServerState, transitionTable, checkTransition,
} from './states.js';
import type { Balancer } from '../balancers/balancer.js';
import { NATT, NREQ, type Stats } from './stats.js';
import type { Workload } from './workload.js';
import type { BalancerFleet } from './balancer-view.js';
import type { FailureProcess } from './failures.js';
import type { HealthMonitor } from './health-monitor.js';
import type { ClientPolicy } from './client-policy.js';
import { EventKind } from './event-kind.js';
import type { ModelObserver } from './model-observer.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const {
  F_ARRIVAL, F_COST, F_DEPART_ID, F_END, F_SENT, F_START, I_ATTEMPTS, I_AT_SERVER, I_BALANCER,
  I_CALL, I_CALL_STATE, I_CLIENT, I_COUNTED, I_HEDGE_HEAD, I_KEY, I_LIVE_ATTEMPTS, I_MEASURED, I_NEXT_HEDGE,
  I_NEXT_IN_QUEUE, I_PREV_IN_QUEUE, I_SERVER, I_STATE, ROW_F64, ROW_I32
} = rows;

const R = RequestState;
const A = AttemptState;
/** Imported bindings the hot code reads, as module constants too (an import is loaded from its module cell, with a TDZ check, at every use). */
const N_REQ = NREQ, N_ATT = NATT, FAILED = ServerState.Failed, RECOVERING = ServerState.Recovering;
const FIFO = Discipline.Fifo, LIFO = Discipline.Lifo, DEPARTURE = EventKind.Departure;
/**
 * States the hot code tests on paths a run may first take long after V8 optimized it (the first
 * request to time out or retry), as module constants, and those tests as one comparison that
 * always runs: an operation V8 never executed (a property read, a comparison) has no feedback,
 * and reaching it then discards the optimized code that inlined it, to be recompiled.
 */
const R_SUCCEEDED = R.Succeeded, R_REJECTED = R.Rejected, R_BACKOFF = R.Backoff;
const A_IN_SERVICE = A.InService, A_PENDING = A.Pending;
/** The server row's layout (server-pool.ts), likewise. */
const {
  SERVER_ROW_F64: SF, SERVER_ROW_I32: SI, S_SPEED, S_COMPLETED, S_IN_SERVICE, S_CONCURRENCY, S_QUEUE_LIMIT, S_QUEUE_LENGTH,
  S_QUEUE_HEAD, S_QUEUE_TAIL, S_SERVING, S_DISCIPLINE,
} = servers;
const REQUEST_ALLOWED = transitionTable(REQUEST_MACHINE);
const ATTEMPT_ALLOWED = transitionTable(ATTEMPT_MACHINE);

/** The error of a service that would end before it began (out of line, like checkTransition). */
function endsBeforeNow(r: number, endMs: number, now: number): RangeError {
  return new RangeError(`request ${r} would end at ${endMs} ms, before now (${now} ms)`);
}

export abstract class AttemptFlow {
  /** When true every request and attempt transition is checked against its machine. */
  checked = false;
  observer: ModelObserver | null = null;
  protected readonly balancers: Balancer[];
  protected readonly observes: boolean;

  constructor(
    protected readonly sim: Simulation,
    protected readonly pool: ServerPool,
    protected readonly requests: RequestTable,
    protected readonly stats: Stats,
    protected readonly workload: Workload,
    protected readonly fleet: BalancerFleet,
    protected readonly failures: FailureProcess,
    protected readonly monitor: HealthMonitor,
    protected readonly client: ClientPolicy,
    /** Added to the event budget at each arrival (0 when `stop.maxEvents` fixes it). */
    protected readonly eventsPerArrival: number,
  ) {
    this.balancers = fleet.balancers;
    this.observes = fleet.observes;
  }

  /** True when no request will arrive any more and none is in flight: the run is over. */
  finished(): boolean {
    return this.workload.arrivalsDone && this.requests.live === 0;
  }

  // ---------------------------------------------------------------- arrivals

  /** The arrivals ended (`endMs` a number) or not (NaN): the window ends then; the run may be over. */
  arrivalsEnd(endMs: number): void {
    if (endMs !== endMs) return;
    this.stats.arrivalsEnded(endMs);
    if (this.finished()) this.sim.stop();
  }

  /** A request arrives from `source` (a closed-loop client, or 0): its row, cost, key and counts. */
  private admit(source: number): number {
    const table = this.requests, stats = this.stats;
    const r = table.alloc();
    this.sim.eventLimit += this.eventsPerArrival;
    const end = this.workload.admit(table, r, source);
    if (end === end) this.arrivalsEnd(end);
    table.f64[r * ROW_F64 + F_ARRIVAL] = this.sim.now;
    const measured = stats.measuring ? 1 : 0;
    table.i32[r * ROW_I32 + I_MEASURED] = measured;
    if (measured) {
      stats.arrived++;
      stats.inFlight++;
    }
    return r;
  }

  arrive(source: number): void {
    const r = this.admit(source);
    if (this.client.config) this.client.arrived(this.requests, r, this.stats.latency);
    this.sendAttempt(r, r);
  }

  /**
   * An arrival on the short path: `arrive` → `sendAttempt` → `dispatch` for a server that is up
   * and takes it, with the client's timers set in the same order (deadline and first hedge, then
   * the attempt's timeout once the server has it).
   */
  shortArrival(source: number): void {
    const table = this.requests, pool = this.pool;
    const p = this.admit(source);
    if (this.client.config) this.client.arrived(table, p, this.stats.latency);
    const i = table.i32, pi = p * ROW_I32; // the row is allocated: the views stay (nothing below allocates)
    i[pi + I_ATTEMPTS] = 1;
    i[pi + I_LIVE_ATTEMPTS] = 1;
    i[pi + I_AT_SERVER] = 1;
    table.f64[p * ROW_F64 + F_SENT] = this.sim.now;
    if (i[pi + I_MEASURED]) this.stats.attemptsSent++;
    const b = this.balancers.length === 1 ? 0 : this.fleet.instanceFor(); // one instance: no call
    i[pi + I_BALANCER] = b;
    if (this.fleet.sparse) this.fleet.materialize(b);
    const s = this.balancers[b].pick(i[pi + I_KEY]);
    if (s < 0 || pool.state[s] === FAILED || this.failures.awaitingTraffic[s] === 1) {
      this.dispatch(p, p, b, s);
      return;
    }
    const si = s * SI, sv = pool.i32; // the server's row
    const begin = sv[si + S_IN_SERVICE] < sv[si + S_CONCURRENCY];
    if (!begin && sv[si + S_QUEUE_LIMIT] >= 0 && sv[si + S_QUEUE_LENGTH] >= sv[si + S_QUEUE_LIMIT]) {
      this.dispatch(p, p, b, s); // dropped
      return;
    }
    i[pi + I_SERVER] = s;
    this.admitted(p, b, s, begin);
    this.client.armTimeout(table, p);
    // syncRequest of a request with one attempt: its state follows the attempt's.
    const to = i[pi + I_STATE]; // A.InService / A.Pending: the same numbers as R.InService / R.Pending
    i[pi + I_CALL_STATE] = to;
    if (i[pi + I_MEASURED]) this.stats.requestTransitions[R.Initiated * N_REQ + to]++;
  }

  // ---------------------------------------------------------------- attempts

  /** Sends an attempt of request `p` held by row `r` (`r === p`, or a fresh hedge row). */
  sendAttempt(p: number, r: number): void {
    const table = this.requests, i = table.i32, pi = p * ROW_I32, ri = r * ROW_I32;
    if (r === p && i[pi + I_ATTEMPTS] > 0) i[ri + I_STATE] = A.Initiated; // a retry: a new attempt on the same row
    if (this.workload.perAttemptCost && (r !== p || i[pi + I_ATTEMPTS] > 0)) table.f64[r * ROW_F64 + F_COST] = this.workload.attemptCost();
    i[ri + I_SERVER] = -1;
    i[pi + I_ATTEMPTS]++;
    i[pi + I_LIVE_ATTEMPTS]++;
    i[ri + I_AT_SERVER] = 1;
    table.f64[r * ROW_F64 + F_SENT] = this.sim.now;
    if (i[pi + I_MEASURED]) this.stats.attemptsSent++;
    const b = this.fleet.instanceFor();
    i[ri + I_BALANCER] = b;
    if (this.fleet.sparse) this.fleet.materialize(b);
    this.dispatch(p, r, b, this.balancers[b].pick(i[pi + I_KEY]));
  }

  /** Sends row `r`'s attempt (of request `p`), counted at balancer instance `b`, to server `s`. */
  private dispatch(p: number, r: number, b: number, s: number): void {
    const table = this.requests, pool = this.pool, failures = this.failures;
    if (s < 0) {
      this.endAtServer(r, A.Rejected);
      return;
    }
    table.i32[r * ROW_I32 + I_SERVER] = s;
    if (this.observer) this.observer.dispatched?.(r, s);
    if (failures.awaitingTraffic[s] === 1) {
      failures.awaitingTraffic[s] = 0;
      if (this.stats.measuring) this.stats.trafficReturnDelay.add(this.sim.now - failures.repairedAt[s]);
    }
    if (pool.state[s] === FAILED) {
      if (this.stats.measuring) this.stats.sentToFailed++;
      if (this.client.armRefused(table, r)) {
        // The connection hangs until the client's connect timeout.
        table.i32[r * ROW_I32 + I_COUNTED] = 1;
        this.fleet.sent(b, s);
      } else {
        this.endAtServer(r, A.Failed);
      }
      return;
    }
    const si = s * SI, sv = pool.i32;
    const begin = sv[si + S_IN_SERVICE] < sv[si + S_CONCURRENCY];
    if (!begin && sv[si + S_QUEUE_LIMIT] >= 0 && sv[si + S_QUEUE_LENGTH] >= sv[si + S_QUEUE_LIMIT]) {
      pool.dropped[s]++;
      this.endAtServer(r, A.Dropped);
      return;
    }
    this.admitted(r, b, s, begin);
    this.client.armTimeout(table, r);
    this.syncRequest(p);
  }

  /**
   * Server `s` takes row `r`'s attempt, sent by balancer instance `b`: into a free slot (`begin`)
   * or its queue. Shared by `dispatch` and the short path.
   */
  private admitted(r: number, b: number, s: number, begin: boolean): void {
    const table = this.requests, pool = this.pool;
    table.i32[r * ROW_I32 + I_COUNTED] = 1;
    this.fleet.sent(b, s);
    this.setAttempt(r, begin ? A.InService : A.Pending);
    if (begin) {
      pool.startService(s);
      this.beginService(r, s);
    } else {
      pool.enqueue(s, r, table.i32);
    }
  }

  /** Schedules the departure of `r`, which holds one of server `s`'s slots from `now`. */
  private beginService(r: number, s: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now, f = table.f64, rf = r * ROW_F64;
    f[rf + F_START] = now;
    const speed = pool.state[s] === RECOVERING ? this.failures.warmingSpeed(s) : pool.f64[s * SF + S_SPEED];
    const endMs = now + f[rf + F_COST] / speed;
    if (!(endMs >= now)) throw endsBeforeNow(r, endMs, now);
    f[rf + F_END] = endMs;
    f[rf + F_DEPART_ID] = this.sim.schedule(endMs, DEPARTURE, r);
    const sv = pool.i32, si = s * SI, head = sv[si + S_SERVING], i = table.i32, ri = r * ROW_I32;
    i[ri + I_NEXT_IN_QUEUE] = head;
    i[ri + I_PREV_IN_QUEUE] = -1;
    if (head >= 0) i[head * ROW_I32 + I_PREV_IN_QUEUE] = r;
    sv[si + S_SERVING] = r;
  }

  /** The first of server `s`'s rows in service (-1: none); the rest follow through the queue links. */
  protected servingHead(s: number): number {
    return this.pool.i32[s * SI + S_SERVING];
  }

  /** Row `r` holds a slot of server `s`: first in the server's chain of rows in service. */
  protected serve(r: number, s: number): void {
    const sv = this.pool.i32, si = s * SI, head = sv[si + S_SERVING], i = this.requests.i32, ri = r * ROW_I32;
    i[ri + I_NEXT_IN_QUEUE] = head;
    i[ri + I_PREV_IN_QUEUE] = -1;
    if (head >= 0) i[head * ROW_I32 + I_PREV_IN_QUEUE] = r;
    sv[si + S_SERVING] = r;
  }

  /** Row `r` no longer holds a slot of server `s`: out of the server's chain of rows in service. */
  protected unserve(r: number, s: number): void {
    const i = this.requests.i32, ri = r * ROW_I32;
    const n = i[ri + I_NEXT_IN_QUEUE], p = i[ri + I_PREV_IN_QUEUE];
    if (p < 0) this.pool.i32[s * SI + S_SERVING] = n;
    else i[p * ROW_I32 + I_NEXT_IN_QUEUE] = n;
    if (n >= 0) i[n * ROW_I32 + I_PREV_IN_QUEUE] = p;
    i[ri + I_NEXT_IN_QUEUE] = -1;
    i[ri + I_PREV_IN_QUEUE] = -1;
  }

  /** Row `r` finished its service at its server: the server's and balancer's books. Returns the server. */
  private completed(r: number): number {
    const table = this.requests, s = table.i32[r * ROW_I32 + I_SERVER];
    this.unserve(r, s);
    this.pool.f64[s * SF + S_COMPLETED]++;
    this.stats.serverCompletions++;
    table.f64[r * ROW_F64 + F_DEPART_ID] = -1;
    return s;
  }

  depart(r: number): void {
    const table = this.requests;
    const s = this.completed(r);
    if (table.i32[r * ROW_I32 + I_CALL] < 0) this.stats.wastedWorkMs += this.sim.now - table.f64[r * ROW_F64 + F_START];
    this.endAtServer(r, A.Succeeded);
    this.serveNext(s);
  }

  /**
   * A departure on the short path: `depart` → `endAtServer` → `attemptOutcome` → `finishRequest`
   * → `serveNext` for a request's only copy out (no hedge out, not a ghost): it succeeds, its
   * client's pending timers are forgotten, a closed-loop client thinks. Returns true; false,
   * having done nothing, for any other departure (a ghost's, or one of a request with hedges out),
   * which the caller hands to `depart`: that call stays out of this function, whose optimized code
   * V8 would otherwise discard and recompile the first time a run meets one (a call it never
   * executed has no feedback), often long into a run with client timeouts.
   */
  shortDeparture(r: number): boolean {
    const table = this.requests, pool = this.pool, stats = this.stats, i = table.i32, ri = r * ROW_I32;
    if (i[ri + I_CALL] !== r || i[ri + I_HEDGE_HEAD] >= 0) return false;
    // completed, without what alloc resets when the row is taken again (the row is freed below:
    // its departure id, counted flag and queue links); I_AT_SERVER must still be cleared (release
    // requires it).
    const s = i[ri + I_SERVER], n = i[ri + I_NEXT_IN_QUEUE], q = i[ri + I_PREV_IN_QUEUE];
    if (q < 0) pool.i32[s * SI + S_SERVING] = n;
    else i[q * ROW_I32 + I_NEXT_IN_QUEUE] = n;
    if (n >= 0) i[n * ROW_I32 + I_PREV_IN_QUEUE] = q;
    pool.f64[s * SF + S_COMPLETED]++;
    stats.serverCompletions++;
    const b = i[ri + I_BALANCER];
    i[ri + I_AT_SERVER] = 0;
    this.fleet.released(b, s);
    if (this.observes) this.balancers[b].observe!(s, this.sim.now - table.f64[r * ROW_F64 + F_SENT], true);
    if (this.monitor.outlier) this.monitor.observe(s, true);
    stats.successes++;
    if (i[ri + I_MEASURED]) {
      stats.attemptTransitions[A.InService * N_ATT + A.Succeeded]++;
      stats.requestTransitions[i[ri + I_CALL_STATE] * N_REQ + R.Succeeded]++;
      stats.ended(R.Succeeded, this.sim.now - table.f64[r * ROW_F64 + F_ARRIVAL]);
    }
    const client = i[ri + I_CLIENT];
    // The row's pending client timers are cancelled (and their ids forgotten) before it is freed.
    if (this.client.config) {
      this.client.cancelTimeout(table, r);
      this.client.cancelRequestTimers(table, r);
    }
    this.releaseRow(r);
    if (client >= 0) this.arrivalsEnd(this.workload.clientFree(client, this.sim.now));
    const sv = pool.i32, si = s * SI;
    if (sv[si + S_QUEUE_LENGTH] === 0) pool.endService(s);
    else if (sv[si + S_DISCIPLINE] === FIFO) this.serveQueued(sv[si + S_QUEUE_HEAD], s);
    else this.serveNext(s);
    return true;
  }

  /** A slot of server `s` is free: the next waiting request (by discipline) takes it. */
  protected serveNext(s: number): void {
    const pool = this.pool;
    const sv = pool.i32, si = s * SI;
    let r = -1;
    if (sv[si + S_QUEUE_LENGTH] > 0) {
      const discipline = sv[si + S_DISCIPLINE];
      if (discipline === FIFO) r = sv[si + S_QUEUE_HEAD];
      else if (discipline === LIFO) r = sv[si + S_QUEUE_TAIL];
      else r = this.adaptivePick(s);
    }
    if (r < 0) pool.endService(s);
    else this.serveQueued(r, s);
  }

  /** Waiting row `r` takes the slot just freed at server `s` (which stays busy). */
  private serveQueued(r: number, s: number): void {
    const table = this.requests;
    this.pool.remove(s, r, table.i32);
    this.setAttempt(r, A.InService);
    const p = table.i32[r * ROW_I32 + I_CALL];
    if (p >= 0) this.syncRequest(p);
    this.beginService(r, s);
  }

  /** Adaptive LIFO with controlled delay: sheds requests that waited too long, then picks one. */
  private adaptivePick(s: number): number {
    const pool = this.pool, table = this.requests, now = this.sim.now;
    const overloaded = now - pool.queueBusySince[s] > pool.queueIntervalMs[s];
    const bound = overloaded ? pool.queueTargetMs[s] : pool.queueIntervalMs[s];
    for (let r = pool.queueHeadOf(s); r >= 0 && now - table.f64[r * ROW_F64 + F_SENT] > bound; r = pool.queueHeadOf(s)) {
      pool.remove(s, r, table.i32);
      pool.dropped[s]++;
      this.endAtServer(r, A.Dropped);
    }
    return overloaded ? pool.queueTailOf(s) : pool.queueHeadOf(s);
  }

  /**
   * Row `r`'s attempt leaves its server in terminal attempt state `state` (the server is already
   * done with it: slot and queue released by the caller). The client learns of it unless it had
   * stopped waiting (ghosts). The row is freed unless it is a primary still carrying its request.
   */
  endAtServer(r: number, state: number): void {
    const table = this.requests, i = table.i32, ri = r * ROW_I32;
    this.setAttempt(r, state);
    i[ri + I_AT_SERVER] = 0;
    this.client.cancelTimeout(table, r);
    if (this.observer) this.observer.ended?.(r, state, i[ri + I_SERVER]);
    const p = i[ri + I_CALL];
    if (p < 0) {
      this.releaseRow(r);
      return;
    }
    this.attemptOutcome(p, r, state);
  }

  // ---------------------------------------------------------------- request state

  /** In service if a copy is being served, pending if one waits; other states are set directly. */
  protected syncRequest(p: number): void {
    const i = this.requests.i32, pi = p * ROW_I32;
    const current = i[pi + I_CALL_STATE];
    if (current - R_SUCCEEDED >>> 0 <= R_REJECTED - R_SUCCEEDED) return; // ending (Succeeded … Rejected): its copies are being withdrawn
    let best = i[pi + I_AT_SERVER] === 1 ? i[pi + I_STATE] : -1;
    for (let x = i[pi + I_HEDGE_HEAD]; x >= 0; x = i[x * ROW_I32 + I_NEXT_HEDGE]) {
      const state = i[x * ROW_I32 + I_STATE];
      if (state === A_IN_SERVICE || (state === A_PENDING && best !== A_IN_SERVICE)) best = state;
    }
    if (best - A_PENDING >>> 0 <= A_IN_SERVICE - A_PENDING) this.setRequest(p, best); // Pending or InService: the same numbers as R.Pending / R.InService
  }

  protected setRequest(p: number, to: number): void {
    const i = this.requests.i32, pi = p * ROW_I32;
    const from = i[pi + I_CALL_STATE];
    if (from === to && to !== R_BACKOFF) return;
    if (this.checked) checkTransition(REQUEST_MACHINE, REQUEST_ALLOWED, from, to, p);
    i[pi + I_CALL_STATE] = to;
    if (i[pi + I_MEASURED]) this.stats.requestTransitions[from * N_REQ + to]++;
  }

  protected setAttempt(r: number, to: number): void {
    const i = this.requests.i32, ri = r * ROW_I32;
    const from = i[ri + I_STATE];
    if (this.checked) checkTransition(ATTEMPT_MACHINE, ATTEMPT_ALLOWED, from, to, r);
    i[ri + I_STATE] = to;
    if (i[ri + I_MEASURED]) this.stats.attemptTransitions[from * N_ATT + to]++;
  }

  protected releaseRow(r: number): void {
    this.requests.release(r);
    if (this.finished()) this.sim.stop();
  }

  /** The client sees attempt `r` of request `p` end in `state` (an AttemptState): RequestFlow's. */
  protected abstract attemptOutcome(p: number, r: number, state: number): void;
}
