/**
 * A TopologyModel's servers (see topology.ts): a freed slot passes to the next waiting attempt
 * (FIFO, LIFO, adaptive LIFO); an attempt gives up its slot (the time it held it counted, as wasted
 * work when nobody waits for it), its place at its balancer, its edge's permit and its place under
 * the service's concurrency limit; the balancer and outlier detection learn how it went; a failed
 * server's attempts fail.
 */
import { Discipline } from './server-pool.js';
import { AttemptState } from './states.js';
import { TopologyCore } from './topology-core.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const {
  F_DEPART_ID, F_START, I_AT_SERVER, I_BALANCER, I_CALL, I_COUNTED, I_HEDGE_HEAD, I_MEASURED, I_NEXT_HEDGE,
  I_SERVER, ROW_F64, ROW_I32
} = rows;

const A = AttemptState;

export abstract class TopologyServers extends TopologyCore {
  /** Freed slots pass to the attempts waiting at their servers, iteratively (see `handoffs`). */
  protected handOff(): void {
    const pool = this.pool, t = this.requests, list = this.handoffs;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (pool.queueLengthOf(s) === 0) {
        pool.endService(s);
        continue;
      }
      // The slot passes straight to the next attempt: the server stays busy.
      const d = pool.discipline[s];
      const next = d === Discipline.Fifo ? pool.queueHeadOf(s) : d === Discipline.Lifo ? pool.queueTailOf(s) : this.adaptivePick(s);
      if (next < 0) {
        pool.endService(s); // adaptive LIFO shed every waiting attempt
        continue;
      }
      pool.remove(s, next, t.i32);
      this.start(next);
    }
    list.length = 0;
  }

  /**
   * Adaptive LIFO at server `s` (as RequestFlow's): attempts that waited longer than the bound are
   * shed (dropped; their callers react per edge policy), then the newest (overloaded) or the oldest.
   */
  protected adaptivePick(s: number): number {
    const pool = this.pool, t = this.requests, now = this.sim.now;
    const overloaded = now - pool.queueBusySince[s] > pool.queueIntervalMs[s];
    const bound = overloaded ? pool.queueTargetMs[s] : pool.queueIntervalMs[s];
    for (let a = pool.queueHeadOf(s); a >= 0 && now - t.queuedMs[a] > bound; a = pool.queueHeadOf(s)) {
      pool.remove(s, a, t.i32);
      pool.dropped[s]++;
      this.attemptEnded(a, A.Dropped);
    }
    return overloaded ? pool.queueTailOf(s) : pool.queueHeadOf(s);
  }

  /** A slot of server `s` is free: the next waiting attempt (FIFO, LIFO) takes it after this event's work. */
  protected freeSlot(s: number): void {
    if (this.pool.queueLengthOf(s) === 0) this.pool.endService(s);
    else this.handoffs.push(s);
  }

  /**
   * Attempt `a` gives its slot up: the time it held it is counted, as wasted work when nobody
   * waits for its result (its caller gave up, or it works for such a caller).
   */
  protected unhold(a: number): void {
    const t = this.requests, held = this.sim.now - t.f64[a * ROW_F64 + F_START];
    t.holding[a] = 0;
    t.heldMs[a] += held;
    if (t.wasted[a]) {
      this.stats.wastedWorkMs += held;
      if (t.i32[a * ROW_I32 + I_MEASURED]) this.services[t.service[a]].counters.wastedWorkMs += held;
    }
  }

  /** Attempt `a` no longer counts at its server's balancer (it is done there). */
  protected leaveServer(a: number): void {
    const t = this.requests;
    t.i32[a * ROW_I32 + I_AT_SERVER] = 0;
    if (t.i32[a * ROW_I32 + I_COUNTED] === 1) {
      t.i32[a * ROW_I32 + I_COUNTED] = 0;
      const svc = this.services[t.service[a]];
      svc.fleet.released(t.i32[a * ROW_I32 + I_BALANCER], t.i32[a * ROW_I32 + I_SERVER] - svc.lo);
    }
  }

  /** Attempt `a`'s result is not awaited any more: it, and every call it waits for, works in vain from now. */
  protected markWasted(a: number): void {
    const t = this.requests;
    if (t.wasted[a]) return;
    t.wasted[a] = 1;
    for (let c = t.i32[a * ROW_I32 + I_HEDGE_HEAD]; c >= 0; c = t.i32[c * ROW_I32 + I_NEXT_HEDGE]) {
      t.wasted[c] = 1;
      for (let x = t.attempt[c]; x >= 0; x = t.nextAttempt[x]) this.markWasted(x);
    }
  }

  /** Attempt `a` no longer holds its edge's permit: the bulkhead frees a place, the breaker records the outcome. */
  protected releasePermit(a: number, failed: boolean, record = true): void {
    const t = this.requests;
    if (t.permit[a] === 0) return;
    t.permit[a] = 0;
    const edge = this.edges[t.edge[a]];
    edge.inFlight--;
    edge.bulkhead?.freed(edge.inFlight);
    if (record) edge.breaker?.record(failed);
  }

  /** Attempt `a` no longer counts against its server's concurrency limit, which learns how it went. */
  protected releaseLimit(a: number, outcome: number): void {
    const t = this.requests, svc = this.services[t.service[a]];
    t.limited[a] = 0;
    svc.limit!.release(t.i32[a * ROW_I32 + I_SERVER] - svc.lo, this.sim.now - t.admittedMs[a], outcome);
  }

  /** The balancer that sent attempt `a` learns how it went (policies that learn from outcomes). */
  protected observe(a: number, latencyMs: number, ok: boolean): void {
    const t = this.requests, svc = this.services[t.service[a]];
    if (svc.fleet.observes && t.i32[a * ROW_I32 + I_SERVER] >= 0) svc.fleet.balancers[t.i32[a * ROW_I32 + I_BALANCER]].observe!(t.i32[a * ROW_I32 + I_SERVER] - svc.lo, latencyMs, ok);
    if (this.health !== null && t.i32[a * ROW_I32 + I_SERVER] >= 0 && latencyMs === latencyMs) this.health.of(t.i32[a * ROW_I32 + I_SERVER])?.monitor.observe(t.i32[a * ROW_I32 + I_SERVER] - svc.lo, ok); // outlier detection
  }

  /**
   * Server `s` just failed (see TopologyHealth): the attempts waiting there, then those working or
   * waiting for their calls there, fail; their calls still out are abandoned.
   */
  abortServer(s: number): void {
    const pool = this.pool, t = this.requests;
    const k = this.health!.of(s)!.counts;
    for (let a = pool.queueHeadOf(s); a >= 0; a = pool.queueHeadOf(s)) {
      pool.remove(s, a, t.i32);
      if (t.i32[a * ROW_I32 + I_MEASURED]) k.aborted++;
      this.abandonCalls(a);
      this.fail(a);
    }
    // Attempts at it otherwise: found by scanning the table (failures are rare; no per-server list).
    for (let a = 0; a < t.size; a++) {
      if (t.i32[a * ROW_I32 + I_SERVER] !== s || t.i32[a * ROW_I32 + I_AT_SERVER] !== 1 || t.i32[a * ROW_I32 + I_CALL] === a) continue;
      if (t.i32[a * ROW_I32 + I_MEASURED]) k.aborted++;
      t.f64[a * ROW_F64 + F_DEPART_ID] = -1;
      this.abandonCalls(a);
      if (t.i32[a * ROW_I32 + I_AT_SERVER] === 1) this.fail(a);
    }
  }

  // Defined by TopologyAttempts and TopologyCalls.
  protected abstract start(a: number): void;
  protected abstract fail(a: number): void;
  protected abstract attemptEnded(a: number, state: number): void;
  protected abstract abandonCalls(a: number): void;
}
