/**
 * An edge of a topology, caller -> callee: its policy as configured (the client's fields plus a
 * breaker, a bulkhead and a network), its parts at run time, and the counters of calls over it
 * (services count their attempts with the same class).
 */
import type { Simulation } from '../engine/simulation.js';
import type { DistributionSpec } from '../random/distributions.js';
import type { ClientConfig } from './client.js';
import { ClientPolicy } from './client-policy.js';
import { CircuitBreaker, type BreakerConfig } from './circuit-breaker.js';
import { BulkheadMeter } from './bulkhead.js';
import { EdgeNetwork } from './edge-network.js';
import { Histogram } from '../metrics/histogram.js';
import { Welford } from '../metrics/welford.js';

/** An edge's policy: the client's (timeouts, retries, cancel) plus a breaker and a bulkhead. */
export interface EdgePolicy extends ClientConfig {
  breaker?: BreakerConfig;
  /** Bulkhead: attempts in flight over the edge at most; more are refused at once. */
  maxConcurrent?: number;
  /** Network latency of the edge, drawn each way (to the callee, and the answer back). */
  latencyMs?: DistributionSpec;
  /** Probability that an answer is lost on its way back (the caller's timeout or deadline ends the attempt). */
  loss?: number;
}

/** Counters of one service (attempts at it) or one edge (calls over it), measured requests only. */
export class CallCounters {
  calls = 0; attempts = 0; retries = 0;
  /** Extra attempts of calls still unanswered after the edge's hedge delay (edges only). */
  hedges = 0;
  /** Answers lost on the edge's network (edges only). */
  lost = 0;
  /** Failed calls answered by a fallback: over the edge (edges), or made by the service's attempts (services). */
  fallbacks = 0;
  /** Attempts the edge's breaker or bulkhead refused at once (edges only). */
  refused = 0;
  /** Slot time held by attempts whose result nobody waited for any more (services only), ms. */
  wastedWorkMs = 0;
  /**
   * Services: attempts withdrawn (their caller timed out with cancel, or did not need them any
   * more), and attempts whose caller stopped waiting (timed out; without cancel they run on and
   * end as ok or failed). Edges: calls withdrawn because the caller did not need them any more.
   */
  cancelled = 0;
  abandoned = 0;
  /** Calls (edges) or attempts (services) started and not ended yet. */
  inFlight = 0;
  succeeded = 0; failed = 0; timedOut = 0; dropped = 0; rejected = 0;
  /** Time from an attempt's send to its success (service: at this service, calls included). */
  readonly latency = new Welford();
  readonly latencyHistogram = new Histogram(2);
}

export interface Edge {
  name: string;
  from: number;
  to: number;
  policy: ClientPolicy;
  counters: CallCounters;
  breaker: CircuitBreaker | null;
  /** Bulkhead size (0: none) and attempts holding a permit now. */
  maxConcurrent: number;
  inFlight: number;
  /** The bulkhead's state machine (open, full) and its times; null: no bulkhead. */
  bulkhead: BulkheadMeter | null;
  /** Its network (latency, loss); null: none (answers are instant and never lost). */
  net: EdgeNetwork | null;
}

/** Edge `name` from service `from` (-1: the external client) to `to`, under `policy`; `seed` its policy's stream, `runSeed` the run's. */
export function createEdge(name: string, from: number, to: number, policy: EdgePolicy | undefined, sim: Simulation, seed: number, runSeed: number): Edge {
  return {
    name, from, to, policy: new ClientPolicy(policy, sim, seed), counters: new CallCounters(),
    breaker: policy?.breaker ? new CircuitBreaker(policy.breaker, sim) : null, maxConcurrent: policy?.maxConcurrent ?? 0, inFlight: 0,
    bulkhead: policy?.maxConcurrent ? new BulkheadMeter(policy.maxConcurrent, sim) : null,
    net: policy && (policy.latencyMs !== undefined || (policy.loss ?? 0) > 0) ? new EdgeNetwork(policy.latencyMs, policy.loss ?? 0, runSeed, name) : null,
  };
}
