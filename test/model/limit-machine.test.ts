/**
 * A server's concurrency limit as a state machine (admitting, at-limit): its diagram, its moves,
 * and its time at the limit against Erlang B. A single server with a static limit of c whose
 * slots never queue (concurrency above c) holds admitted attempts for their service time; with
 * Poisson arrivals that is an M/M/c/c loss system, at the limit B(c, a) of the time, a = λ E[S].
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import { ConcurrencyLimit, LIMIT_MACHINE, LimitOutcome } from '../../src/model/concurrency-limit.js';
import { toMermaid } from '../../src/model/states.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { main } from '../../src/cli/main.js';

function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

describe('limit machine', () => {
  it('draws as a Mermaid state diagram, AIMD moves as self-transitions, and lbsim diagram limit prints it', async () => {
    const text = toMermaid(LIMIT_MACHINE);
    expect(text).toContain('admitting --> at_limit');
    let out = '';
    expect(await main(['diagram', 'limit'], { out: (t) => { out += t; }, err: () => {}, progress: false })).toBe(0);
    expect(out).toBe(text);
  });

  it('is at the limit exactly while limit attempts are admitted; AIMD changes are counted', () => {
    const clock = { now: 0 };
    const l = new ConcurrencyLimit({ aimd: { initialLimit: 2, minLimit: 1, maxLimit: 4, backoffRatio: 0.5, timeoutMs: 100 } }, 1, clock);
    expect(l.tryAcquire(0, 1)).toBe(true);
    clock.now = 10;
    expect(l.tryAcquire(0, 1)).toBe(true); // 2 of 2: at the limit
    expect(l.tryAcquire(0, 1)).toBe(false);
    clock.now = 30;
    l.release(0, 20, LimitOutcome.Ok); // 2 in flight >= 2/2: limit 3, 1 in flight: admitting
    clock.now = 50;
    l.release(0, 500, LimitOutcome.Ok); // slow: limit 1, 0 in flight: admitting (a self-transition)
    expect(l.timeMs()).toEqual([30, 20]);
    expect([l.increases, l.decreases]).toEqual([1, 1]);
    expect(Array.from(l.transitions)).toEqual([1, 1, 1, 0]);
  });

  it('spends the Erlang B share of the time at a static limit (M/M/c/c)', () => {
    // c = 5, λ = 400/s, E[S] = 10 ms: B(5, 4) = 0.1991. Ten seeds of 20,000 requests; the tolerance
    // is 4 standard errors of their mean, from the seeds' own spread.
    const c = 5, b = erlangB(c, 4);
    const shares: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const s = simulate({
        seed, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'api',
        services: {
          api: { servers: [{ count: 1, concurrency: 100 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 10 } }], limit: { static: c } },
        },
      } as TopologyInput) as TopologySummary;
      const l = s.services.api.limit!;
      expect(l.stateTimeMs.admitting + l.stateTimeMs['at-limit']).toBeCloseTo(s.simTimeMs, 2); // one server: its times cover the run
      const up = l.transitions['admitting->at-limit'], down = l.transitions['at-limit->admitting'];
      expect(up - down === 0 || up - down === 1).toBe(true);
      expect(l.increases + l.decreases).toBe(0);
      shares.push(l.stateTimeMs['at-limit'] / s.simTimeMs);
    }
    const mean = shares.reduce((x, y) => x + y, 0) / shares.length;
    const sd = Math.sqrt(shares.reduce((x, y) => x + (y - mean) ** 2, 0) / (shares.length - 1));
    expect(Math.abs(mean - b)).toBeLessThan(4 * sd / Math.sqrt(shares.length));
  });
});
