/**
 * A run stopped by one of its bounds (`stop.maxEvents`, `stop.maxInFlight`) rather than by its
 * scenario's end. It is a ScenarioError (the CLI exits 2): the scenario asked for a run that does
 * not end, or one that piles up requests without bound; the message says which field to change.
 */
import { ScenarioError } from '../input/check.js';

export class RunLimitError extends ScenarioError {
  constructor(path: 'stop.maxEvents' | 'stop.maxInFlight', limit: number, message: string) {
    super(path, limit, message);
    this.message = `${path}: ${message}`;
    this.name = 'RunLimitError';
  }
}

/** Default event budget: a fixed allowance plus this many events per arrival. */
export const EVENTS_BASE = 10_000_000;
export const EVENTS_PER_ARRIVAL = 10_000;
/** Default bound on requests in flight at once (rows of the request table). */
export const DEFAULT_MAX_IN_FLIGHT = 10_000_000;
