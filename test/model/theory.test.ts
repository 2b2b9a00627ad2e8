/**
 * The engine against queueing theory (closed forms in theory.ts). Times are in units of the mean
 * service time: service meanMs = 1, so latencies in ms are the theory's numbers.
 *
 * Tolerances are ~4 standard deviations of the estimate, from the asymptotic variance of the
 * time-average number in an M/M/1 queue, σ²_L = 2ρ(1 + ρ)/(1 − ρ)⁴ (Whitt 1989); by Little's law
 * the mean response of n requests then has relative sd ≈ √(2(1 + ρ)/n) / (1 − ρ). Where no
 * closed form exists the sd was measured over 20 seeds and is quoted beside the test.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type DistributionInput, type ScenarioInput } from '../../src/index.js';
import { erlangB, erlangC, mm1kBlocking, mmcResponse, roundRobinResponse, supermarketResponse } from './theory.js';

const relSdMM1 = (rho: number, n: number) => Math.sqrt((2 * (1 + rho)) / n) / (1 - rho);

function scenario(over: Partial<ScenarioInput>): ScenarioInput {
  return {
    seed: 7,
    stop: { requests: 1_000_000, warmupMs: 200 },
    servers: [{ count: 1 }],
    arrivals: { process: 'poisson', ratePerSec: 500 },
    service: { dist: 'exponential', meanMs: 1 },
    balancer: { name: 'round-robin' },
    ...over,
  };
}

describe('single-server queues', () => {
  it('M/M/1 at ρ = 0.7 has mean response 1/(1 − ρ)', () => {
    const n = 2_000_000, rho = 0.7;
    const s = simulate(scenario({ stop: { requests: n, warmupMs: 200 }, arrivals: { process: 'poisson', ratePerSec: 700 } }));
    const w = 1 / (1 - rho);
    expect(Math.abs(s.latencyMs.mean / w - 1)).toBeLessThan(4 * relSdMM1(rho, n));
    // Utilisation is ρ; its sd is far below the response time's.
    expect(s.servers[0].utilization).toBeCloseTo(rho, 2);
    // Response time of M/M/1 is exponential with rate 1 − ρ: p99 = ln(100)/(1 − ρ) (histogram ±1%).
    expect(Math.abs(s.latencyMs.p99 / (Math.log(100) / (1 - rho)) - 1)).toBeLessThan(0.03);
  });

  it('M/D/1 at ρ = 0.7 has mean response S + ρS/(2(1 − ρ)) (Pollaczek–Khinchine)', () => {
    const n = 2_000_000, rho = 0.7;
    const s = simulate(scenario({
      stop: { requests: n, warmupMs: 200 },
      arrivals: { process: 'poisson', ratePerSec: 700 },
      service: { dist: 'constant', valueMs: 1 },
    }));
    const w = 1 + rho / (2 * (1 - rho));
    // Deterministic service has less variance than exponential: the M/M/1 bound is conservative.
    expect(Math.abs(s.latencyMs.mean / w - 1)).toBeLessThan(4 * relSdMM1(rho, n));
    expect(s.latencyMs.p50).toBeGreaterThanOrEqual(1);
  });

  it('M/G/1 with lognormal service matches Pollaczek–Khinchine', () => {
    // lognormal mu = −σ²/2 gives E[S] = 1 and E[S²] = e^{σ²}; σ = 0.5.
    const n = 2_000_000, rho = 0.6, sigma = 0.5;
    const s = simulate(scenario({
      stop: { requests: n, warmupMs: 200 },
      arrivals: { process: 'poisson', ratePerSec: 600 },
      service: { dist: 'lognormal', mu: -(sigma ** 2) / 2, sigma },
    }));
    const w = 1 + (rho * Math.exp(sigma ** 2)) / (2 * (1 - rho));
    expect(Math.abs(s.latencyMs.mean / w - 1)).toBeLessThan(4 * relSdMM1(rho, n));
  });

  it('M/M/1/K blocks arrivals with probability (1 − ρ)ρ^K / (1 − ρ^(K+1))', () => {
    // K = 5 in system: 1 in service + queueLimit 4. Seed-to-seed sd of the drop fraction at
    // n = 1e6, measured over 20 seeds: 0.36% relative; tolerance 4 sd.
    const rho = 0.8, k = 5;
    const s = simulate(scenario({
      servers: [{ count: 1, queueLimit: k - 1 }],
      arrivals: { process: 'poisson', ratePerSec: 800 },
    }));
    const loss = s.requests.dropped / s.requests.arrived;
    expect(Math.abs(loss / mm1kBlocking(rho, k) - 1)).toBeLessThan(0.015);
  });
});

describe('multi-slot servers', () => {
  it('M/M/16 at ρ = 0.9 matches Erlang C (W = 1.369590)', () => {
    // Seed-to-seed sd at n = 4e6, measured over 20 seeds: 0.33%; tolerance 4 sd.
    const s = simulate(scenario({
      stop: { requests: 4_000_000, warmupMs: 100 },
      servers: [{ count: 1, concurrency: 16 }],
      arrivals: { process: 'poisson', ratePerSec: 14_400 },
    }));
    expect(mmcResponse(16, 14.4)).toBeCloseTo(1.36959, 5);
    expect(erlangC(16, 14.4)).toBeCloseTo(0.591343, 6);
    expect(Math.abs(s.latencyMs.mean / 1.36959 - 1)).toBeLessThan(0.013);
    expect(Math.abs(s.latencyMs.p99 / 5.26983 - 1)).toBeLessThan(0.03);
    expect(s.servers[0].utilization).toBeCloseTo(0.9, 2);
  });

  it('M/M/c/c (queueLimit 0) blocks with Erlang B, whatever the service distribution', () => {
    // c = 10, a = 7 Erlangs. Insensitivity: lognormal service gives the same blocking.
    // Seed-to-seed sd of the blocking fraction at n = 1e6, measured over 20 seeds: 0.40%
    // (exponential service), 0.71% (lognormal); tolerance 4 sd.
    const b = erlangB(10, 7);
    const cases: { service: DistributionInput; tolerance: number }[] = [
      { service: { dist: 'exponential', meanMs: 1 }, tolerance: 0.016 },
      { service: { dist: 'lognormal', medianMs: 0.5, p99Ms: 8 }, tolerance: 0.028 },
    ];
    for (const { service, tolerance } of cases) {
      const mean = service.dist === 'exponential' ? 1 : 0.5 * Math.exp((Math.log(16) / 2.326348) ** 2 / 2);
      const s = simulate(scenario({
        servers: [{ count: 1, concurrency: 10, queueLimit: 0 }],
        arrivals: { process: 'poisson', ratePerSec: 7000 / mean },
        service,
      }));
      expect(Math.abs(s.requests.dropped / s.requests.arrived / b - 1)).toBeLessThan(tolerance);
    }
  });
});

describe('dispatch policies over identical servers', () => {
  it('round robin over 10 servers at ρ = 0.9 is an E10/M/1 queue (W = 5.660276)', () => {
    // Seed-to-seed sd at n = 2e6, measured over 20 seeds: 0.79%; tolerance 4 sd.
    expect(roundRobinResponse(10, 0.9)).toBeCloseTo(5.660276, 5);
    const s = simulate(scenario({
      stop: { requests: 2_000_000, warmupMs: 200 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 9000 },
    }));
    expect(Math.abs(s.latencyMs.mean / 5.660276 - 1)).toBeLessThan(0.032);
  });

  // Four policies and the pooled queue over 4 servers at ρ = 0.8, 10⁶ requests each: one test per
  // run (each alone takes seconds on a busy machine), the ordering checked on the cached means.
  const base = scenario({ stop: { requests: 1_000_000, warmupMs: 200 }, servers: [{ count: 4 }], arrivals: { process: 'poisson', ratePerSec: 3200 } });
  const means = new Map<string, number>();
  const meanOf = (policy: string): number => {
    if (!means.has(policy)) {
      const input = policy === 'pooled' ? { ...base, servers: [{ count: 1, concurrency: 4 }] } : base;
      means.set(policy, simulate(input, policy === 'pooled' ? {} : { balancer: policy }).latencyMs.mean);
    }
    return means.get(policy)!;
  };

  it('one queue for 4 servers at ρ = 0.8 matches Erlang C (M/M/4)', () => {
    expect(Math.abs(meanOf('pooled') / mmcResponse(4, 3.2) - 1)).toBeLessThan(0.03);
  });

  it('round robin over 4 servers at ρ = 0.8 is an E4/M/1 queue', () => {
    // Round robin's seed-to-seed sd at n = 1e6, measured over 20 seeds: 0.44%; tolerance 4 sd.
    expect(Math.abs(meanOf('round-robin') / roundRobinResponse(4, 0.8) - 1)).toBeLessThan(0.018);
  });

  it('random over 4 servers at ρ = 0.8 is four M/M/1 queues (W = 5)', () => {
    expect(Math.abs(meanOf('random') / 5 - 1)).toBeLessThan(4 * relSdMM1(0.8, 1_000_000));
  });

  it.each(['join-shortest-queue', 'power-of-two'])('%s over 4 servers at ρ = 0.8 runs between the pooled queue and random', (policy) => {
    expect(meanOf(policy)).toBeGreaterThan(mmcResponse(4, 3.2));
    expect(meanOf(policy)).toBeLessThan(5);
  });

  it('orders policies on 4 servers at ρ = 0.8: M/M/4 < JSQ < P2C < round robin < random', () => {
    const [pooled, jsq, p2c, rr, random] = ['pooled', 'join-shortest-queue', 'power-of-two', 'round-robin', 'random'].map(meanOf);
    expect(pooled).toBeLessThan(jsq);
    expect(jsq).toBeLessThan(p2c);
    expect(p2c).toBeLessThan(rr);
    expect(rr).toBeLessThan(random);
  });

  it('power-of-two over 500 servers at λ = 0.9 lands near the supermarket fixed point 2.6141', () => {
    expect(supermarketResponse(2, 0.9)).toBeCloseTo(2.6141, 4);
    const s = simulate(scenario({
      stop: { requests: 2_000_000, warmupMs: 100 },
      servers: [{ count: 500 }],
      arrivals: { process: 'poisson', ratePerSec: 450_000 },
      balancer: { name: 'power-of-two' },
    }));
    // Over 20 seeds: mean 2.6187 (+0.18%: 500 servers, not the N → ∞ limit), sd 0.32%.
    expect(Math.abs(s.latencyMs.mean / 2.6141 - 1)).toBeLessThan(0.015);
  });

  it('random over 500 servers at λ = 0.9 lands near the M/M/1 value 10', () => {
    // 500 independent M/M/1 queues: the pooled mean has the sd of one M/M/1 run of n requests.
    const n = 2_000_000;
    const s = simulate(scenario({
      stop: { requests: n, warmupMs: 1000 },
      servers: [{ count: 500 }],
      arrivals: { process: 'poisson', ratePerSec: 450_000 },
      balancer: { name: 'random' },
    }));
    expect(Math.abs(s.latencyMs.mean / 10 - 1)).toBeLessThan(4 * relSdMM1(0.9, n));
  });
});
