/** Validation of the scenario's `health` section (active checks, outlier detection, panic). */
import { join, numberField, object } from '../input/check.js';
import type { HealthConfig } from '../model/health.js';

export function parseHealth(value: unknown): HealthConfig {
  const path = 'health';
  const o = object(value, path, ['intervalMs', 'timeoutMs', 'unhealthyThreshold', 'healthyThreshold', 'outlier', 'panicThresholdPercent']);
  const config: HealthConfig = { panicThresholdPercent: numberField(o, 'panicThresholdPercent', path, { min: 0, max: 100 }, 50) };
  if (o.intervalMs !== undefined) {
    config.checks = {
      intervalMs: numberField(o, 'intervalMs', path, { above: 0 }),
      timeoutMs: numberField(o, 'timeoutMs', path, { min: 0 }, 1000),
      unhealthyThreshold: numberField(o, 'unhealthyThreshold', path, { integer: true, min: 1, max: 1000 }, 3),
      healthyThreshold: numberField(o, 'healthyThreshold', path, { integer: true, min: 1, max: 1000 }, 2),
    };
  } else {
    for (const key of ['timeoutMs', 'unhealthyThreshold', 'healthyThreshold']) {
      if (o[key] !== undefined) numberField(o, 'intervalMs', path, { above: 0 }); // names the missing field
    }
  }
  if (o.outlier !== undefined) {
    const op = join(path, 'outlier');
    const x = object(o.outlier, op, ['consecutiveErrors', 'baseEjectionMs', 'maxEjectionPercent']);
    config.outlier = {
      consecutiveErrors: numberField(x, 'consecutiveErrors', op, { integer: true, min: 1, max: 1000 }, 5),
      baseEjectionMs: numberField(x, 'baseEjectionMs', op, { above: 0 }, 30_000),
      maxEjectionPercent: numberField(x, 'maxEjectionPercent', op, { min: 0, max: 100 }, 10),
    };
  }
  return config;
}
