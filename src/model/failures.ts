/**
 * Server failures as a process: random failures (up-time drawn from `timeBetween`, repair from
 * `repair`), scheduled outages, correlated zone failures, gray-failure slowdowns and the
 * recovering warm-up (slow start) after a repair. This part keeps each server's lifecycle
 * bookkeeping and schedules its events; the model applies them to requests (a failure aborts
 * the requests at the server) and to health.
 */
import type { Simulation } from '../engine/simulation.js';
import { createStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';
import type { ServerPool } from './server-pool.js';
import { EventKind } from './event-kind.js';

/**
 * Server failures. Random: each server alternates up-time drawn from `timeBetween` and repair
 * time drawn from `repair` (both optional). Scheduled: `outages` take servers down at `atMs` for
 * `forMs`. After a repair a server is `recovering` for `warmupMs`: requests starting then run at
 * a speed ramping linearly from 10% to 100% (slow start), after which it is idle or busy again.
 * `slowdowns` (gray failure) divide servers' speed by `factor` from `atMs` for `forMs` while they
 * stay up and healthy-looking.
 */
export interface FailureConfig {
  timeBetween?: DistributionSpec;
  repair?: DistributionSpec;
  warmupMs: number;
  outages: { atMs: number; forMs: number; servers: number[] }[];
  slowdowns?: { atMs: number; forMs: number; servers: number[]; factor: number }[];
  /** Correlated failures: each zone's servers fail together (a rack, an availability zone). */
  zones?: { servers: number[]; timeBetween: DistributionSpec; repair: DistributionSpec }[];
}

export class FailureProcess {
  /** Id of each server's pending lifecycle event (fail, repair or recovered); lazy cancellation. */
  readonly lifecycleId: Float64Array;
  readonly recoveringSince: Float64Array;
  readonly failedAt: Float64Array;
  /** 1 while a failure has not yet been noticed by the balancers. */
  readonly undetected: Uint8Array;
  readonly repairedAt: Float64Array;
  /** 1 while a repaired server has not yet received traffic. */
  readonly awaitingTraffic: Uint8Array;
  /** Each server's normal speed, to which a slowdown returns. */
  readonly baseSpeed: Float64Array;
  private readonly rng: Rng;
  private readonly upTime: Distribution | null;
  private readonly repairTime: Distribution | null;
  private readonly zoneUp: Distribution[];
  private readonly zoneRepair: Distribution[];

  constructor(readonly config: FailureConfig | undefined, private readonly pool: ServerPool, private readonly sim: Simulation, seed: number) {
    const n = pool.size;
    this.rng = createStream(seed, 'failures');
    this.upTime = config?.timeBetween ? createDistribution(config.timeBetween) : null;
    this.repairTime = config?.repair ? createDistribution(config.repair) : null;
    this.lifecycleId = new Float64Array(n).fill(-1);
    this.recoveringSince = new Float64Array(n);
    this.failedAt = new Float64Array(n);
    this.undetected = new Uint8Array(n);
    this.repairedAt = new Float64Array(n);
    this.awaitingTraffic = new Uint8Array(n);
    this.baseSpeed = Float64Array.from({ length: n }, (_, s) => pool.speedOf(s));
    if (this.upTime) for (let s = 0; s < n; s++) this.scheduleFailure(s);
    config?.outages.forEach((o, i) => sim.schedule(o.atMs, EventKind.Outage, i));
    config?.slowdowns?.forEach((o, i) => sim.schedule(o.atMs, EventKind.Slowdown, i));
    this.zoneUp = (config?.zones ?? []).map((z) => createDistribution(z.timeBetween));
    this.zoneRepair = (config?.zones ?? []).map((z) => createDistribution(z.repair));
    this.zoneUp.forEach((d, z) => sim.schedule(d.sample(this.rng), EventKind.ZoneFail, z));
  }

  /** The recovering warm-up after a repair, ms (0: none). */
  get warmupMs(): number {
    return this.config?.warmupMs ?? 0;
  }

  /** Server `s` (up now) fails after an up-time from the failure process, if there is one. */
  scheduleFailure(s: number): void {
    if (this.upTime) this.lifecycleId[s] = this.sim.schedule(this.sim.now + this.upTime.sample(this.rng), EventKind.Fail, s);
    else this.lifecycleId[s] = -1;
  }

  /** When a server failing now comes back by itself: after a repair time, or never (Infinity). */
  repairedBy(now: number): number {
    return this.repairTime ? now + this.repairTime.sample(this.rng) : Infinity;
  }

  /** The speed of recovering server `s` now: 10% of its speed at the repair, 100% after `warmupMs`. */
  warmingSpeed(s: number): number {
    return this.pool.speedOf(s) * (0.1 + 0.9 * Math.min(1, (this.sim.now - this.recoveringSince[s]) / this.config!.warmupMs));
  }

  /** Slowdown `i` starts (its servers' speed divided by its factor; its end scheduled) or ends. */
  slowdown(i: number, starts: boolean): void {
    const slow = this.config!.slowdowns![i];
    for (const s of slow.servers) this.pool.setSpeed(s, starts ? this.baseSpeed[s] / slow.factor : this.baseSpeed[s]);
    if (starts) this.sim.schedule(this.sim.now + slow.forMs, EventKind.SlowdownEnd, i);
  }

  /** Zone `z` fails now, for one repair time: returns when it comes back. */
  zoneDown(z: number): number {
    return this.sim.now + this.zoneRepair[z].sample(this.rng);
  }

  /** Zone `z`, back at `backMs`, fails again after an up-time. */
  scheduleZone(z: number, backMs: number): void {
    this.sim.schedule(backMs + this.zoneUp[z].sample(this.rng), EventKind.ZoneFail, z);
  }
}
