/**
 * Failures and health checks per service of a topology. Each service with a `failures` or
 * `health` section gets its own FailureProcess and HealthMonitor (the single pool's parts) over
 * its slice [lo, hi) of the shared pool: they see local server ids (as the service's balancer
 * does), and their events reach the shared clock with targets made global — a server's event
 * targets its id in the pool, an outage's, slowdown's or zone's its index in the topology's list
 * of them — so that `handle` can route each back to its service. What a failure does to the
 * attempts at a server (they fail; their callers react per edge policy) is the topology's
 * (`Host.abortServer`).
 */
import type { Simulation } from '../engine/simulation.js';
import { Welford } from '../metrics/welford.js';
import { FailureProcess, type FailureConfig } from './failures.js';
import type { HealthConfig } from './health.js';
import { HealthMonitor } from './health-monitor.js';
import type { BalancerFleet } from './balancer-view.js';
import type { ServerPool } from './server-pool.js';
import type { Stats } from './stats.js';
import { ServerState } from './states.js';
import { EventKind } from './event-kind.js';

/** What the topology does for its services' failures. */
export interface Host {
  readonly sim: Simulation;
  readonly pool: ServerPool;
  readonly stats: Stats;
  /** Server `s` (global id) just failed: the attempts waiting or working there fail. */
  abortServer(s: number): void;
  finished(): boolean;
}

/** A service's failure and detection figures (measured), as the single pool's `failures` summary. */
export class FailureCounts {
  observed = 0;
  whileExcluded = 0;
  sentToFailed = 0;
  /** Attempts at its servers that a failure ended. */
  aborted = 0;
  readonly detectionDelay = new Welford();
  readonly trafficReturnDelay = new Welford();
}

/** One service's failure process, health monitor and counts. */
export class ServiceHealth {
  readonly failures: FailureProcess;
  readonly monitor: HealthMonitor;
  readonly counts = new FailureCounts();

  constructor(
    readonly lo: number,
    hi: number,
    failures: FailureConfig | undefined,
    health: HealthConfig | undefined,
    fleet: BalancerFleet,
    host: Host,
    clock: Simulation,
    seed: number,
  ) {
    const pool = host.pool;
    // The slice of the pool the parts see: local ids 0..hi-lo-1.
    const slice = {
      size: hi - lo, state: pool.state.subarray(lo, hi), weight: pool.weight.subarray(lo, hi),
      speedOf: (s: number) => pool.speedOf(lo + s), setSpeed: (s: number, speed: number) => pool.setSpeed(lo + s, speed),
    } as unknown as ServerPool;
    this.failures = new FailureProcess(failures, slice, clock, seed);
    const counts = this.counts, top = host.stats;
    const stats = {
      get measuring() { return top.measuring; },
      detectionDelay: { add(x: number) { counts.detectionDelay.add(x); top.detectionDelay.add(x); } },
    } as unknown as Stats;
    this.monitor = new HealthMonitor(health, slice, fleet, this.failures, stats, clock, host);
  }
}

/** Event kinds whose target is a server. */
const SERVER_EVENT = new Set<number>([EventKind.Fail, EventKind.Repair, EventKind.Recovered, EventKind.SlowStart, EventKind.Probe, EventKind.ProbeFailed, EventKind.Uneject]);

export class TopologyHealth {
  /** Each service's parts, or null for a service without failures or health. */
  readonly services: (ServiceHealth | null)[];
  /** The service of each server of the pool, and of each outage, slowdown and zone (global index). */
  private readonly serviceOfServer: Int32Array;
  private readonly owners: { outage: number[]; slowdown: number[]; zone: number[] } = { outage: [], slowdown: [], zone: [] };
  private readonly bases: { outage: number; slowdown: number; zone: number }[] = [];

  constructor(
    specs: readonly { lo: number; hi: number; failures?: FailureConfig; health?: HealthConfig; fleet: BalancerFleet }[],
    private readonly host: Host,
    seed: number,
  ) {
    const sim = host.sim;
    this.serviceOfServer = new Int32Array(host.pool.size).fill(-1);
    this.services = specs.map((spec, i) => {
      this.serviceOfServer.fill(i, spec.lo, spec.hi);
      const base = { outage: this.owners.outage.length, slowdown: this.owners.slowdown.length, zone: this.owners.zone.length };
      this.bases.push(base);
      if (!spec.failures && !spec.health) return null;
      const f = spec.failures;
      for (let k = 0; k < (f?.outages.length ?? 0); k++) this.owners.outage.push(i);
      for (let k = 0; k < (f?.slowdowns?.length ?? 0); k++) this.owners.slowdown.push(i);
      for (let k = 0; k < (f?.zones?.length ?? 0); k++) this.owners.zone.push(i);
      // The parts schedule on the shared clock through a clock that makes their targets global.
      const clock = {
        get now() { return sim.now; },
        schedule(t: number, kind: number, target: number): number {
          const global = SERVER_EVENT.has(kind) ? spec.lo + target
            : kind === EventKind.ZoneFail ? base.zone + target
            : kind === EventKind.Outage ? base.outage + target : base.slowdown + target;
          return sim.schedule(t, kind, global);
        },
      } as unknown as Simulation;
      const part = new ServiceHealth(spec.lo, spec.hi, f, spec.health, spec.fleet, host, clock, seed * 7907 + i + 1);
      part.monitor.start(seed * 7919 + i + 1);
      return part;
    });
  }

  /** The service's parts of server `s` (global id), or null. */
  of(s: number): ServiceHealth | null {
    return this.services[this.serviceOfServer[s]];
  }

  /** An event of a failure process or a health monitor (kinds the topology does not handle itself). */
  handle(kind: number, target: number, id: number): void {
    if (SERVER_EVENT.has(kind)) {
      const part = this.of(target);
      if (part === null) return;
      const s = target - part.lo, failures = part.failures, monitor = part.monitor;
      switch (kind) {
        case EventKind.Fail: if (failures.lifecycleId[s] === id) this.fail(part, s); break;
        case EventKind.Repair: if (failures.lifecycleId[s] === id) this.repair(part, s); break;
        case EventKind.Recovered: if (failures.lifecycleId[s] === id) this.endRecovery(part, s); break;
        case EventKind.SlowStart: if (monitor.slowStartId[s] === id) monitor.slowStartStep(s); break;
        case EventKind.Probe: monitor.probe(s); break;
        case EventKind.ProbeFailed: monitor.probeFailed(s); break;
        case EventKind.Uneject: monitor.uneject(s); break;
      }
      return;
    }
    const owners = kind === EventKind.ZoneFail ? this.owners.zone : kind === EventKind.Outage ? this.owners.outage
      : kind === EventKind.Slowdown || kind === EventKind.SlowdownEnd ? this.owners.slowdown : null;
    if (owners === null) return; // not one of theirs
    const i = owners[target];
    if (i === undefined) return;
    const part = this.services[i]!, base = this.bases[i], now = this.host.sim.now;
    switch (kind) {
      case EventKind.Outage: {
        const outage = part.failures.config!.outages[target - base.outage];
        for (const s of outage.servers) this.fail(part, s, now + outage.forMs);
        break;
      }
      case EventKind.Slowdown:
      case EventKind.SlowdownEnd:
        part.failures.slowdown(target - base.slowdown, kind === EventKind.Slowdown);
        break;
      case EventKind.ZoneFail: {
        const z = target - base.zone, back = part.failures.zoneDown(z);
        for (const s of part.failures.config!.zones![z].servers) this.fail(part, s, back);
        if (!this.host.finished()) part.failures.scheduleZone(z, back);
        break;
      }
    }
  }

  /** An attempt reaches server `s` (global id): false when it is down (the attempt fails at once). */
  reachable(s: number): boolean {
    const part = this.of(s);
    if (part === null) return true;
    const local = s - part.lo, failures = part.failures, measuring = this.host.stats.measuring;
    if (failures.awaitingTraffic[local] === 1) {
      failures.awaitingTraffic[local] = 0;
      if (measuring) {
        part.counts.trafficReturnDelay.add(this.host.sim.now - failures.repairedAt[local]);
        this.host.stats.trafficReturnDelay.add(this.host.sim.now - failures.repairedAt[local]);
      }
    }
    if (this.host.pool.state[s] !== ServerState.Failed) return true;
    if (measuring) {
      part.counts.sentToFailed++;
      this.host.stats.sentToFailed++;
    }
    return false;
  }

  /** Speed of server `s` (global id) for work starting now: ramping up while it recovers. */
  speed(s: number): number {
    const pool = this.host.pool;
    if (pool.state[s] !== ServerState.Recovering) return pool.speedOf(s);
    const part = this.of(s)!;
    return part.failures.warmingSpeed(s - part.lo);
  }

  /** Local server `s` of `part` fails now, until `untilMs` (default: a repair time drawn; never without one). */
  private fail(part: ServiceHealth, s: number, untilMs?: number): void {
    const host = this.host, pool = host.pool, sim = host.sim, g = part.lo + s, failures = part.failures, now = sim.now;
    if (pool.state[g] === ServerState.Failed) {
      if (untilMs !== undefined) failures.lifecycleId[s] = sim.schedule(Math.max(now, untilMs), EventKind.Repair, g);
      return;
    }
    const measuring = host.stats.measuring;
    if (measuring) {
      part.counts.observed++;
      host.stats.failuresObserved++;
    }
    pool.setState(g, ServerState.Failed);
    failures.failedAt[s] = now;
    const chosen = part.monitor.view.eligible[s];
    failures.undetected[s] = chosen;
    if (chosen === 0 && measuring) {
      part.counts.whileExcluded++;
      host.stats.failuresWhileExcluded++;
    }
    host.abortServer(g);
    if (part.monitor.oracle) part.monitor.oracleSaw(s, false);
    const until = untilMs ?? failures.repairedBy(now);
    failures.lifecycleId[s] = until === Infinity ? -1 : sim.schedule(until, EventKind.Repair, g);
  }

  private repair(part: ServiceHealth, s: number): void {
    const pool = this.host.pool, sim = this.host.sim, g = part.lo + s, failures = part.failures, now = sim.now;
    if (pool.state[g] !== ServerState.Failed) return;
    failures.repairedAt[s] = now;
    failures.awaitingTraffic[s] = 1;
    failures.undetected[s] = 0;
    if (failures.warmupMs > 0) {
      pool.setState(g, ServerState.Recovering);
      failures.recoveringSince[s] = now;
      failures.lifecycleId[s] = sim.schedule(now + failures.warmupMs, EventKind.Recovered, g);
    } else {
      pool.setState(g, ServerState.Idle);
      failures.scheduleFailure(s);
    }
    if (part.monitor.oracle) part.monitor.oracleSaw(s, true);
  }

  private endRecovery(part: ServiceHealth, s: number): void {
    const pool = this.host.pool, g = part.lo + s;
    pool.setState(g, pool.inServiceOf(g) > 0 ? ServerState.Busy : ServerState.Idle);
    part.failures.scheduleFailure(s);
  }
}
