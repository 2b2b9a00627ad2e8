/**
 * A call's side of a TopologyModel (see topology.ts): an entry request arrives; a call is made over
 * an edge and sends its attempts through the edge's gates (bulkhead, breaker) and network; hedges,
 * deadlines, timeouts and retries act on it; its attempts that lost or are not needed any more are
 * dropped or withdrawn, its own calls abandoned; and it ends, counted on its edge, told to its
 * caller (an attempt, the workflow layer, or the client).
 */
import { EventKind } from './event-kind.js';
import { AttemptState, RequestState } from './states.js';
import { TopologyAttempts } from './topology-attempts.js';
import * as core from './topology-core.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const {
  F_ARRIVAL, F_SENT, F_TIMEOUT_ID, I_ATTEMPTS, I_CALL, I_CLIENT, I_HEDGE_HEAD, I_KEY, I_LIVE_ATTEMPTS,
  I_MEASURED, I_NEXT_HEDGE, I_RETRIES, ROW_F64, ROW_I32
} = rows;
/** Imported values as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { EXTERNAL, ORPHAN } = core;
const { NetArrive: K_NET_ARRIVE } = EventKind;

const R = RequestState;
const A = AttemptState;

export abstract class TopologyCalls extends TopologyAttempts {
  protected arrivalsEnd(endMs: number): void {
    if (endMs !== endMs) return;
    this.stats.arrivalsEnded(endMs);
    if (this.finished()) this.sim.stop();
  }

  /** An entry request arrives: a call from the external client to the entry service. */
  protected arrive(source: number): void {
    const t = this.requests, stats = this.stats, n = this.workloads.length;
    const c = t.alloc();
    this.sim.eventLimit += this.eventsPerArrival;
    // With several entries, the event carries client × entries + entry; entry k's edge is edge k.
    const k = n === 1 ? 0 : source % n;
    const end = this.workloads[k].admit(t, c, n === 1 ? source : (source - k) / n);
    const measured = stats.measuring ? 1 : 0;
    t.i32[c * ROW_I32 + I_MEASURED] = measured;
    t.wasted[c] = 0;
    if (measured) {
      stats.arrived++;
      stats.inFlight++;
    }
    this.newCall(c, -1, k);
    if (end === end) this.arrivalsEnd(end);
    this.sendAttempt(c);
    if (this.hooks !== null) this.hooks.arrived(k);
  }

  /** Row `c` becomes a call over edge `e` for `parent` (an attempt row, or -1 for the external client). */
  protected newCall(c: number, parent: number, e: number): void {
    const t = this.requests;
    t.parent[c] = parent;
    t.edge[c] = e;
    t.service[c] = this.edges[e].to;
    t.attempt[c] = -1;
    t.degraded[c] = 0;
    t.f64[c * ROW_F64 + F_ARRIVAL] = this.sim.now;
    const policy = this.edges[e].policy;
    if (policy.config) policy.arrived(t, c, this.edges[e].counters.latencyHistogram); // the retry budget earns its share; deadline, first hedge
    if (t.i32[c * ROW_I32 + I_MEASURED]) {
      this.edges[e].counters.calls++;
      this.edges[e].counters.inFlight++;
    }
  }

  /** Sends the next attempt of call `c` through its edge's gates (bulkhead, breaker) and its service's balancer. */
  protected sendAttempt(c: number): void {
    const t = this.requests, svc = this.services[t.service[c]], e = t.edge[c], edge = this.edges[e];
    if ((edge.maxConcurrent > 0 && edge.inFlight >= edge.maxConcurrent) || (edge.breaker !== null && !edge.breaker.permits())) {
      // Refused at once, before reaching the service: a fast failure the caller handles as any other.
      t.i32[c * ROW_I32 + I_ATTEMPTS]++;
      if (t.i32[c * ROW_I32 + I_MEASURED]) {
        edge.counters.attempts++;
        edge.counters.refused++;
        if (t.parent[c] === -1) this.stats.attemptsSent++;
      }
      this.observer?.refused(c);
      this.callAttemptEnded(c, A.Rejected);
      return;
    }
    edge.inFlight++;
    edge.bulkhead?.took(edge.inFlight);
    const a = t.alloc();
    t.permit[a] = 1;
    t.wasted[a] = t.wasted[c];
    t.heldMs[a] = 0;
    t.i32[a * ROW_I32 + I_CALL] = c;
    t.nextAttempt[a] = t.attempt[c];
    t.attempt[c] = a;
    t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS]++;
    t.netId[a] = -1;
    t.returning[a] = 0;
    t.degraded[a] = 0;
    t.limited[a] = 0;
    t.service[a] = svc.index;
    t.edge[a] = e;
    t.i32[a * ROW_I32 + I_KEY] = t.i32[c * ROW_I32 + I_KEY];
    t.i32[a * ROW_I32 + I_MEASURED] = t.i32[c * ROW_I32 + I_MEASURED];
    t.f64[a * ROW_F64 + F_SENT] = this.sim.now;
    t.i32[c * ROW_I32 + I_ATTEMPTS]++;
    t.i32[a * ROW_I32 + I_HEDGE_HEAD] = -1;
    if (t.i32[c * ROW_I32 + I_MEASURED]) {
      this.edges[e].counters.attempts++;
      svc.counters.attempts++;
      svc.counters.inFlight++;
      if (t.parent[c] === -1) this.stats.attemptsSent++;
    }
    this.setCall(c, R.Pending);
    if (edge.net !== null) {
      // On its way to the callee: the caller's timeout runs from now.
      edge.policy.armTimeout(t, a);
      t.netId[a] = this.sim.schedule(this.sim.now + edge.net.delayMs(), K_NET_ARRIVE, a);
      if (this.hooks !== null && this.hooked[svc.index] === 1) this.hooks.attemptSent(a); // a workflow's family waits for it from now
      return;
    }
    this.arriveAt(a);
  }

  /** Call `c`'s hedge delay passed: another attempt goes out while the ones out are unanswered (first answer wins). */
  protected hedge(c: number): void {
    const t = this.requests, edge = this.edges[t.edge[c]];
    t.hedgeId[c] = -1;
    if (t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS] === 0 || t.parent[c] === ORPHAN) return; // in backoff (the retry comes), or nobody waits
    if (t.i32[c * ROW_I32 + I_ATTEMPTS] - 1 - t.i32[c * ROW_I32 + I_RETRIES] >= edge.policy.config!.hedge!.max) return; // hedges sent = attempts − first − retries
    if (t.i32[c * ROW_I32 + I_MEASURED]) {
      edge.counters.hedges++;
      if (t.parent[c] === -1) this.stats.hedges++;
    }
    // The next one is due first: the call may end (and its row be reused) while this one is sent.
    edge.policy.scheduleHedge(t, c, edge.counters.latencyHistogram);
    this.sendAttempt(c);
  }

  /** Call `c`'s deadline passed: its attempts out are given up on, as by a timeout, and it ends timed out. */
  protected deadline(c: number): void {
    const t = this.requests, cancel = this.edges[t.edge[c]].policy.config?.cancel === true;
    t.deadlineId[c] = -1;
    for (let a = t.attempt[c]; a >= 0; ) {
      const next = t.nextAttempt[a];
      this.observer?.timedOut(a);
      this.edges[t.edge[a]].policy.cancelTimeout(t, a);
      this.releasePermit(a, true);
      t.i32[a * ROW_I32 + I_CALL] = -1;
      if (t.returning[a]) this.freeAttempt(a);
      else {
        this.markWasted(a);
        if (t.i32[a * ROW_I32 + I_MEASURED]) this.services[t.service[a]].counters.abandoned++;
        if (cancel) this.withdraw(a, true);
      }
      a = next;
    }
    t.attempt[c] = -1;
    t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS] = 0;
    this.finishCall(c, R.TimedOut);
  }

  /** The caller stops waiting for attempt `a` (its edge's timeout). */
  protected attemptTimeout(a: number): void {
    const t = this.requests, c = t.i32[a * ROW_I32 + I_CALL];
    this.observer?.timedOut(a);
    t.f64[a * ROW_F64 + F_TIMEOUT_ID] = -1;
    this.releasePermit(a, true);
    this.requests.unlinkAttempt(c, a);
    if (t.returning[a]) {
      this.freeAttempt(a); // done at its server: its answer is late, or lost
    } else {
      t.i32[a * ROW_I32 + I_CALL] = -1; // runs on unless cancelled: nobody waits for it
      this.markWasted(a);
      if (t.i32[a * ROW_I32 + I_MEASURED]) this.services[t.service[a]].counters.abandoned++;
      if (this.edges[t.edge[a]].policy.config?.cancel) this.withdraw(a, true);
    }
    this.callAttemptEnded(c, A.TimedOut);
  }

  /** The caller of call `c` sees its attempt end in `state`. */
  protected callAttemptEnded(c: number, state: number): void {
    const t = this.requests, e = t.edge[c];
    if (state === A.Succeeded) return this.finishCall(c, R.Succeeded);
    if (t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS] > 0) return; // a hedge is still out: its answer may yet come
    if (t.parent[c] !== ORPHAN && this.edges[e].policy.retry(t, c)) {
      this.setCall(c, R.Backoff);
      return;
    }
    this.finishCall(c, state === A.TimedOut ? R.TimedOut : state === A.Dropped ? R.Dropped : state === A.Rejected ? R.Rejected : R.Failed);
  }

  /**
   * Call `c` ends while attempts of it are still out (hedges that lost the race, or it is not
   * needed any more): withdrawn over an edge with cancel, else they run on for nobody; an answer on
   * its way back is dropped.
   */
  protected dropAttempts(c: number, cancel: boolean): void {
    const t = this.requests;
    for (let a = t.attempt[c]; a >= 0; ) {
      const next = t.nextAttempt[a];
      t.i32[a * ROW_I32 + I_CALL] = -1;
      this.edges[t.edge[a]].policy.cancelTimeout(t, a);
      if (t.returning[a]) {
        this.releasePermit(a, false, false);
        this.freeAttempt(a);
      } else if (cancel) this.withdraw(a, false);
      else this.markWasted(a);
      a = next;
    }
    t.attempt[c] = -1;
    t.i32[c * ROW_I32 + I_LIVE_ATTEMPTS] = 0;
  }

  /** Attempt `a`'s calls still out are not waited for any more: withdrawn (edge cancel) or orphaned. */
  protected abandonCalls(a: number): void {
    const t = this.requests;
    for (let c = t.i32[a * ROW_I32 + I_HEDGE_HEAD]; c >= 0; ) {
      const next = t.i32[c * ROW_I32 + I_NEXT_HEDGE];
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
    t.i32[a * ROW_I32 + I_HEDGE_HEAD] = -1;
  }

  /** Call `c` ends in `to`: counted on its edge, and its caller (an attempt, or the client) learns of it. */
  protected finishCall(c: number, to: number, cancelled = false): void {
    const t = this.requests, e = t.edge[c], now = this.sim.now;
    this.setCall(c, to);
    if (t.attempt[c] >= 0) this.dropAttempts(c, this.edges[e].policy.config?.cancel === true); // hedges that lost
    t.retryId[c] = -1;
    this.edges[e].policy.cancelRequestTimers(t, c);
    if (t.i32[c * ROW_I32 + I_MEASURED]) {
      const k = this.edges[e].counters;
      k.inFlight--;
      if (cancelled) k.cancelled++;
      else if (to === R.Succeeded) {
        k.succeeded++;
        k.latency.add(now - t.f64[c * ROW_F64 + F_ARRIVAL]);
        k.latencyHistogram.record(now - t.f64[c * ROW_F64 + F_ARRIVAL]);
      } else if (to === R.Failed) k.failed++;
      else if (to === R.TimedOut) k.timedOut++;
      else if (to === R.Dropped) k.dropped++;
      else if (to === R.Rejected) k.rejected++;
    }
    const parent = t.parent[c], degraded = to === R.Succeeded && t.degraded[c] === 1;
    if (parent === -1) {
      if (degraded && t.i32[c * ROW_I32 + I_MEASURED]) this.degraded++;
      if (to === R.Succeeded) this.stats.successes++;
      if (t.i32[c * ROW_I32 + I_MEASURED]) this.stats.ended(to, now - t.f64[c * ROW_F64 + F_ARRIVAL]);
    }
    t.parent[c] = ORPHAN;
    const client = parent === -1 ? t.i32[c * ROW_I32 + I_CLIENT] : -1, entryEdge = t.edge[c];
    t.release(c);
    if (parent >= 0) {
      if (degraded) t.degraded[parent] = 1;
      this.callReturned(parent, c, to === R.Succeeded);
    } else if (parent === EXTERNAL) {
      this.hooks!.callDone(c, to === R.Succeeded);
      this.checkFinished();
    } else {
      if (client >= 0) this.arrivalsEnd(this.workloads[entryEdge].clientFree(client, now)); // a closed-loop user thinks, then sends again
      this.checkFinished();
    }
  }
}
