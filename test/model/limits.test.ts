/** The bounds that keep a run finite: stop.maxEvents and stop.maxInFlight. */
import { describe, expect, it } from 'vitest';
import { RunLimitError, simulate, type ScenarioInput } from '../../src/index.js';
import { thrownScenarioError } from '../scenario-error.js';

const base = {
  servers: [{ count: 1 }],
  arrivals: { process: 'poisson', ratePerSec: 1 },
  balancer: { name: 'round-robin' },
} satisfies Partial<ScenarioInput>;

describe('stop.maxEvents', () => {
  it('ends 1 ms health checks beside one request of 10¹¹ ms with an error naming stop.maxEvents', () => {
    // Without a bound this is ~10¹¹ probe events (hours of CPU).
    const e = thrownScenarioError(() =>
      simulate({
        ...base,
        stop: { requests: 1 },
        service: { dist: 'constant', valueMs: 1e11 },
        health: { intervalMs: 1, timeoutMs: 0.5 },
      }),
    );
    expect(e).toBeInstanceOf(RunLimitError);
    expect(e.path).toBe('stop.maxEvents');
    expect(e.message).toMatch(/^stop\.maxEvents: .*10,010,000 events.*set stop\.maxEvents higher/);
  });

  it('stops at the events a scenario allows, and a higher limit lets the same run finish', () => {
    const scenario: ScenarioInput = { ...base, stop: { requests: 1000, maxEvents: 500 }, service: { dist: 'exponential', meanMs: 1 } };
    expect(thrownScenarioError(() => simulate(scenario)).path).toBe('stop.maxEvents');
    const s = simulate({ ...scenario, stop: { requests: 1000, maxEvents: 5000 } });
    expect(s.requests.succeeded).toBe(1000);
    expect(s.events).toBeLessThanOrEqual(5000);
  });

  it('leaves ordinary runs alone: the default budget grows with every arrival', () => {
    // 200 servers probed every 1 ms for ~10 s of simulated time: ~2·10⁶ probes for 10⁴ arrivals.
    const s = simulate({
      ...base,
      servers: [{ count: 200 }],
      arrivals: { process: 'poisson', ratePerSec: 1000 },
      stop: { requests: 10_000 },
      service: { dist: 'exponential', meanMs: 1 },
      health: { intervalMs: 1, timeoutMs: 0.5 },
    });
    expect(s.requests.succeeded).toBe(10_000);
  });

  it('is refused when it is not a positive integer', () => {
    for (const maxEvents of [0, -1, 1.5, '10', null]) {
      expect(thrownScenarioError(() => simulate({ ...base, stop: { requests: 10, maxEvents: maxEvents as number }, service: { dist: 'exponential', meanMs: 1 } })).path)
        .toBe('stop.maxEvents');
    }
  });
});

describe('the time bound', () => {
  it('refuses a run whose events would pass 10¹³ ms, where ms arithmetic stops being exact', () => {
    // A 1e308 ms service used to print latency 0 and exit 0 (found by review); a constant that long is now
    // refused when read (durations are capped at 1e12 ms: test/scenario/distribution-caps.test.ts), tails this heavy are not.
    for (const service of [{ dist: 'lognormal', mu: 0, sigma: 1e300 }, { dist: 'pareto', alpha: 1e-300, minMs: 1 }] as const) {
      const e = thrownScenarioError(() => simulate({ ...base, stop: { requests: 10 }, service }));
      expect(e.path).toBe('stop.timeMs');
      expect(e.message).toMatch(/beyond 10000000000000 ms/);
    }
    expect(thrownScenarioError(() => simulate({ ...base, stop: { timeMs: 1e300 }, service: { dist: 'exponential', meanMs: 1 } })).path).toBe('stop.timeMs');
    // A first arrival beyond the bound (a tiny rate) is caught when the model is built, too.
    expect(thrownScenarioError(() => simulate({ ...base, arrivals: { process: 'poisson', ratePerSec: 1e-300 }, stop: { requests: 10 }, service: { dist: 'exponential', meanMs: 1 } })).path).toBe('stop.timeMs');
  });
});

describe('stop.maxInFlight', () => {
  it('holds below the request table\'s first size too', () => {
    const e = thrownScenarioError(() => simulate({
      ...base, arrivals: { process: 'poisson', ratePerSec: 3000 }, stop: { requests: 1000, maxInFlight: 10 },
      service: { dist: 'exponential', meanMs: 1 },
    }));
    expect(e.message).toMatch(/more than 10 requests/);
  });

  it('ends an unbounded queue at ρ = 1.5 with an error that names queueLimit', () => {
    const e = thrownScenarioError(() =>
      simulate({
        ...base,
        arrivals: { process: 'poisson', ratePerSec: 1500 },
        stop: { requests: 1_000_000, maxInFlight: 10_000 },
        service: { dist: 'exponential', meanMs: 1 },
      }),
    );
    expect(e).toBeInstanceOf(RunLimitError);
    expect(e.path).toBe('stop.maxInFlight');
    expect(e.message).toMatch(/more than 10,000 requests .*in flight.*queueLimit.*stop\.maxInFlight/);
  });

  it('lets the same overload run when the waiting room is bounded', () => {
    const s = simulate({
      ...base,
      servers: [{ count: 1, queueLimit: 100 }],
      arrivals: { process: 'poisson', ratePerSec: 1500 },
      stop: { requests: 100_000, maxInFlight: 10_000 },
      service: { dist: 'exponential', meanMs: 1 },
    });
    expect(s.requests.dropped).toBeGreaterThan(25_000);
    const r = s.requests;
    expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
  });
});
