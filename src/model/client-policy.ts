/**
 * A client's policy applied to a run: the event lanes of its timers (per-attempt timeout, overall
 * deadline, hedge, connect timeout — each due a fixed delay after it is set, so FIFO lanes beside
 * the heap), its random stream (jitter), its retry budget, and the decisions: when to hedge,
 * whether and when to retry. The model's request flow carries them out.
 */
import type { Simulation } from '../engine/simulation.js';
import type { EventQueue } from '../engine/event-queue.js';
import { createStream, type Rng } from '../random/rng.js';
import type { Histogram } from '../metrics/histogram.js';
import { backoffMs, RetryBudget, type ClientConfig } from './client.js';
import type { RequestTable } from './request-table.js';
import { EventKind } from './event-kind.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { F_TIMEOUT_ID, I_RETRIES, ROW_F64, ROW_I32 } = rows;

export class ClientPolicy {
  /** The event queue's FIFO lanes for client events (-1 when unused). */
  readonly timeoutLane: number;
  readonly deadlineLane: number;
  readonly hedgeLane: number;
  readonly refusedLane: number;
  private readonly rng: Rng;
  private readonly budget: RetryBudget | null;
  /**
   * Lane positions (Simulation.lanePos) of the pending timers whose ids the table holds, by row:
   * the attempt's timeout or connect timer (F_TIMEOUT_ID), the request's deadline and next hedge.
   * With the id they make the O(1) handle `cancelLane` takes. Grown to the table's size on use.
   */
  private timerPos: Int32Array<ArrayBuffer> = new Int32Array(0);
  private deadlinePos: Int32Array<ArrayBuffer> = new Int32Array(0);
  private hedgePos: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** The timers' delays, ms (NaN when unused); the hedge's percentile (NaN: a fixed `afterMs` only). */
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly connectMs: number;
  private readonly hedgeAfterMs: number;
  private readonly hedgePercentile: number;
  /** Whether an attempt's end (timeout, connect timer) has timers to cancel. */
  private readonly attemptTimers: boolean;
  /** The simulation's event queue: timers are cancelled there directly, their positions read there. */
  private readonly queue: EventQueue;

  constructor(readonly config: ClientConfig | undefined, private readonly sim: Simulation, seed: number) {
    const lane = (used: boolean) => (used ? sim.addLane() : -1);
    const c = config;
    this.timeoutLane = lane(c?.timeoutMs !== undefined);
    this.deadlineLane = lane(c?.deadlineMs !== undefined);
    this.hedgeLane = lane(c?.hedge !== undefined);
    this.refusedLane = lane((c?.connectTimeoutMs ?? 0) > 0);
    this.rng = createStream(seed, 'client');
    this.budget = c?.retries?.budget ? new RetryBudget(c.retries.budget) : null;
    this.attemptTimers = this.timeoutLane >= 0 || this.refusedLane >= 0;
    this.timeoutMs = c?.timeoutMs ?? NaN;
    this.deadlineMs = c?.deadlineMs ?? NaN;
    this.connectMs = c?.connectTimeoutMs ?? NaN;
    this.hedgeAfterMs = c?.hedge?.afterMs ?? Infinity;
    this.hedgePercentile = c?.hedge?.percentile ?? NaN;
    this.queue = sim.queue;
  }

  // The hot entry points (arrived, armTimeout, cancelTimeout, cancelRequestTimers) test each
  // feature and call its own small method: V8 inlines into the flow's short path only the calls
  // a run makes (one never made has no call frequency), so a feature costs its own work and the
  // tests of the others, and the short path's inlining budget is not spent on unused code.

  /** Request `p` arrived at `now`: the budget earns its share; its deadline and first hedge are set. */
  arrived(table: RequestTable, p: number, latency: Histogram): void {
    if (this.budget !== null) this.budget.deposit(this.sim.now);
    if (this.deadlineLane >= 0) this.armDeadline(table, p);
    if (this.hedgeLane >= 0) this.scheduleHedge(table, p, latency);
  }

  private armDeadline(table: RequestTable, p: number): void {
    table.deadlineId[p] = this.sim.scheduleLane(this.deadlineLane, this.sim.now + this.deadlineMs, EventKind.Deadline, p);
    if (p >= this.deadlinePos.length) this.deadlinePos = grown(this.deadlinePos, table.size);
    this.deadlinePos[p] = this.queue.lanePos;
  }

  /** The next hedge of request `p`: after `afterMs`, or after the observed percentile once 100 answers came. */
  scheduleHedge(table: RequestTable, p: number, latency: Histogram): void {
    let delay = this.hedgeAfterMs;
    if (this.hedgePercentile === this.hedgePercentile && latency.count >= 100) delay = latency.quantile(this.hedgePercentile / 100);
    if (delay === Infinity) return;
    table.hedgeId[p] = this.sim.scheduleLane(this.hedgeLane, this.sim.now + delay, EventKind.Hedge, p);
    if (p >= this.hedgePos.length) this.hedgePos = grown(this.hedgePos, table.size);
    this.hedgePos[p] = this.queue.lanePos;
  }

  /** Attempt `r` is at a server: the client stops waiting for it after `timeoutMs` (if set). */
  armTimeout(table: RequestTable, r: number): void {
    if (this.timeoutLane >= 0) this.arm(table, r);
  }

  private arm(table: RequestTable, r: number): void {
    table.f64[r * ROW_F64 + F_TIMEOUT_ID] = this.sim.scheduleLane(this.timeoutLane, this.sim.now + this.timeoutMs, EventKind.AttemptTimeout, r);
    this.keepTimerPos(table, r, this.queue.lanePos);
  }

  /** Attempt `r` went to a server that is down: the connection hangs for `connectTimeoutMs` (0: refused at once, returns false). */
  armRefused(table: RequestTable, r: number): boolean {
    if (this.refusedLane < 0) return false;
    table.f64[r * ROW_F64 + F_TIMEOUT_ID] = this.sim.scheduleLane(this.refusedLane, this.sim.now + this.connectMs, EventKind.Refused, r);
    this.keepTimerPos(table, r, ~this.queue.lanePos);
    return true;
  }

  /** Row `r`'s timer position: the timeout's as is, the connect timer's as ~position (negative). */
  private keepTimerPos(table: RequestTable, r: number, pos: number): void {
    if (r >= this.timerPos.length) this.timerPos = grown(this.timerPos, table.size);
    this.timerPos[r] = pos;
  }

  /**
   * Row `r`'s attempt timeout or connect timer is not needed any more (the attempt ended): taken
   * out of its lane and forgotten. (The event being handled is no longer in its lane: cancelLane
   * refuses it.)
   */
  cancelTimeout(table: RequestTable, r: number): void {
    if (this.attemptTimers) this.dropTimeout(table, r);
  }

  private dropTimeout(table: RequestTable, r: number): void {
    const k = r * ROW_F64 + F_TIMEOUT_ID, id = table.f64[k];
    if (id < 0) return;
    table.f64[k] = -1;
    const pos = this.timerPos[r];
    this.queue.cancelLane(pos >= 0 ? this.timeoutLane : this.refusedLane, id, pos >= 0 ? pos : ~pos);
  }

  /** Request `p` ended: its deadline and next hedge taken out of their lanes and forgotten. */
  cancelRequestTimers(table: RequestTable, p: number): void {
    if (this.deadlineLane >= 0) this.dropDeadline(table, p);
    if (this.hedgeLane >= 0) this.dropHedge(table, p);
  }

  private dropDeadline(table: RequestTable, p: number): void {
    const id = table.deadlineId[p];
    if (id < 0) return;
    table.deadlineId[p] = -1;
    this.queue.cancelLane(this.deadlineLane, id, this.deadlinePos[p]);
  }

  private dropHedge(table: RequestTable, p: number): void {
    const id = table.hedgeId[p];
    if (id < 0) return;
    table.hedgeId[p] = -1;
    this.queue.cancelLane(this.hedgeLane, id, this.hedgePos[p]);
  }

  /**
   * Request `p`'s last attempt out failed: when retries and the budget allow, schedules its retry
   * after a backoff and returns true; false means it ends.
   */
  retry(table: RequestTable, p: number): boolean {
    const retry = this.config?.retries, now = this.sim.now;
    if (!retry || table.i32[p * ROW_I32 + I_RETRIES] >= retry.max || (this.budget && !this.budget.tryWithdraw(now))) return false;
    const wait = backoffMs(retry, table.i32[p * ROW_I32 + I_RETRIES] + 1, table.backoffMs[p], this.rng);
    table.backoffMs[p] = wait;
    table.retryId[p] = this.sim.schedule(now + wait, EventKind.Retry, p);
    return true;
  }
}

/** `a` copied into a new array of length `n` (> a.length). */
function grown(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
