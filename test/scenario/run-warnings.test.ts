import { describe, expect, it } from 'vitest';
import { parseScenario, preset, relaxationTimeMs, runWarnings } from '../../src/index.js';

/** One server, exponential 10 ms requests, these arrivals and stop rule. */
function scenario(arrivals: unknown, stop: unknown, more: Record<string, unknown> = {}) {
  return parseScenario({
    stop,
    servers: [{ count: 1 }],
    arrivals,
    service: { dist: 'exponential', meanMs: 10 },
    balancer: { name: 'round-robin' },
    ...more,
  });
}

const kinds = (s: ReturnType<typeof scenario>) => runWarnings(s).map((w) => w.kind);
const poisson = (ratePerSec: number) => ({ process: 'poisson', ratePerSec });

describe('runWarnings(scenario)', () => {
  it('has nothing to say about the default preset', () => {
    expect(runWarnings(parseScenario(preset('default')))).toEqual([]);
  });

  it('warns of ρ ≥ 1 in an open workload, naming queueLimit, or the share the queue limits must drop', () => {
    const [unbounded] = runWarnings(scenario(poisson(150), { timeMs: 100_000 }));
    expect(unbounded.kind).toBe('overload');
    expect(unbounded.message).toContain('ρ = 1.50 >= 1');
    expect(unbounded.message).toContain('servers[].queueLimit');
    const [bounded] = runWarnings(scenario(poisson(150), { timeMs: 100_000 }, { servers: [{ count: 1, queueLimit: 10 }] }));
    expect(bounded.message).toContain('at least 33% of requests'); // 1 − 1/1.5
    expect(kinds(scenario(poisson(99), { timeMs: 1e9 }))).toEqual([]);
  });

  it('does not call a saturated closed loop overloaded: its clients wait for answers', () => {
    const closed = scenario({ process: 'closed', clients: 100, thinkMs: { dist: 'constant', valueMs: 1 } }, { timeMs: 60_000 });
    expect(kinds(closed)).toEqual([]);
  });

  it('warns when the service distribution has no finite mean', () => {
    expect(kinds(scenario(poisson(10), { timeMs: 1e9 }, { service: { dist: 'pareto', alpha: 0.9, minMs: 1 } }))).toEqual(['no-mean-service']);
  });

  it('warns when the warm-up is expected to take more than half of stop.requests, or the whole run', () => {
    // 1,000/s: a 800 ms warm-up takes ≈ 800 of 1,000 arrivals.
    const most = runWarnings(scenario(poisson(1000), { requests: 1000, warmupMs: 800 }, { service: { dist: 'exponential', meanMs: 0.1 } }));
    expect(most.map((w) => w.kind)).toEqual(['warmup']);
    expect(most[0].message).toContain('stop.warmupMs (800 ms) is expected to discard 80%');
    const all = runWarnings(scenario(poisson(1000), { requests: 1000, warmupMs: 2000 }, { service: { dist: 'exponential', meanMs: 0.1 } }));
    expect(all.map((w) => w.kind)).toEqual(['warmup']);
    expect(all[0].message).toContain('end inside the warm-up');
    const half = scenario(poisson(1000), { requests: 1000, warmupMs: 400 }, { service: { dist: 'exponential', meanMs: 0.1 } });
    expect(kinds(half)).toEqual([]);
  });

  it("counts warm-up arrivals by the process's rate over time, not its mean", () => {
    // Bursts of 100/s for 300 ms each second: a 300 ms warm-up of a 1 s run takes all 30 arrivals,
    // where Poisson arrivals at the same mean (30/s) would lose 30%.
    const stop = { timeMs: 1000, warmupMs: 300 };
    const service = { dist: 'exponential', meanMs: 0.1 };
    expect(kinds(scenario({ process: 'on-off', ratePerSec: 100, offRatePerSec: 0, onMs: 300, offMs: 700 }, stop, { service }))).toEqual(['warmup']);
    expect(kinds(scenario(poisson(30), stop, { service }))).toEqual([]);
  });

  it('warns when the measured window is shorter than 20 relaxation times', () => {
    // M/M/1 at ρ = 0.81: τ = 10 ms / (1 − 0.9)² = 1 s, so 20 s are needed after the warm-up.
    const short = scenario(poisson(81), { timeMs: 20_500, warmupMs: 1000 });
    expect(relaxationTimeMs(short)).toBeCloseTo(1000, 6);
    const [w] = runWarnings(short);
    expect(w.kind).toBe('short-window');
    expect(w.message).toContain('≈ 19.5 s after the warm-up');
    expect(w.message).toContain('τ ≈ 1 s');
    expect(w.message).toContain('stop.timeMs ≈ 21,000');
    expect(kinds(scenario(poisson(81), { timeMs: 21_500, warmupMs: 1000 }))).toEqual([]);
    // Bound by stop.requests, the advice is a request count: 20 s at 81/s.
    expect(runWarnings(scenario(poisson(81), { requests: 1000 }))[0].message).toContain('stop.requests ≈ 1,620');
  });

  it('takes a queue limit into the relaxation time: an M/M/1/N chain relaxes at μ(1 + ρ − 2√ρ cos(π/(N + 1)))', () => {
    // queueLimit 0 ⇒ N = 1: gap λ + μ = 0.081 + 0.1 per ms.
    expect(relaxationTimeMs(scenario(poisson(81), { timeMs: 1 }, { servers: [{ count: 1, queueLimit: 0 }] }))).toBeCloseTo(1 / 0.181, 9);
    // queueLimit 1 ⇒ N = 2: gap λ + μ − √(λμ).
    const gap = 0.081 + 0.1 - Math.sqrt(0.0081);
    expect(relaxationTimeMs(scenario(poisson(81), { timeMs: 1 }, { servers: [{ count: 1, queueLimit: 1 }] }))).toBeCloseTo(1 / gap, 9);
    // Overloaded but bounded: finite.
    expect(Number.isFinite(relaxationTimeMs(scenario(poisson(300), { timeMs: 1 }, { servers: [{ count: 1, queueLimit: 50 }] })))).toBe(true);
    expect(relaxationTimeMs(scenario(poisson(300), { timeMs: 1 }))).toBe(Infinity);
  });

  it('leaves closed loops out of the window rule', () => {
    const closed = scenario({ process: 'closed', clients: 5, thinkMs: { dist: 'exponential', meanMs: 40 } }, { timeMs: 100 });
    expect(kinds(closed)).toEqual([]);
  });
});
