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
    const table = this.requests, now = this.sim.now;
    const s = table.server[r];
    const ok = state === A.Succeeded;
    if (table.counted[r] === 1) {
      table.counted[r] = 0;
      this.fleet.released(table.balancer[r], s);
    }
    if (s >= 0 && this.observes) this.balancers[table.balancer[r]].observe!(s, now - table.sentMs[r], ok);
    if (s >= 0 && this.monitor.outlier) this.monitor.observe(s, ok);
    table.liveAttempts[p]--;
    if (r !== p) this.unlinkHedge(p, r);
    if (ok) {
      this.finishRequest(p, R.Succeeded);
      if (r !== p) this.releaseRow(r);
      return;
    }
    if (r !== p) this.releaseRow(r);
    if (table.liveAttempts[p] > 0) {
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
    table.timeoutId[r] = -1;
    const p = table.call[r];
    this.abandon(r, A.TimedOut);
    this.attemptOutcome(p, r, A.TimedOut);
  }

  /**
   * The client stops waiting for row `r`'s attempt. With cancellation the server withdraws it
   * (it ends `endState`); without, a ghost row takes its place at the server and runs on.
   * The caller reports the outcome to the request.
   */
  private abandon(r: number, endState: number): void {
    const table = this.requests, pool = this.pool, s = table.server[r];
    const state = table.state[r];
    table.atServer[r] = 0;
    table.timeoutId[r] = -1;
    if (state === A.Initiated) {
      // Still connecting to a server that is down: nothing is there.
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      return;
    }
    if (this.client.config?.cancel) {
      if (state === A.Pending) {
        pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      } else {
        this.stats.wastedWorkMs += this.sim.now - table.startMs[r];
        table.departId[r] = -1;
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
    table.call[g] = -1;
    table.state[g] = state;
    table.atServer[g] = 1;
    table.server[g] = s;
    table.costMs[g] = table.costMs[r];
    table.arrivalMs[g] = table.sentMs[r];
    table.sentMs[g] = table.sentMs[r];
    table.startMs[g] = table.startMs[r];
    table.balancer[g] = table.balancer[r];
    table.measured[g] = 0; // the attempt was counted on `r`; the ghost is only the server's side
    if (state === A.Pending) {
      pool.replace(s, r, g, table.nextInQueue, table.prevInQueue);
    } else {
      // Move the departure to the ghost: same time, new event; the slot is the ghost's.
      table.endMs[g] = table.endMs[r];
      table.departId[g] = this.sim.schedule(table.endMs[r], EventKind.Departure, g);
      table.departId[r] = -1;
      this.unserve(r, s);
      const next = table.nextInQueue, head = this.serving[s];
      next[g] = head;
      table.prevInQueue[g] = -1;
      if (head >= 0) table.prevInQueue[head] = g;
      this.serving[s] = g;
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
    if (table.liveAttempts[p] === 0) return; // in backoff: the retry will come
    if (table.attempts[p] - 1 - table.retries[p] >= h.max) return; // hedges sent = attempts − first − retries
    const r = table.alloc();
    table.call[r] = p;
    table.measured[r] = table.measured[p];
    table.costMs[r] = table.costMs[p];
    table.arrivalMs[r] = this.sim.now;
    table.nextHedge[r] = table.hedgeHead[p];
    table.hedgeHead[p] = r;
    if (table.measured[p]) this.stats.hedges++;
    this.sendAttempt(p, r);
    this.client.scheduleHedge(table, p, this.stats.latency);
  }

  private unlinkHedge(p: number, r: number): void {
    const table = this.requests;
    if (table.hedgeHead[p] === r) {
      table.hedgeHead[p] = table.nextHedge[r];
      return;
    }
    for (let x = table.hedgeHead[p]; x >= 0; x = table.nextHedge[x]) {
      if (table.nextHedge[x] === r) {
        table.nextHedge[x] = table.nextHedge[r];
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
    table.deadlineId[p] = -1;
    table.retryId[p] = -1;
    table.hedgeId[p] = -1;
    if (to === R.Succeeded) this.stats.successes++;
    if (table.measured[p]) this.stats.ended(to, now - table.arrivalMs[p]);
    // Copies still out lost the race (or the deadline passed): withdraw or abandon them. Slots
    // they free are served once all are withdrawn, or serving one (adaptive LIFO sheds the
    // queue) could end a copy of this very request that the loop has yet to reach.
    const freedFrom = this.freedSlots.length;
    this.withdrawing++;
    for (let x = table.hedgeHead[p]; x >= 0; ) {
      const next = table.nextHedge[x];
      this.releaseCopy(x, to === R.TimedOut ? A.TimedOut : A.Cancelled);
      this.releaseRow(x); // withdrawn, or a ghost carries its work now
      x = next;
    }
    table.hedgeHead[p] = -1;
    if (table.atServer[p] === 1) this.releaseCopy(p, to === R.TimedOut ? A.TimedOut : A.Cancelled);
    this.withdrawing--;
    if (this.freedSlots.length > freedFrom) {
      const freed = this.freedSlots.splice(freedFrom);
      for (const s of freed) this.serveNext(s);
    }
    const client = table.client[p];
    this.releaseRow(p);
    if (client >= 0) this.arrivalsEnd(this.workload.clientFree(client, now));
  }

  /** A copy the request no longer needs: its balancer's books closed, the work withdrawn or ghosted. */
  private releaseCopy(x: number, endState: number): void {
    const table = this.requests;
    if (table.counted[x] === 1) {
      table.counted[x] = 0;
      const b = table.balancer[x], s = table.server[x];
      this.fleet.released(b, s);
      if (this.observes) this.balancers[b].observe!(s, NaN, false); // withdrawn: no response to learn from
    }
    this.abandon(x, endState);
  }

  /** Server `s` just failed: requests waiting and in service there end as failed. */
  abortServer(s: number): void {
    const pool = this.pool, table = this.requests;
    for (let r = pool.queueHead[s]; r >= 0; r = pool.queueHead[s]) {
      pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      this.endAtServer(r, A.Failed);
    }
    // Requests in service: the server's chain, ended in row order (as a scan of the table would).
    let k = 0;
    if (this.abortRows.length < pool.inService[s]) this.abortRows = new Int32Array(pool.inService[s] * 2);
    const rows = this.abortRows;
    for (let r = this.serving[s]; r >= 0; r = table.nextInQueue[r]) rows[k++] = r;
    rows.subarray(0, k).sort();
    for (let i = 0; i < k; i++) {
      const r = rows[i];
      if (table.atServer[r] !== 1 || table.state[r] !== A.InService || table.server[r] !== s) continue; // ended meanwhile
      this.unserve(r, s);
      table.departId[r] = -1;
      pool.endService(s);
      this.endAtServer(r, A.Failed);
    }
    // Attempts still connecting to it (connect timeout) fail with it too: nothing to do, they will.
  }
}
