/**
 * The flow of a request through one pool: arrival, attempts, the balancer's pick, admission or
 * drop at a server, service, the client's reaction to each outcome (retry, hedge, give up) and
 * the end of the request. State lives in the parts (RequestTable, ServerPool, Stats, ...); this
 * class and AttemptFlow, which it extends, hold the transitions. The Model dispatches events to it.
 *
 * A request (REQUEST_MACHINE) arrives and its client sends an attempt (ATTEMPT_MACHINE): the
 * balancer picks a server (none eligible ⇒ rejected); the server starts it at once if a slot is
 * free, queues it if there is room, or drops it; a server that is down refuses it. The client
 * reacts to each attempt's outcome: success ends the request; an error or a per-attempt timeout
 * leads to a retry after a backoff (if retries and budget allow) or ends the request with that
 * outcome; the overall deadline ends it as timed out; hedges send extra copies, first answer wins.
 *
 * The way to and through a server is AttemptFlow's (attempt-flow.ts, with the short path); this
 * file holds the client's side: the outcome of each attempt, timeouts, abandoned work, hedges,
 * the end of a request, and a server's failure ending the attempts at it.
 */
import { AttemptFlow } from './attempt-flow.js';
import { AttemptState, RequestState } from './states.js';
import { EventKind } from './event-kind.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const {
  F_ARRIVAL, F_COST, F_DEPART_ID, F_END, F_SENT, F_START, F_TIMEOUT_ID, I_ATTEMPTS, I_AT_SERVER, I_BALANCER,
  I_CALL, I_CLIENT, I_COUNTED, I_HEDGE_HEAD, I_LIVE_ATTEMPTS, I_MEASURED, I_NEXT_HEDGE, I_NEXT_IN_QUEUE,
  I_PREV_IN_QUEUE, I_RETRIES, I_SERVER, I_STATE, ROW_F64, ROW_I32
} = rows;

const R = RequestState;
const A = AttemptState;

export class RequestFlow extends AttemptFlow {
  /** > 0 while finishRequest withdraws a request's copies; slots they free wait in freedSlots. */
  private withdrawing = 0;
  private readonly freedSlots: number[] = [];
  /** abortServer's rows, sorted by id (the order a scan of the table met them in). */
  private abortRows = new Int32Array(16);

  /** The client sees attempt `r` of request `p` end in `state` (an AttemptState). */
  protected attemptOutcome(p: number, r: number, state: number): void {
    const table = this.requests, now = this.sim.now, i = table.i32, ri = r * ROW_I32; // nothing allocates before finishRequest
    const s = i[ri + I_SERVER];
    const ok = state === A.Succeeded;
    if (i[ri + I_COUNTED] === 1) {
      i[ri + I_COUNTED] = 0;
      this.fleet.released(i[ri + I_BALANCER], s);
    }
    if (s >= 0 && this.observes) this.balancers[i[ri + I_BALANCER]].observe!(s, now - table.f64[r * ROW_F64 + F_SENT], ok);
    if (s >= 0 && this.monitor.outlier) this.monitor.observe(s, ok);
    i[p * ROW_I32 + I_LIVE_ATTEMPTS]--;
    if (r !== p) this.unlinkHedge(p, r);
    if (ok) {
      this.finishRequest(p, R.Succeeded);
      if (r !== p) this.releaseRow(r);
      return;
    }
    if (r !== p) this.releaseRow(r);
    if (i[p * ROW_I32 + I_LIVE_ATTEMPTS] > 0) {
      this.syncRequest(p); // another copy is still out
      return;
    }
    if (this.client.retry(table, p)) {
      this.setRequest(p, R.Backoff);
      return;
    }
    this.finishRequest(p, state === A.TimedOut ? R.TimedOut : state === A.Dropped ? R.Dropped : state === A.Rejected ? R.Rejected : R.Failed);
  }

  // ---------------------------------------------------------------- client: timeouts, hedges, abandoned work

  /** Per-attempt timeout: the client stops waiting for attempt `r`. */
  attemptTimeout(r: number): void {
    const table = this.requests;
    table.f64[r * ROW_F64 + F_TIMEOUT_ID] = -1;
    const p = table.i32[r * ROW_I32 + I_CALL];
    this.abandon(r, A.TimedOut);
    this.attemptOutcome(p, r, A.TimedOut);
  }

  /**
   * The client stops waiting for row `r`'s attempt. With cancellation the server withdraws it
   * (it ends `endState`); without, a ghost row takes its place at the server and runs on.
   * The caller reports the outcome to the request.
   */
  private abandon(r: number, endState: number): void {
    const table = this.requests, pool = this.pool, s = table.i32[r * ROW_I32 + I_SERVER];
    const state = table.i32[r * ROW_I32 + I_STATE];
    table.i32[r * ROW_I32 + I_AT_SERVER] = 0;
    this.client.cancelTimeout(table, r);
    if (state === A.Initiated) {
      // Still connecting to a server that is down: nothing is there.
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      return;
    }
    if (this.client.config?.cancel) {
      if (state === A.Pending) {
        pool.remove(s, r, table.i32);
      } else {
        this.stats.wastedWorkMs += this.sim.now - table.f64[r * ROW_F64 + F_START];
        table.f64[r * ROW_F64 + F_DEPART_ID] = -1;
        this.unserve(r, s);
      }
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      if (state === A.InService) {
        // Its slot is free; while a request withdraws its copies, the next is served afterwards.
        if (this.withdrawing > 0) this.freedSlots.push(s);
        else this.serveNext(s);
      }
      return;
    }
    // A ghost carries the work on.
    const g = table.alloc();
    table.i32[g * ROW_I32 + I_CALL] = -1;
    table.i32[g * ROW_I32 + I_STATE] = state;
    table.i32[g * ROW_I32 + I_AT_SERVER] = 1;
    table.i32[g * ROW_I32 + I_SERVER] = s;
    table.f64[g * ROW_F64 + F_COST] = table.f64[r * ROW_F64 + F_COST];
    table.f64[g * ROW_F64 + F_ARRIVAL] = table.f64[r * ROW_F64 + F_SENT];
    table.f64[g * ROW_F64 + F_SENT] = table.f64[r * ROW_F64 + F_SENT];
    table.f64[g * ROW_F64 + F_START] = table.f64[r * ROW_F64 + F_START];
    table.i32[g * ROW_I32 + I_BALANCER] = table.i32[r * ROW_I32 + I_BALANCER];
    table.i32[g * ROW_I32 + I_MEASURED] = 0; // the attempt was counted on `r`; the ghost is only the server's side
    if (state === A.Pending) {
      pool.replace(s, r, g, table.i32);
    } else {
      // Move the departure to the ghost: same time, new event; the slot is the ghost's.
      table.f64[g * ROW_F64 + F_END] = table.f64[r * ROW_F64 + F_END];
      table.f64[g * ROW_F64 + F_DEPART_ID] = this.sim.schedule(table.f64[r * ROW_F64 + F_END], EventKind.Departure, g);
      table.f64[r * ROW_F64 + F_DEPART_ID] = -1;
      this.unserve(r, s);
      this.serve(g, s);
    }
    this.setAttempt(r, endState);
    if (this.observer) {
      this.observer.replaced?.(r, g);
      this.observer.ended?.(r, endState, s);
    }
  }

  hedge(p: number): void {
    const table = this.requests;
    table.hedgeId[p] = -1;
    const h = this.client.config!.hedge!;
    if (table.i32[p * ROW_I32 + I_LIVE_ATTEMPTS] === 0) return; // in backoff: the retry will come
    if (table.i32[p * ROW_I32 + I_ATTEMPTS] - 1 - table.i32[p * ROW_I32 + I_RETRIES] >= h.max) return; // hedges sent = attempts − first − retries
    const r = table.alloc();
    table.i32[r * ROW_I32 + I_CALL] = p;
    table.i32[r * ROW_I32 + I_MEASURED] = table.i32[p * ROW_I32 + I_MEASURED];
    table.f64[r * ROW_F64 + F_COST] = table.f64[p * ROW_F64 + F_COST];
    table.f64[r * ROW_F64 + F_ARRIVAL] = this.sim.now;
    table.i32[r * ROW_I32 + I_NEXT_HEDGE] = table.i32[p * ROW_I32 + I_HEDGE_HEAD];
    table.i32[p * ROW_I32 + I_HEDGE_HEAD] = r;
    if (table.i32[p * ROW_I32 + I_MEASURED]) this.stats.hedges++;
    this.sendAttempt(p, r);
    this.client.scheduleHedge(table, p, this.stats.latency);
  }

  private unlinkHedge(p: number, r: number): void {
    const table = this.requests;
    if (table.i32[p * ROW_I32 + I_HEDGE_HEAD] === r) {
      table.i32[p * ROW_I32 + I_HEDGE_HEAD] = table.i32[r * ROW_I32 + I_NEXT_HEDGE];
      return;
    }
    for (let x = table.i32[p * ROW_I32 + I_HEDGE_HEAD]; x >= 0; x = table.i32[x * ROW_I32 + I_NEXT_HEDGE]) {
      if (table.i32[x * ROW_I32 + I_NEXT_HEDGE] === r) {
        table.i32[x * ROW_I32 + I_NEXT_HEDGE] = table.i32[r * ROW_I32 + I_NEXT_HEDGE];
        return;
      }
    }
  }

  /**
   * Request `p` ends in terminal state `to`: counted, its pending client events forgotten, its
   * remaining copies abandoned (cancelled or left running as ghosts), its row freed.
   */
  finishRequest(p: number, to: number): void {
    const table = this.requests, now = this.sim.now;
    this.setRequest(p, to);
    this.client.cancelRequestTimers(table, p);
    table.retryId[p] = -1;
    if (to === R.Succeeded) this.stats.successes++;
    if (table.i32[p * ROW_I32 + I_MEASURED]) this.stats.ended(to, now - table.f64[p * ROW_F64 + F_ARRIVAL]);
    // Copies still out lost the race (or the deadline passed): withdraw or abandon them. Slots
    // they free are served once all are withdrawn, or serving one (adaptive LIFO sheds the
    // queue) could end a copy of this very request that the loop has yet to reach.
    const freedFrom = this.freedSlots.length;
    this.withdrawing++;
    for (let x = table.i32[p * ROW_I32 + I_HEDGE_HEAD]; x >= 0; ) {
      const next = table.i32[x * ROW_I32 + I_NEXT_HEDGE];
      this.releaseCopy(x, to === R.TimedOut ? A.TimedOut : A.Cancelled);
      this.releaseRow(x); // withdrawn, or a ghost carries its work now
      x = next;
    }
    table.i32[p * ROW_I32 + I_HEDGE_HEAD] = -1;
    if (table.i32[p * ROW_I32 + I_AT_SERVER] === 1) this.releaseCopy(p, to === R.TimedOut ? A.TimedOut : A.Cancelled);
    this.withdrawing--;
    if (this.freedSlots.length > freedFrom) {
      const freed = this.freedSlots.splice(freedFrom);
      for (const s of freed) this.serveNext(s);
    }
    const client = table.i32[p * ROW_I32 + I_CLIENT];
    this.releaseRow(p);
    if (client >= 0) this.arrivalsEnd(this.workload.clientFree(client, now));
  }

  /** A copy the request no longer needs: its balancer's books closed, the work withdrawn or ghosted. */
  private releaseCopy(x: number, endState: number): void {
    const table = this.requests;
    if (table.i32[x * ROW_I32 + I_COUNTED] === 1) {
      table.i32[x * ROW_I32 + I_COUNTED] = 0;
      const b = table.i32[x * ROW_I32 + I_BALANCER], s = table.i32[x * ROW_I32 + I_SERVER];
      this.fleet.released(b, s);
      if (this.observes) this.balancers[b].observe!(s, NaN, false); // withdrawn: no response to learn from
    }
    this.abandon(x, endState);
  }

  /** Server `s` just failed: requests waiting and in service there end as failed. */
  abortServer(s: number): void {
    const pool = this.pool, table = this.requests;
    for (let r = pool.queueHeadOf(s); r >= 0; r = pool.queueHeadOf(s)) {
      pool.remove(s, r, table.i32);
      this.endAtServer(r, A.Failed);
    }
    // Requests in service: the server's chain, ended in row order (as a scan of the table would).
    let k = 0;
    if (this.abortRows.length < pool.inServiceOf(s)) this.abortRows = new Int32Array(pool.inServiceOf(s) * 2);
    const rows = this.abortRows;
    for (let r = this.servingHead(s); r >= 0; r = table.i32[r * ROW_I32 + I_NEXT_IN_QUEUE]) rows[k++] = r;
    rows.subarray(0, k).sort();
    for (let i = 0; i < k; i++) {
      const r = rows[i];
      if (table.i32[r * ROW_I32 + I_AT_SERVER] !== 1 || table.i32[r * ROW_I32 + I_STATE] !== A.InService || table.i32[r * ROW_I32 + I_SERVER] !== s) continue; // ended meanwhile
      this.unserve(r, s);
      table.f64[r * ROW_F64 + F_DEPART_ID] = -1;
      pool.endService(s);
      this.endAtServer(r, A.Failed);
    }
    // Attempts still connecting to it (connect timeout) fail with it too: nothing to do, they will.
  }
}
