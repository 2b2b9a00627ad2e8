/** Validation of the scenario's `health` section (active checks, outlier detection, panic). */
import { join, numberField, object } from '../input/check.js';
import type { HealthConfig } from '../model/health.js';

/** The `health` section as written in scenarios, with defaults filled in. */
export interface HealthSpec {
  intervalMs?: number;
  timeoutMs?: number;
  unhealthyThreshold?: number;
  healthyThreshold?: number;
  outlier?: { consecutiveErrors: number; baseEjectionMs: number; maxEjectionPercent: number };
  panicThresholdPercent: number;
  slowStartMs?: number;
}

export function parseHealth(value: unknown, path = 'health'): HealthSpec {
  const o = object(value, path, ['intervalMs', 'timeoutMs', 'unhealthyThreshold', 'healthyThreshold', 'outlier', 'panicThresholdPercent', 'slowStartMs']);
  const spec: HealthSpec = { panicThresholdPercent: numberField(o, 'panicThresholdPercent', path, { min: 0, max: 100 }, 50) };
  if (o.intervalMs !== undefined) {
    spec.intervalMs = numberField(o, 'intervalMs', path, { above: 0 });
    spec.timeoutMs = numberField(o, 'timeoutMs', path, { min: 0 }, 1000);
    spec.unhealthyThreshold = numberField(o, 'unhealthyThreshold', path, { integer: true, min: 1, max: 1000 }, 3);
    spec.healthyThreshold = numberField(o, 'healthyThreshold', path, { integer: true, min: 1, max: 1000 }, 2);
  } else {
    for (const key of ['timeoutMs', 'unhealthyThreshold', 'healthyThreshold']) {
      if (o[key] !== undefined) numberField(o, 'intervalMs', path, { above: 0 }); // names the missing field
    }
  }
  if (o.slowStartMs !== undefined) spec.slowStartMs = numberField(o, 'slowStartMs', path, { above: 0 });
  if (o.outlier !== undefined) {
    const op = join(path, 'outlier');
    const x = object(o.outlier, op, ['consecutiveErrors', 'baseEjectionMs', 'maxEjectionPercent']);
    spec.outlier = {
      consecutiveErrors: numberField(x, 'consecutiveErrors', op, { integer: true, min: 1, max: 1000 }, 5),
      baseEjectionMs: numberField(x, 'baseEjectionMs', op, { above: 0 }, 30_000),
      maxEjectionPercent: numberField(x, 'maxEjectionPercent', op, { min: 0, max: 100 }, 10),
    };
  }
  return spec;
}

/** The model's view of a validated `health` section. */
export function toHealthConfig(spec: HealthSpec): HealthConfig {
  const config: HealthConfig = { panicThresholdPercent: spec.panicThresholdPercent };
  if (spec.intervalMs !== undefined) {
    config.checks = {
      intervalMs: spec.intervalMs,
      timeoutMs: spec.timeoutMs!,
      unhealthyThreshold: spec.unhealthyThreshold!,
      healthyThreshold: spec.healthyThreshold!,
    };
  }
  if (spec.outlier) config.outlier = spec.outlier;
  if (spec.slowStartMs !== undefined) config.slowStartMs = spec.slowStartMs;
  return config;
}
