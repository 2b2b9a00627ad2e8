/**
 * The one interface every load-balancing policy implements, and what a policy may see.
 *
 * A balancer decides from what it could observe in production: its own outstanding requests per
 * server, the latencies it measured, the configured weights, and eligibility (health as its
 * checks report it). `trueLoad` is the ground truth (in service + waiting at each server); only
 * oracle policies such as `join-shortest-queue` read it, and their header says so.
 */
import type { Rng } from '../random/rng.js';
import type { EligibleIndex } from './eligible.js';

export interface BalancerContext {
  /** Number of servers; ids are 0 .. size - 1. */
  readonly size: number;
  /** Configured weights (≥ 0). */
  readonly weights: Float64Array;
  /** 1 when the balancer may send to the server (healthy as far as it knows), else 0. */
  readonly eligible: Uint8Array;
  /**
   * The eligible servers counted and ranked in O(log n), kept in step with `eligible` by whoever
   * writes it (the model's HealthView); absent in hand-built contexts, where policies scan.
   */
  readonly eligibleIndex?: EligibleIndex;
  /**
   * This balancer instance's own open requests per server; with `view.load: reported`, the servers'
   * load as last reported. A policy registered with `readsOutstanding: false` must not read it: its
   * own counts are not kept (all 0 with the default own view), though a sparse fleet's are.
   */
  readonly outstanding: Int32Array;
  /**
   * True when `outstanding` is shared with the other instances of a large fleet (each instance's
   * counts are written into it just before its `pick`, `rebuild` and `observe`): a policy then keeps nothing
   * derived from it between calls (no index; it is not told of changes) and scans instead.
   */
  readonly shared?: boolean;
  /**
   * True when `outstanding` holds the servers' load as reported (`view.load: reported`), not this
   * instance's own open requests: then it may be above 0 at servers this instance never sent to.
   */
  readonly reported?: boolean;
  /**
   * With `shared` own counts (not `reported`): the servers at which this instance has open
   * requests, `ids[0 .. count)` in no particular order, kept with the counts — every other server's
   * `outstanding` is 0, so a policy need not read the whole pool to find the ones that are not.
   * Like `outstanding` it is the fleet's one list, holding this instance's servers only during its
   * `pick`, `rebuild` and `observe`; read `ids` and `count` there, each time (`ids` is replaced
   * when the list grows).
   */
  readonly openServers?: OpenServers;
  /**
   * In a fleet: how many changes of the pool (membership, weights, eligibility) the fleet has been
   * told of so far. A structure the instances share can compare it with the count it was made
   * at, instead of each instance's `rebuild` marking it stale (instances that rebuild lazily, see
   * `Balancer.rebuildLazily`, rebuild long after the change, one by one).
   */
  readonly poolChanges?: number;
  /** Oracle: the true number of requests at each server (in service + waiting). */
  readonly trueLoad: Int32Array;
  /** The balancer's own random stream (coin flips, random starts, tie breaks). */
  readonly rng: Rng;
  /** Current simulated time in ms. */
  now(): number;
}

/** A list of server ids: `ids[0 .. count)` (see BalancerContext.openServers). */
export interface OpenServers {
  readonly count: number;
  readonly ids: Int32Array;
}

export interface Balancer {
  /**
   * The server for the next request (whose hash key is `key`; 0 when the workload has none),
   * or -1 when no server is eligible. Must never return an ineligible server.
   */
  pick(key: number): number;
  /**
   * A request this balancer sent to `server` ended after `latencyMs`; `ok` false on error. When
   * the client withdrew the attempt (a lost hedge, a cancelled copy) there was no response:
   * `ok` is false and `latencyMs` NaN, so latency learners skip it.
   */
  observe?(server: number, latencyMs: number, ok: boolean): void;
  /**
   * Membership, weights or eligibility changed: rebuild derived structures. `server` ≥ 0 when
   * only that server's eligibility or weight changed (a policy may then update for it alone);
   * -1 or absent: any may have.
   */
  rebuild?(server?: number): void;
  /**
   * `ctx.outstanding[server]` changed (by one request; `server` −1: any entry may have, after a
   * load report). Policies that index the counts (see `MinIndex`) update them here.
   */
  outstandingChanged?(server: number): void;
  /** `ctx.trueLoad[server]` changed (oracle policies that index it). */
  trueLoadChanged?(server: number): void;
  /**
   * True when what `rebuild`, `outstandingChanged` and `trueLoadChanged` update is one structure
   * that every instance of the fleet shares (an index over arrays they all read: the true load,
   * the reported load, eligibility; see `sharedFor`): the fleet then tells its first instance of
   * each change and not every instance, once per change where 10,000 instances cost 10,000 calls.
   * Every instance of a fleet must say the same: the fleet reads it from the first instance, and
   * one that says so while keeping state of its own would leave the others' untold.
   */
  readonly fleetShared?: boolean;
  /**
   * True when `rebuild` resets everything the instance derived, from the pool (eligibility,
   * weights) and its own counts only — no clock, no random draw, nothing from before — so that
   * `rebuild(-1)` once stands for any run of rebuilds since the instance last acted. A large fleet
   * (`ctx.shared`) then rebuilds such an instance when it next picks, hears a response or has a
   * count changed, not every instance at every change of the pool (10,000 instances: 10,000
   * rebuilds per failure or repair).
   */
  readonly rebuildLazily?: boolean;
}

/**
 * Makes a balancer. `options` are the scenario's balancer fields other than `name`; validate
 * them with `scenario/check.ts` helpers and `path` (e.g. "balancer") so errors name the field.
 */
export type BalancerFactory = (ctx: BalancerContext, options: Record<string, unknown>, path: string) => Balancer;
