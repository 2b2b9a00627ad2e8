/**
 * An attempt's way through a server of a TopologyModel (see topology.ts): it reaches its service
 * (whose balancer picks a server), is refused, dropped, queued or started, runs its handler's steps
 * (work, failures, calls out and the weighing of their outcomes), and completes, fails or is
 * withdrawn; its end goes back to its call (TopologyCalls).
 */
import { EventKind } from './event-kind.js';
import { LimitOutcome } from './concurrency-limit.js';
import { AttemptState, ServerState } from './states.js';
import * as steps from './topology-steps.js';
import { TopologyServers } from './topology-servers.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const {
  F_DEPART_ID, F_END, F_SENT, F_START, I_AT_SERVER, I_BALANCER, I_CALL, I_COUNTED, I_HEDGE_HEAD,
  I_KEY, I_MEASURED, I_NEXT_HEDGE, I_SERVER, I_STATE, ROW_F64, ROW_I32
} = rows;
/** Imported values as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { WORK, FAIL } = steps;
const { Departure: K_DEPARTURE, NetReturn: K_NET_RETURN } = EventKind;

const A = AttemptState;

export abstract class TopologyAttempts extends TopologyServers {
  /** Attempt `a` reaches its service (at once, or after its edge's latency): the service's balancer picks a server. */
  protected arriveAt(a: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    t.f64[a * ROW_F64 + F_SENT] = this.sim.now;
    const b = svc.fleet.instanceFor();
    t.i32[a * ROW_I32 + I_BALANCER] = b;
    if (svc.fleet.sparse) svc.fleet.materialize(b);
    const local = svc.fleet.balancers[b].pick(t.i32[a * ROW_I32 + I_KEY]);
    this.dispatch(a, local < 0 ? -1 : svc.lo + local, b);
  }

  /** Attempt `a` reaches server `s` (-1: none eligible). */
  protected dispatch(a: number, s: number, b: number): void {
    const t = this.requests, pool = this.pool;
    t.limited[a] = 0;
    if (s < 0) return this.attemptEnded(a, A.Rejected);
    t.i32[a * ROW_I32 + I_SERVER] = s;
    const svc = this.services[t.service[a]];
    if (this.health !== null && !this.health.reachable(s)) return this.attemptEnded(a, A.Failed); // down: refused at once
    if (svc.limit !== null) {
      if (!svc.limit.tryAcquire(s - svc.lo, t.i32[a * ROW_I32 + I_MEASURED])) return this.attemptEnded(a, A.Rejected); // over the limit: refused at once
      t.limited[a] = 1;
      t.admittedMs[a] = this.sim.now;
    }
    const begin = pool.inServiceOf(s) < pool.concurrency[s];
    if (!begin && pool.queueLimit[s] >= 0 && pool.queueLengthOf(s) >= pool.queueLimit[s]) {
      pool.dropped[s]++;
      return this.attemptEnded(a, A.Dropped);
    }
    t.i32[a * ROW_I32 + I_COUNTED] = 1;
    svc.fleet.sent(b, s - svc.lo);
    t.i32[a * ROW_I32 + I_AT_SERVER] = 1;
    t.step[a] = 0;
    const edge = this.edges[t.edge[a]];
    if (edge.net === null) edge.policy.armTimeout(t, a); // (with a network, armed when sent)
    if (begin) {
      this.pool.startService(s);
      this.start(a);
    } else {
      this.queue(a, s);
      if (this.hooks !== null && this.hooked[t.service[a]] === 1) this.hooks.attemptQueued(a);
    }
  }

  protected queue(a: number, s: number): void {
    const t = this.requests;
    this.setAttempt(a, A.Pending);
    t.queuedMs[a] = this.sim.now;
    this.pool.enqueue(s, a, t.i32);
  }

  /** Attempt `a` has taken a slot of its server: it runs its handler from its current step. */
  protected start(a: number): void {
    this.setAttempt(a, A.InService);
    this.requests.holding[a] = 1;
    this.requests.f64[a * ROW_F64 + F_START] = this.sim.now;
    if (this.hooks !== null && this.requests.step[a] === 0 && this.hooked[this.requests.service[a]] === 1) this.hooks.attemptStarted(a);
    this.runSteps(a);
  }

  /** Runs attempt `a`'s handler from its current step until it must wait (work, calls) or is done. */
  protected runSteps(a: number): void {
    const t = this.requests, svc = this.services[t.service[a]], steps = svc.steps;
    for (;;) {
      const k = t.step[a];
      if (k >= steps.length) return this.complete(a);
      const step = steps[k];
      if (step.kind === WORK) {
        const s = t.i32[a * ROW_I32 + I_SERVER], now = this.sim.now;
        const endMs = now + step.dist!.sample(svc.rng) / (this.health === null ? this.pool.speedOf(s) : this.health.speed(s));
        t.f64[a * ROW_F64 + F_END] = endMs;
        t.f64[a * ROW_F64 + F_DEPART_ID] = this.sim.schedule(endMs, K_DEPARTURE, a);
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
        t.i32[c * ROW_I32 + I_MEASURED] = t.i32[a * ROW_I32 + I_MEASURED];
        t.i32[c * ROW_I32 + I_KEY] = t.i32[a * ROW_I32 + I_KEY];
        this.newCall(c, a, e);
        t.i32[c * ROW_I32 + I_NEXT_HEDGE] = t.i32[a * ROW_I32 + I_HEDGE_HEAD];
        t.i32[a * ROW_I32 + I_HEDGE_HEAD] = c;
        this.sendAttempt(c);
      }
      this.launching = outer;
      this.weigh(a);
      return;
    }
  }

  /** Attempt `a` gives its slot up while it waits for its calls (hold: false). */
  protected release(a: number): void {
    const t = this.requests;
    if (!t.holding[a]) return;
    this.unhold(a);
    this.freeSlot(t.i32[a * ROW_I32 + I_SERVER]);
  }

  /** A work step of `a` is done. */
  protected workDone(a: number): void {
    const t = this.requests;
    t.f64[a * ROW_F64 + F_DEPART_ID] = -1;
    t.step[a]++;
    this.runSteps(a);
  }

  /** Call `c` of attempt `a` ended; `ok` when it succeeded. */
  protected callReturned(a: number, c: number, ok: boolean): void {
    const t = this.requests;
    this.requests.unlinkCall(a, c);
    t.waiting[a]--;
    if (!ok && this.services[t.service[a]].steps[t.step[a]].fallback) {
      ok = true; // a fallback answers instead: the attempt goes on, degraded
      t.degraded[a] = 1;
      if (t.i32[a * ROW_I32 + I_MEASURED]) {
        this.edges[t.edge[c]].counters.fallbacks++; // (c's row is free, its fields still as they were)
        this.services[t.service[a]].counters.fallbacks++;
      }
    }
    if (ok) t.okCalls[a]++;
    else t.failedCalls[a]++;
    if (a !== this.launching) this.weigh(a);
  }

  /** Attempt `a`'s calls so far: enough succeeded (go on), too many failed (fail), or wait. */
  protected weigh(a: number): void {
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
  protected resume(a: number): void {
    const t = this.requests, s = t.i32[a * ROW_I32 + I_SERVER], pool = this.pool;
    if (t.holding[a]) return this.runSteps(a);
    if (this.health !== null && pool.state[s] === ServerState.Failed) return this.fail(a); // its server failed meanwhile
    if (t.step[a] >= this.services[t.service[a]].steps.length) return this.complete(a);
    if (pool.inServiceOf(s) < pool.concurrency[s] && pool.queueLengthOf(s) === 0) {
      pool.startService(s);
      this.start(a);
    } else this.queue(a, s);
  }

  /** Attempt `a`'s handler is done: it succeeds at its server. */
  protected complete(a: number): void {
    const t = this.requests, s = t.i32[a * ROW_I32 + I_SERVER];
    if (this.hooks !== null && this.hooked[t.service[a]] === 1 && !this.hooks.attemptOutcome(a)) return this.fail(a);
    this.pool.countCompleted(s);
    this.stats.serverCompletions++;
    if (t.holding[a]) {
      this.unhold(a);
      this.leaveServer(a);
      this.freeSlot(s);
    } else this.leaveServer(a);
    this.attemptEnded(a, A.Succeeded);
  }

  /** Attempt `a` fails at its server (a call it needed failed). */
  protected fail(a: number): void {
    const t = this.requests, s = t.i32[a * ROW_I32 + I_SERVER];
    this.leaveServer(a);
    if (t.holding[a]) {
      this.unhold(a);
      this.freeSlot(s);
    }
    this.attemptEnded(a, A.Failed);
  }

  /** Attempt `a` ended in `state`; its call learns of it (unless nobody waits any more). */
  protected attemptEnded(a: number, state: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    if (this.hooks !== null && this.hooked[svc.index] === 1) this.hooks.attemptEnded(a);
    if (t.limited[a]) this.releaseLimit(a, state === A.Succeeded ? LimitOutcome.Ok : state === A.Dropped ? LimitOutcome.Dropped : LimitOutcome.Ignored);
    const c = t.i32[a * ROW_I32 + I_CALL], net = this.edges[t.edge[a]].net;
    if (c < 0 || net === null) this.releasePermit(a, state !== A.Succeeded);
    if (state !== A.Succeeded && state !== A.Failed) this.leaveServer(a);
    this.observe(a, this.sim.now - t.f64[a * ROW_F64 + F_SENT], state === A.Succeeded);
    this.setAttempt(a, state);
    if (t.i32[a * ROW_I32 + I_MEASURED]) {
      const k = svc.counters;
      k.inFlight--;
      if (state === A.Succeeded) {
        k.succeeded++;
        k.latency.add(this.sim.now - t.f64[a * ROW_F64 + F_SENT]);
        k.latencyHistogram.record(this.sim.now - t.f64[a * ROW_F64 + F_SENT]);
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
      if (t.i32[a * ROW_I32 + I_MEASURED]) this.edges[t.edge[a]].counters.lost++;
      return;
    }
    t.netId[a] = this.sim.schedule(this.sim.now + net.delayMs(), K_NET_RETURN, a);
  }

  /** The caller hears attempt `a`'s answer (its outcome, at once or over the network): the attempt is done. */
  protected answered(a: number): void {
    const t = this.requests, c = t.i32[a * ROW_I32 + I_CALL], state = t.outcome[a];
    this.releasePermit(a, state !== A.Succeeded);
    if (state === A.Succeeded && t.degraded[a]) t.degraded[c] = 1;
    this.requests.unlinkAttempt(c, a);
    this.freeAttempt(a);
    this.callAttemptEnded(c, state);
  }

  /** Frees attempt row `a`, its timers forgotten. */
  protected freeAttempt(a: number): void {
    const t = this.requests;
    this.edges[t.edge[a]].policy.cancelTimeout(t, a);
    t.netId[a] = -1;
    t.returning[a] = 0;
    t.release(a);
  }

  /**
   * Attempt `a`, which nobody waits for, is withdrawn from its server: its caller timed out
   * (`timedOut`: a failure for the edge's breaker) or does not need it any more (no outcome to
   * record). Its own calls are abandoned in turn (withdrawn over edges with cancel).
   */
  protected withdraw(a: number, timedOut: boolean): void {
    const t = this.requests, pool = this.pool, s = t.i32[a * ROW_I32 + I_SERVER];
    if (this.hooks !== null && this.hooked[t.service[a]] === 1) this.hooks.attemptEnded(a);
    this.releasePermit(a, true, timedOut);
    if (t.limited[a]) this.releaseLimit(a, timedOut ? LimitOutcome.Dropped : LimitOutcome.Ignored);
    this.observe(a, NaN, false); // no response to learn from
    this.abandonCalls(a);
    if (t.i32[a * ROW_I32 + I_MEASURED]) {
      const k = this.services[t.service[a]].counters;
      k.cancelled++;
      k.inFlight--;
    }
    if (t.i32[a * ROW_I32 + I_STATE] === A.Pending && t.i32[a * ROW_I32 + I_AT_SERVER]) pool.remove(s, a, t.i32);
    t.f64[a * ROW_F64 + F_DEPART_ID] = -1;
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

  // Defined by TopologyCalls.
  protected abstract newCall(c: number, parent: number, e: number): void;
  protected abstract sendAttempt(c: number): void;
  protected abstract callAttemptEnded(c: number, state: number): void;
}
