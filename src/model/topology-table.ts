/**
 * The request table of a topology: RequestTable's columns plus what calls between services need.
 * Rows are of two kinds:
 * - a *call*: a logical request from a caller to a service (`call[c] === c`), carrying the retries
 *   and the outcome the caller sees; `parent` is the caller's attempt row waiting for it (-1: the
 *   external client at the entry; -2: orphaned, nobody waits any more);
 * - an *attempt*: one try of a call at a server of the callee (`call[a]` its call, -1 once the
 *   caller stopped waiting); `step` is the handler step it is on, and its calls in flight are
 *   linked from `hedgeHead[a]` through `nextHedge`.
 */
import { RequestTable } from './request-table.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { I_HEDGE_HEAD, I_LIVE_ATTEMPTS, I_NEXT_HEDGE, ROW_I32 } = rows;

export class TopologyTable extends RequestTable {
  /** Call: the attempt row waiting for it; -1 the external client; -2 orphaned. */
  parent = new Int32Array(0);
  /** Call and attempt: the edge (caller → service) whose client policy applies. */
  edge = new Int32Array(0);
  /** Call and attempt: the service called. */
  service = new Int32Array(0);
  /** Call: its first attempt out (-1 between attempts); more are linked through `nextAttempt`. */
  attempt = new Int32Array(0);
  /** Attempt: the handler step it is on. */
  step = new Int32Array(0);
  /** Attempt: calls of the current step still out, succeeded, failed; and how many must succeed. */
  waiting = new Int32Array(0);
  okCalls = new Int32Array(0);
  failedCalls = new Int32Array(0);
  need = new Int32Array(0);
  /** Attempt: 1 while it holds a slot at its server. */
  holding = new Uint8Array(0);
  /** Attempt: 1 while it holds a permit of its edge (bulkhead place, breaker outcome due). */
  permit = new Uint8Array(0);
  /** Call and attempt: 1 once nobody waits for its result (its work is wasted). */
  wasted = new Uint8Array(0);
  /** Attempt: slot time held so far, ms. */
  heldMs = new Float64Array(0);
  /** Attempt: when it last joined its server's queue, ms (adaptive LIFO sheds by it). */
  queuedMs = new Float64Array(0);
  /** Attempt: 1 while it counts against its server's concurrency limit; when it was admitted there, ms. */
  limited = new Uint8Array(0);
  admittedMs = new Float64Array(0);
  /** Call: its attempts out (head; `attempt`) are linked through `nextAttempt` (hedges: several). */
  nextAttempt = new Int32Array(0);
  /** Attempt: id of its pending network event (on its way to the callee, or its answer back), -1 none. */
  netId = new Float64Array(0);
  /** Attempt: 1 once it ended at its server while its caller still waits for the answer (on its way, or lost); the outcome. */
  returning = new Uint8Array(0);
  outcome = new Uint8Array(0);
  /** Call and attempt: 1 when a fallback replaced a failed call somewhere below (a degraded answer). */
  degraded = new Uint8Array(0);

  constructor() {
    super();
    this.grow(this.size); // the columns above are set after RequestTable's constructor sized its own
  }

  /** Attempt `a` of call `c` is no longer out for it. */
  unlinkAttempt(c: number, a: number): void {
    const t = this;
    t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS]--;
    if (t.attempt[c] === a) {
      t.attempt[c] = t.nextAttempt[a];
      return;
    }
    for (let x = t.attempt[c]; x >= 0; x = t.nextAttempt[x]) {
      if (t.nextAttempt[x] === a) {
        t.nextAttempt[x] = t.nextAttempt[a];
        return;
      }
    }
  }

  /** Call `c` is no longer out for attempt `a` (its list of calls in flight). */
  unlinkCall(a: number, c: number): void {
    const t = this;
    if (t.i32[a * ROW_I32 + I_HEDGE_HEAD] === c) {
      t.i32[a * ROW_I32 + I_HEDGE_HEAD] = t.i32[c * ROW_I32 + I_NEXT_HEDGE];
      return;
    }
    for (let x = t.i32[a * ROW_I32 + I_HEDGE_HEAD]; x >= 0; x = t.i32[x * ROW_I32 + I_NEXT_HEDGE]) {
      if (t.i32[x * ROW_I32 + I_NEXT_HEDGE] === c) {
        t.i32[x * ROW_I32 + I_NEXT_HEDGE] = t.i32[c * ROW_I32 + I_NEXT_HEDGE];
        return;
      }
    }
  }
}
