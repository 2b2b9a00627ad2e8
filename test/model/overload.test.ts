/** Overload control on the server side, closed-loop clients, health checks and gray failure. */
import { describe, expect, it } from 'vitest';
import { preset, simulate, type DisciplineName, type ScenarioInput } from '../../src/index.js';

describe('queue disciplines under overload', () => {
  // The `overload` preset: one server at ρ = 1.2, clients giving up after 200 ms.
  const overloaded = (discipline: DisciplineName) => simulate({ ...preset('overload')!, servers: [{ count: 1, discipline }] });

  it('FIFO collapses: every request served has already timed out', () => {
    const s = overloaded('fifo');
    expect(s.client.serverThroughputPerSec).toBeGreaterThan(95);
    expect(s.client.goodputPerSec).toBeLessThan(1);
  });

  it('adaptive LIFO keeps goodput near capacity by shedding stale work', () => {
    // Measured: 84.5/s, no timeouts; the rest is shed (dropped) in the queue.
    const s = overloaded('adaptive-lifo');
    expect(s.client.goodputPerSec).toBeGreaterThan(75);
    expect(s.requests.timedOut).toBe(0);
    expect(s.latencyMs.p99).toBeLessThan(200);
  });
});

describe('closed-loop clients', () => {
  it('N clients with exponential think time match the machine-repairman model (M/M/1//N)', () => {
    // N = 10, think Z = 100 ms, service S = 10 ms: P0 = 1 / Σ_k N!/(N−k)! (S/Z)^k, X = (1 − P0)/S,
    // R = N/X − Z. Over 5e5 requests the estimates are within ~0.3% (a few σ: 0.1% measured).
    const s = simulate({
      seed: 6,
      stop: { requests: 500_000 },
      servers: [{ count: 1 }],
      arrivals: { process: 'closed', clients: 10, thinkMs: { dist: 'exponential', meanMs: 100 } },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'round-robin' },
    });
    let sum = 0, term = 1;
    for (let k = 0; k <= 10; k++) {
      if (k > 0) term *= (10 - k + 1) * 0.1;
      sum += term;
    }
    const x = ((1 - 1 / sum) / 10) * 1000;
    expect(Math.abs(s.throughputPerSec / x - 1)).toBeLessThan(0.005);
    expect(Math.abs(s.latencyMs.mean / ((10 / x) * 1000 - 100) - 1)).toBeLessThan(0.02);
  });

  it('overload slows the clients down instead of growing queues', () => {
    const s = simulate({
      seed: 6,
      stop: { timeMs: 20_000 },
      servers: [{ count: 1 }],
      arrivals: { process: 'closed', clients: 50, thinkMs: { dist: 'constant', valueMs: 1 } },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'round-robin' },
    });
    expect(s.requests.inFlight).toBeLessThanOrEqual(50);
    expect(s.servers[0].meanQueueLength).toBeLessThan(50);
  });
});

describe('health: what the balancer believes', () => {
  const base: ScenarioInput = {
    seed: 4,
    stop: { timeMs: 30_000 },
    servers: [{ count: 10 }],
    arrivals: { process: 'poisson', ratePerSec: 500 },
    service: { dist: 'exponential', meanMs: 10 },
    balancer: { name: 'round-robin' },
    failures: { outages: [{ atMs: 2_000, forMs: 20_000, servers: [0] }] },
  };

  it('active checks notice a failure after about threshold × interval, and traffic returns after healthyThreshold probes', () => {
    const s = simulate({ ...base, health: { intervalMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2, timeoutMs: 1_000 } });
    // 3 failed probes: between 2 and 3 intervals after the failure, plus the 1 s probe timeout.
    expect(s.failures.detectionDelayMs).toBeGreaterThan(10_000 + 1_000);
    expect(s.failures.detectionDelayMs).toBeLessThan(15_000 + 1_000);
    expect(s.failures.sentToFailed).toBeGreaterThan(500);
    expect(s.failures.trafficReturnDelayMs).toBeGreaterThan(5_000);
    expect(s.failures.trafficReturnDelayMs).toBeLessThan(10_000);
  });

  it('outlier detection cuts the errors after a failure (ejection after 5 consecutive errors)', () => {
    const checksOnly = simulate({ ...base, health: { intervalMs: 5_000, unhealthyThreshold: 3 } });
    const withOutlier = simulate({ ...base, health: { intervalMs: 5_000, unhealthyThreshold: 3, outlier: { consecutiveErrors: 5, baseEjectionMs: 10_000 } } });
    expect(withOutlier.requests.failed).toBeLessThan(checksOnly.requests.failed / 20);
    expect(withOutlier.failures.detectionDelayMs).toBeLessThan(500);
  });

  it('panic mode balances over all servers when too few are healthy', () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const down = { ...base, failures: { outages: [{ atMs: 2_000, forMs: 5_000, servers: all.slice(0, 6) }] } };
    const strict = simulate({ ...down, health: { intervalMs: 500, unhealthyThreshold: 1, panicThresholdPercent: 0 } });
    const panic = simulate({ ...down, health: { intervalMs: 500, unhealthyThreshold: 1, panicThresholdPercent: 50 } });
    // Both send to the 6 failed servers until probes notice (~1.3 s, ~400 attempts); then strict
    // stops, while panic (4 of 10 healthy < 50%) keeps sending 60% of the traffic there (~1,100 more).
    expect(panic.failures.sentToFailed).toBeGreaterThan(strict.failures.sentToFailed * 3);
    expect(strict.failures.sentToFailed).toBeLessThan(600);
  });
});

describe('gray failure', () => {
  it('a server slowed 10× hurts round robin far more than least-connections or power-of-two', () => {
    const base = preset('gray-failure')!;
    const p99 = (balancer: string) => simulate(base, { balancer }).latencyMs.p99;
    const rr = p99('round-robin'), lc = p99('least-connections'), p2c = p99('power-of-two');
    expect(rr).toBeGreaterThan(20 * lc);
    expect(rr).toBeGreaterThan(5 * p2c);
  });
});
