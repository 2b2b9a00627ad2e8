/**
 * The balancer instances of a pool and what each can know: its own open requests per server (or
 * the servers' load as reported every `refreshMs`), the effective weights (slow start), and
 * eligibility from health. One instance unless `fleet.count` says otherwise; each request arrives
 * at one instance (round robin or at random over the fleet) and each has its own coin flips.
 */
import type { Balancer, BalancerContext } from '../balancers/balancer.js';
import { getBalancer, balancerNames } from '../balancers/registry.js';
import { createStream, type Rng } from '../random/rng.js';
import type { ServerPool } from './server-pool.js';

export interface FleetSpec {
  balancer: { name: string; options: Record<string, unknown> };
  /** Independent balancer instances, each request arriving at one of them (default 1). */
  fleet?: { count: number; assign: 'round-robin' | 'random' };
  /**
   * What load-aware policies read as `outstanding`: their own open requests (default, live), or
   * the servers' true load as reported to every instance each `refreshMs` (0 = instantly).
   */
  view?: { load: 'own' | 'reported'; refreshMs: number };
}

/** The part of a pool the balancers read: its size, weights and true load (a pool, or a slice of one). */
export type PoolView = Pick<ServerPool, 'size' | 'weight' | 'load'>;

export class BalancerFleet {
  readonly balancers: Balancer[] = [];
  readonly contexts: BalancerContext[] = [];
  /** Each instance's own open requests per server, [instance][server]. */
  readonly own: Int32Array[] = [];
  /** What health tells every instance (written by HealthView only). */
  readonly eligible: Uint8Array;
  /** Weights as the balancers see them: configured weights, ramped after recovery (slow start). */
  readonly effectiveWeight: Float64Array;
  /** True when the policy learns from outcomes (`observe`). */
  readonly observes: boolean;
  /** Reports of the servers' load every `refreshMs` (0: none, or instantly with load "reported"). */
  readonly refreshMs: number;
  private readonly reported: Int32Array | null;
  private readonly assignRandom: boolean;
  private readonly fleetRng: Rng;
  private nextInstance = 0;

  /** `streams`: prefix of the instances' random streams (a topology names them per service). */
  constructor(spec: FleetSpec, private readonly pool: PoolView, clock: { readonly now: number }, seed: number, streams = 'balancer') {
    const n = pool.size;
    const info = getBalancer(spec.balancer.name);
    if (!info) throw new Error(`unknown balancer ${JSON.stringify(spec.balancer.name)} (known: ${balancerNames().join(', ')})`);
    const fleet = spec.fleet ?? { count: 1, assign: 'round-robin' };
    const view = spec.view ?? { load: 'own', refreshMs: 0 };
    this.refreshMs = view.load === 'reported' ? view.refreshMs : 0;
    this.reported = view.load === 'reported' ? (this.refreshMs > 0 ? new Int32Array(n) : pool.load) : null;
    this.eligible = new Uint8Array(n).fill(1);
    this.effectiveWeight = Float64Array.from(pool.weight);
    for (let b = 0; b < fleet.count; b++) {
      const own = new Int32Array(n);
      const ctx: BalancerContext = {
        size: n,
        weights: this.effectiveWeight,
        eligible: this.eligible,
        outstanding: this.reported ?? own,
        trueLoad: pool.load,
        rng: createStream(seed, b === 0 ? streams : `${streams}/${b}`),
        now: () => clock.now,
      };
      this.own.push(own);
      this.contexts.push(ctx);
      this.balancers.push(info.create(ctx, spec.balancer.options, 'balancer'));
    }
    this.observes = typeof this.balancers[0].observe === 'function';
    this.assignRandom = fleet.assign === 'random';
    this.fleetRng = createStream(seed, streams === 'balancer' ? 'fleet' : `fleet@${streams}`);
  }

  /** Which balancer instance the next attempt arrives at. */
  instanceFor(): number {
    const nb = this.balancers.length;
    return nb === 1 ? 0 : this.assignRandom ? Math.floor(this.fleetRng.next() * nb) : this.nextInstance++ % nb;
  }

  /** Every instance's stale view catches up with the servers' load (a report). */
  report(): void {
    this.reported!.set(this.pool.load);
  }

  /** Membership, weights or eligibility changed: every instance rebuilds its derived structures. */
  rebuild(): void {
    for (const b of this.balancers) b.rebuild?.();
  }
}
