/**
 * A run stopped by one of its bounds (`stop.maxEvents`, `stop.maxInFlight`) rather than by its
 * scenario's end. It is a ScenarioError (the CLI exits 2): the scenario asked for a run that does
 * not end, or one that piles up requests without bound; the message says which field to change.
 */
import { ScenarioError } from '../input/check.js';
import { MAX_TIME_MS, type TimeLimitError } from '../engine/simulation.js';

export class RunLimitError extends ScenarioError {
  /** `message` names simulated times as "<t> ms"; they are printed to the microsecond. */
  constructor(path: 'stop.maxEvents' | 'stop.maxInFlight' | 'stop.timeMs', limit: number, message: string) {
    super(path, limit, roundedTimes(message));
    this.message = `${path}: ${this.expected}`;
    this.name = 'RunLimitError';
  }
}

/** Each "<t> ms" with a fraction in `text` to at most 3 decimals: 12345.678901234 ms → 12345.679 ms. */
function roundedTimes(text: string): string {
  return text.replace(/\d+\.\d+(?= ms\b)/g, (t) => String(Number(Number(t).toFixed(3))));
}

/** Default event budget: a fixed allowance plus this many events per arrival. */
export const EVENTS_BASE = 10_000_000;
export const EVENTS_PER_ARRIVAL = 10_000;
/** Default bound on requests in flight at once (rows of the request table). */
export const DEFAULT_MAX_IN_FLIGHT = 10_000_000;

/** An event beyond MAX_TIME_MS, as the scenario's problem: a time, rate or duration that large. */
export function timeLimitError(e: TimeLimitError): RunLimitError {
  return new RunLimitError('stop.timeMs', MAX_TIME_MS,
    `at ${e.nowMs} ms of simulated time an event came due at ${e.atMs} ms, beyond ${MAX_TIME_MS} ms (≈ 317 years) where ` +
    'times in ms stop being exact: a service time, arrival gap, think time, failure or repair time that large (a distribution ' +
    'with a huge value or a very heavy tail, or a tiny rate) — bound it');
}
