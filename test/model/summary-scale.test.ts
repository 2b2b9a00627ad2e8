import { describe, expect, it } from 'vitest';
import { simulate, ScenarioError, type ScenarioInput, type Summary } from '../../src/index.js';
import { SERVERS_LISTED, TOP_SERVERS } from '../../src/model/summary.js';

const pool = (count: number): ScenarioInput => ({
  seed: 3,
  stop: { requests: 40_000, warmupMs: 5 },
  servers: [{ count, queueLimit: 2 }],
  arrivals: { process: 'poisson', ratePerSec: count * 80 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'power-of-two' },
});

/** Nearest-rank quantile of an ascending list. */
const rank = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
const r9 = (x: number) => Number(x.toPrecision(9));

describe('the Summary of pools above 10,000 servers', () => {
  it('lists the 20 busiest servers and the spread of each figure, which agree with the list of every server', () => {
    const n = SERVERS_LISTED + 1;
    const s = simulate(pool(n));
    const all = simulate(pool(n), { perServer: true });
    expect(all.servers).toHaveLength(n);
    expect(all.serverStats).toBeUndefined();
    expect(s.servers).toHaveLength(TOP_SERVERS);
    const st = s.serverStats!;
    expect(st.count).toBe(n);
    expect(st.listed).toBe(TOP_SERVERS);
    // The busiest, by utilisation then id: the head of every server sorted that way.
    const sorted = [...all.servers].sort((a, b) => b.utilization - a.utilization || a.id - b.id);
    expect(s.servers).toEqual(sorted.slice(0, TOP_SERVERS));
    const util = all.servers.map((v) => v.utilization).sort((a, b) => a - b);
    const done = all.servers.map((v) => v.completed).sort((a, b) => a - b);
    expect(st.utilization.p50).toBe(rank(util, 0.5));
    expect(st.utilization.p99).toBe(rank(util, 0.99));
    expect(st.utilization.min).toBe(util[0]);
    expect(st.utilization.max).toBe(util[n - 1]);
    expect(st.utilization.mean).toBeCloseTo(util.reduce((a, b) => a + b, 0) / n, 6);
    expect(st.completed.p90).toBe(rank(done, 0.9));
    expect(st.completed.mean).toBe(r9(done.reduce((a, b) => a + b, 0) / n));
    expect(st.dropped).toBe(all.servers.reduce((a, v) => a + v.dropped, 0));
    expect(st.utilization.max).toBeGreaterThan(st.utilization.p50);
    // Everything else is the same run.
    const rest = (x: Summary) => ({ ...x, servers: undefined, serverStats: undefined, wallMs: 0 });
    expect(rest(s)).toEqual(rest(all));
  });

  it('up to 10,000 servers lists every one, as before (no serverStats field)', () => {
    const s = simulate(pool(SERVERS_LISTED));
    expect(s.servers).toHaveLength(SERVERS_LISTED);
    expect('serverStats' in s).toBe(false);
  });

  it('options.perServer must be a boolean', () => {
    expect(() => simulate(pool(4), { perServer: 'yes' as never })).toThrow(ScenarioError);
    expect(() => simulate(pool(4), { perServer: 'yes' as never })).toThrow(/options\.perServer/);
  });
});
