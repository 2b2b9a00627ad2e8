/**
 * The playground's knobs as plain values, and how they rewrite a scenario: arrival rate,
 * request-size distribution (same mean, different shape), number of servers and their power.
 * The result is scenario JSON, validated again by `parseScenario`, so a knob cannot produce a
 * scenario the CLI would refuse.
 */
import type { Scenario } from '../src/scenario/pool-scenario.js';
import { parseScenario } from './scenario-parse.js';
import type { DistributionSpec } from '../src/random/distributions.js';

export const SIZES = ['constant', 'uniform', 'exponential', 'heavy-tail'] as const;
export type SizeName = (typeof SIZES)[number];
export const POWER = ['equal', 'mixed'] as const;
export type PowerName = (typeof POWER)[number];
/** Speeds given to servers in turn when power is mixed (weights follow). */
export const MIXED_SPEEDS: readonly number[] = [2, 1.5, 1, 0.5];
/** Lognormal shape of the heavy-tailed size (p99 ≈ 16 × median). */
const HEAVY_SIGMA = 1.2;
const Z99 = 2.3263478740408408;

export interface ControlValues {
  ratePerSec: number;
  size: SizeName;
  servers: number;
  power: PowerName;
}

/** The knobs' positions for scenario `s` arriving at `ratePerSec`. */
export function readControls(s: Scenario, ratePerSec: number): ControlValues {
  const servers = s.servers.reduce((n, g) => n + g.count, 0);
  const speeds = new Set(s.servers.map((g) => g.speed));
  const size: SizeName =
    s.service.dist === 'constant' ? 'constant' : s.service.dist === 'uniform' ? 'uniform' : s.service.dist === 'exponential' ? 'exponential' : 'heavy-tail';
  return { ratePerSec: round(ratePerSec), size, servers, power: speeds.size > 1 ? 'mixed' : 'equal' };
}

/**
 * Scenario JSON `json` (as written, not parsed: parsing is not idempotent) with the knobs
 * applied and validated; request sizes keep mean `meanCostMs`.
 */
export function applyControls(json: Record<string, unknown>, c: ControlValues, meanCostMs: number): Scenario {
  const parsed = parseScenario(json);
  const first = parsed.servers[0];
  const n = Math.max(1, Math.round(c.servers));
  const base = { concurrency: first.concurrency, ...(first.queueLimit === undefined ? {} : { queueLimit: first.queueLimit }) };
  const servers = c.power === 'equal'
    ? [{ count: n, ...base }]
    : Array.from({ length: n }, (_, i) => {
        const speed = MIXED_SPEEDS[i % MIXED_SPEEDS.length];
        return { name: `s${i + 1}`, count: 1, speed, weight: speed, ...base };
      });
  const arrivals = parsed.arrivals.process === 'constant'
    ? { process: 'constant', ratePerSec: c.ratePerSec }
    : { process: 'poisson', ratePerSec: c.ratePerSec };
  const next: Record<string, unknown> = { ...json, servers, arrivals, service: sizeSpec(c.size, meanCostMs) };
  const failures = json.failures as Record<string, unknown> | undefined;
  if (failures && typeof failures === 'object') {
    // Outages and slowdowns of servers that no longer exist are left out.
    const keep = (list: unknown) =>
      (Array.isArray(list) ? (list as { servers: number[] }[]) : [])
        .map((o) => ({ ...o, servers: Array.isArray(o.servers) ? o.servers.filter((id) => id < n) : o.servers }))
        .filter((o) => !Array.isArray(o.servers) || o.servers.length > 0);
    next.failures = { ...failures, outages: keep(failures.outages), slowdowns: keep(failures.slowdowns) };
  }
  return parseScenario(next);
}

export function sizeSpec(size: SizeName, meanMs: number): DistributionSpec {
  switch (size) {
    case 'constant': return { dist: 'constant', valueMs: meanMs };
    case 'uniform': return { dist: 'uniform', minMs: meanMs * 0.2, maxMs: meanMs * 1.8 };
    case 'exponential': return { dist: 'exponential', meanMs };
    case 'heavy-tail': {
      const medianMs = meanMs / Math.exp((HEAVY_SIGMA * HEAVY_SIGMA) / 2);
      return { dist: 'lognormal', medianMs, p99Ms: medianMs * Math.exp(Z99 * HEAVY_SIGMA) };
    }
  }
}

function round(x: number): number {
  return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
}
