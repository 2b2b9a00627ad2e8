/**
 * The time scales of an animated scenario, derived from its workload so that any scenario —
 * 10 ms requests or 2 s ones — looks alike: how long a dot takes to fly to its server, how often
 * the charts take a point and over what window percentiles are computed, and the playback speed
 * at which a flight lasts about half a second of wall time. All in simulated ms.
 */
import type { Scenario } from '../src/scenario/pool-scenario.js';
import { createDistribution } from '../src/random/distributions.js';
import { createArrivals } from '../src/model/arrivals.js';
import { niceMs } from './series.js';

export interface Timing {
  /** Mean request cost at speed 1 (ms). */
  meanCostMs: number;
  /** Long-run arrivals per simulated second. */
  ratePerSec: number;
  /** Flight of a dot from the clients to its server. */
  travelMs: number;
  /** A finished request's exit animation. */
  leaveMs: number;
  /** One chart point per `sampleMs`; percentiles over the trailing `windowMs`. */
  sampleMs: number;
  windowMs: number;
  /** Simulated ms per wall ms at which a flight lasts ~450 ms, snapped to SPEEDS. */
  speed: number;
  /**
   * Upper edges of the dots' age bands (ms since arrival; the last band is open): 1, 2 and 4
   * times a round number near the mean cost, so "as old as one request's work" is the first edge.
   */
  ageBandsMs: readonly number[];
}

/** Playback speeds offered (simulated ms per wall ms). */
export const SPEEDS: readonly number[] = [0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25];

export function timingOf(scenario: Scenario): Timing {
  let meanCostMs = scenario.topology ? topologyWorkMs(scenario.topology.services) : createDistribution(scenario.service).meanMs;
  if (!Number.isFinite(meanCostMs) || meanCostMs <= 0) meanCostMs = 100;
  const a = scenario.arrivals;
  let ratePerSec = a.process === 'closed'
    ? (a.clients * 1000) / (createDistribution(a.thinkMs).meanMs + meanCostMs)
    : createArrivals(a, { next: () => 0.5 }).meanRatePerSec;
  if (!Number.isFinite(ratePerSec) || ratePerSec <= 0) ratePerSec = 1;
  const travelMs = Math.min(2_000, Math.max(1, meanCostMs * 0.6));
  const sampleMs = niceMs(Math.max(meanCostMs, 4_000 / ratePerSec));
  return {
    meanCostMs, ratePerSec, travelMs,
    leaveMs: travelMs * 0.9,
    sampleMs,
    windowMs: sampleMs * 10,
    speed: nearestSpeed(travelMs / 450),
    ageBandsMs: [1, 2, 4].map((k) => k * niceMs(meanCostMs)),
  };
}

/** A topology's cost scale: the mean over its services of the work one attempt does there. */
function topologyWorkMs(services: NonNullable<Scenario['topology']>['services']): number {
  let sum = 0;
  for (const svc of services) for (const step of svc.work) if ('work' in step) sum += createDistribution(step.work).meanMs;
  return sum / services.length;
}

export function nearestSpeed(x: number): number {
  let best = SPEEDS[0];
  for (const s of SPEEDS) if (Math.abs(Math.log(s / x)) < Math.abs(Math.log(best / x))) best = s;
  return best;
}
