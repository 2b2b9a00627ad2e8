/**
 * The bulkhead as a state machine (open, full): its diagram, its moves, and its time full against
 * Erlang B. Attempts over an edge whose callee never queues them hold their permit for their
 * service time; with Poisson sends and a bulkhead of c, the permits held form an M/G/c/c loss
 * system (Erlang's formula holds for any service distribution with that mean), so the share of
 * time all c are held is B(c, a), a = λ E[S], and by PASTA so is the share of attempts refused.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import { BULKHEAD_MACHINE, BulkheadMeter, BulkheadState } from '../../src/model/bulkhead.js';
import { toMermaid } from '../../src/model/states.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { topologyTables } from '../../src/cli/topology-format.js';
import { main } from '../../src/cli/main.js';

/** Erlang B by its recurrence: B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)). */
function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

describe('bulkhead machine', () => {
  it('draws as a Mermaid state diagram: open ⇄ full', () => {
    const text = toMermaid(BULKHEAD_MACHINE);
    expect(text).toContain('[*] --> open');
    expect(text).toContain('open --> full');
    expect(text).toContain('full --> open');
  });

  it('is printed by lbsim diagram bulkhead', async () => {
    let out = '';
    const code = await main(['diagram', 'bulkhead'], { out: (t) => { out += t; }, err: () => {}, progress: false });
    expect(code).toBe(0);
    expect(out).toBe(toMermaid(BULKHEAD_MACHINE));
  });

  it('is full exactly while maxConcurrent permits are held, and times each state', () => {
    const clock = { now: 0 };
    const m = new BulkheadMeter(2, clock);
    m.took(1);
    clock.now = 10;
    m.took(2);
    expect(m.state).toBe(BulkheadState.Full);
    clock.now = 25;
    m.freed(1);
    expect(m.state).toBe(BulkheadState.Open);
    m.freed(0);
    expect(m.timeMs(40)).toEqual([25, 15]);
    expect(Array.from(m.transitions)).toEqual([0, 1, 1, 0]);
  });

  it('refuses a move the machine does not have', () => {
    const m = new BulkheadMeter(1, { now: 0 });
    m.took(1);
    expect(() => m.took(1)).toThrow('illegal bulkhead transition for bulkhead -1: full -> full');
  });

  it('spends the Erlang B share of the time full (M/M/c/c), and refuses that share of attempts', () => {
    // c = 5, λ = 400/s, E[S] = 10 ms: a = 4 erlangs, B(5, 4) = 0.1991. Ten seeds of 20,000
    // requests; the tolerance is 4 standard errors of their mean, from the seeds' own spread.
    const c = 5, b = erlangB(c, 4);
    const full: number[] = [], refused: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const s = simulate({
        seed, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'api',
        services: {
          api: { servers: [{ count: 1, concurrency: 10_000 }], balancer: { name: 'round-robin' }, work: [{ call: 'down' }] },
          down: { servers: [{ count: 1, concurrency: 10_000 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 10 } }] },
        },
        calls: { 'api->down': { maxConcurrent: c } },
      } as TopologyInput) as TopologySummary;
      const e = s.edges['api->down'];
      const t = e.bulkhead!.stateTimeMs;
      // Counts add up: the times cover the run, and the moves alternate from open.
      expect(t.open + t.full).toBeCloseTo(s.simTimeMs, 2); // both rounded for the summary
      const up = e.bulkhead!.transitions['open->full'], down = e.bulkhead!.transitions['full->open'];
      expect(up - down === 0 || up - down === 1).toBe(true);
      expect(e.refused).toBe(s.requests.failed);
      if (seed === 1) expect(topologyTables(s)).toMatch(/^bulkhead api->down: open [\d.]+ s, full [\d.]+ s; open->full \d+, full->open \d+$/m);
      full.push(t.full / s.simTimeMs);
      refused.push(e.refused / e.attempts);
    }
    const check = (xs: number[]) => {
      const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((x, y) => x + (y - mean) ** 2, 0) / (xs.length - 1));
      expect(Math.abs(mean - b)).toBeLessThan(4 * sd / Math.sqrt(xs.length));
    };
    expect(b).toBeCloseTo(0.1991, 4);
    check(full);
    check(refused);
  });

  it('is absent from edges without a bulkhead', () => {
    const s = simulate({
      seed: 1, stop: { requests: 100 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'api',
      services: {
        api: { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ call: 'down' }] },
        down: { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 1 } }] },
      },
    } as TopologyInput) as TopologySummary;
    expect('bulkhead' in s.edges['api->down']).toBe(false);
  });
});
