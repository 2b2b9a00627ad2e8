/** Validation of the scenario's `client` section (timeouts, retries, hedging). */
import { ScenarioError, booleanField, join, numberField, object, oneOf, optionalNumberField } from '../input/check.js';
import { JITTERS, type ClientConfig, type RetryConfig } from '../model/client.js';

/**
 * Longest delay a client or edge field may give, in ms (≈ 31.7 years): as a workflow's withinMs
 * and stop.timeMs (MAX_TIME_MS / 10), so a run stops naming the field rather than the engine's
 * time limit.
 */
export const MAX_CLIENT_MS = 1e12;

/** A client policy: the scenario's `client`, or an edge's in a topology (`path` says where). */
export function parseClient(value: unknown, path = 'client'): ClientConfig {
  const o = object(value, path, ['timeoutMs', 'deadlineMs', 'connectTimeoutMs', 'cancel', 'retries', 'hedge']);
  const config: ClientConfig = {
    connectTimeoutMs: numberField(o, 'connectTimeoutMs', path, { min: 0, max: MAX_CLIENT_MS }, 0),
    cancel: booleanField(o, 'cancel', path, false),
  };
  const timeoutMs = optionalNumberField(o, 'timeoutMs', path, { above: 0, max: MAX_CLIENT_MS });
  const deadlineMs = optionalNumberField(o, 'deadlineMs', path, { above: 0, max: MAX_CLIENT_MS });
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (deadlineMs !== undefined) config.deadlineMs = deadlineMs;
  if (o.retries !== undefined) config.retries = parseRetries(o.retries, join(path, 'retries'));
  if (o.hedge !== undefined) {
    const hp = join(path, 'hedge');
    const h = object(o.hedge, hp, ['afterMs', 'percentile', 'max']);
    const afterMs = optionalNumberField(h, 'afterMs', hp, { above: 0, max: MAX_CLIENT_MS });
    const percentile = optionalNumberField(h, 'percentile', hp, { above: 0, max: 99.99 });
    if (afterMs === undefined && percentile === undefined) {
      throw new ScenarioError(hp, o.hedge, '"afterMs" (a delay) and/or "percentile" (hedge after that latency percentile)');
    }
    config.hedge = { max: numberField(h, 'max', hp, { integer: true, min: 1, max: 10 }, 1) };
    if (afterMs !== undefined) config.hedge.afterMs = afterMs;
    if (percentile !== undefined) config.hedge.percentile = percentile;
  }
  return config;
}

function parseRetries(value: unknown, path: string): RetryConfig {
  const o = object(value, path, ['max', 'baseMs', 'capMs', 'jitter', 'budget']);
  const baseMs = numberField(o, 'baseMs', path, { min: 0, max: MAX_CLIENT_MS }, 50);
  const retries: RetryConfig = {
    max: numberField(o, 'max', path, { integer: true, min: 0, max: 100 }),
    baseMs,
    capMs: numberField(o, 'capMs', path, { min: baseMs, max: MAX_CLIENT_MS }, Math.max(baseMs, 10_000)),
    jitter: o.jitter === undefined ? 'full' : oneOf(o.jitter, join(path, 'jitter'), JITTERS),
  };
  if (o.budget !== undefined) {
    const bp = join(path, 'budget');
    const b = object(o.budget, bp, ['ratio', 'minPerSec', 'burst']);
    retries.budget = {
      ratio: numberField(b, 'ratio', bp, { min: 0, max: 100 }, 0.2),
      minPerSec: numberField(b, 'minPerSec', bp, { min: 0 }, 10),
      burst: numberField(b, 'burst', bp, { min: 1 }, 100),
    };
  }
  return retries;
}
