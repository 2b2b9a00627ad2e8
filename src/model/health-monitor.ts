/**
 * Health as the balancers come to know it, wired to the run: active probes on their schedule,
 * passive outlier ejection, and what follows a change of eligibility — the detection delay of a
 * failure (measured), slow start of a server let back in, and the balancers' rebuilds. The
 * belief itself (thresholds, ejection, panic) is HealthView's.
 */
import type { Simulation } from '../engine/simulation.js';
import { createStream } from '../random/rng.js';
import { HealthView, type HealthConfig } from './health.js';
import type { ServerPool } from './server-pool.js';
import type { BalancerFleet } from './balancer-view.js';
import type { FailureProcess } from './failures.js';
import type { Stats } from './stats.js';
import { ServerState } from './states.js';
import { EventKind } from './event-kind.js';

/** What the monitor asks of the run it is part of. */
export interface RunState {
  /** True when no request will arrive any more and none is in flight. */
  finished(): boolean;
}

export class HealthMonitor {
  readonly view: HealthView;
  /** Without active checks the belief is the truth: failures are known at once. */
  readonly oracle: boolean;
  /** Passive outlier detection is on: every attempt's outcome is observed. */
  readonly outlier: boolean;
  private readonly wasEligible: Uint8Array;
  private readonly slowStartSince: Float64Array;
  /** Id of each server's pending slow-start step (lazy cancellation), -1 if none. */
  readonly slowStartId: Float64Array;

  constructor(
    private readonly config: HealthConfig | undefined,
    private readonly pool: ServerPool,
    private readonly fleet: BalancerFleet,
    private readonly failures: FailureProcess,
    private readonly stats: Stats,
    private readonly sim: Simulation,
    private readonly run: RunState,
  ) {
    const n = pool.size;
    this.wasEligible = new Uint8Array(n).fill(1);
    this.slowStartSince = new Float64Array(n);
    this.slowStartId = new Float64Array(n).fill(-1);
    this.view = new HealthView(n, config, fleet.eligible, fleet.eligibleIndex);
    this.oracle = !config?.checks;
    this.outlier = !!config?.outlier;
  }

  /** Schedules every server's first probe at a random phase within the interval. */
  start(seed: number): void {
    const checks = this.config?.checks;
    if (!checks) return;
    const rng = createStream(seed, 'health');
    for (let s = 0; s < this.pool.size; s++) this.sim.schedule(rng.next() * checks.intervalMs, EventKind.Probe, s);
  }

  /** An active health probe of server `s`; a probe of a down server fails after the timeout. */
  probe(s: number): void {
    const checks = this.config!.checks!, now = this.sim.now;
    if (this.pool.state[s] === ServerState.Failed) {
      this.sim.schedule(now + checks.timeoutMs, EventKind.ProbeFailed, s);
    } else if (this.view.probe(s, true)) {
      this.changed(s);
    }
    if (!this.run.finished()) this.sim.schedule(now + checks.intervalMs, EventKind.Probe, s);
  }

  /** A probe of server `s` timed out. */
  probeFailed(s: number): void {
    if (this.view.probe(s, false)) this.changed(s);
  }

  /** An attempt at server `s` answered (`ok`) or failed: outlier detection may eject it. */
  observe(s: number, ok: boolean): void {
    const ejectMs = this.view.observe(s, ok);
    if (ejectMs > 0) {
      this.sim.schedule(this.sim.now + ejectMs, EventKind.Uneject, s);
      this.changed(s);
    }
  }

  /** Server `s`'s ejection is over. */
  uneject(s: number): void {
    this.view.uneject(s);
    this.changed(s);
  }

  /** Without checks: server `s` went down (`up` false) or came back, and the balancers know at once. */
  oracleSaw(s: number, up: boolean): void {
    this.view.healthy[s] = up ? 1 : 0;
    this.changed(s);
  }

  /**
   * Eligibility may have changed (of server `server` only, or of any: -1): recompute it, measure
   * detection, rebuild derived structures. O(1) plus the balancers' rebuilds when one server's
   * eligibility changed; O(n) when many did (panic mode starting or ending).
   */
  changed(server = -1): void {
    const view = this.view;
    if (!view.update(server)) return;
    if (view.wide) for (let s = 0; s < this.pool.size; s++) this.noticed(s);
    else this.noticed(server);
    this.fleet.rebuild(view.wide ? -1 : server);
  }

  /** What follows server `s`'s eligibility as it now stands: detection, slow start. */
  private noticed(s: number): void {
    const now = this.sim.now, eligible = this.view.eligible, failures = this.failures;
    if (failures.undetected[s] === 1 && eligible[s] === 0) {
      failures.undetected[s] = 0;
      if (this.stats.measuring) this.stats.detectionDelay.add(now - failures.failedAt[s]);
    }
    if (eligible[s] !== this.wasEligible[s]) {
      this.wasEligible[s] = eligible[s];
      if (eligible[s] === 1 && (this.config?.slowStartMs ?? 0) > 0) {
        this.slowStartSince[s] = now;
        this.slowStartStep(s, false);
      } else if (eligible[s] === 0) {
        this.slowStartId[s] = -1;
        this.fleet.effectiveWeight[s] = this.pool.weight[s];
      }
    }
  }

  /**
   * Slow start (Envoy, NGINX `slow_start`): a server that becomes eligible again gets an effective
   * weight ramping linearly from 10% to 100% of its weight over `health.slowStartMs`, updated in
   * ten steps. Only policies that use weights notice.
   */
  slowStartStep(s: number, rebuild = true): void {
    const window = this.config!.slowStartMs!, now = this.sim.now;
    const fraction = (now - this.slowStartSince[s]) / window;
    if (fraction >= 1) {
      this.fleet.effectiveWeight[s] = this.pool.weight[s];
      this.slowStartId[s] = -1;
    } else {
      this.fleet.effectiveWeight[s] = this.pool.weight[s] * Math.max(0.1, fraction);
      this.slowStartId[s] = this.sim.schedule(now + window / 10, EventKind.SlowStart, s);
    }
    if (rebuild) this.fleet.rebuild(s);
  }
}
