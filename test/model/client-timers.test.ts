/**
 * Client timers that became stale (the attempt or the request ended first) are cancelled in
 * their event lanes, not left to come due and be ignored: they are not events of the run.
 */
import { describe, expect, it } from 'vitest';
import { preset, simulate, type ScenarioInput, type Summary, type TopologyInput } from '../../src/index.js';

/** The summary as JSON without the two figures that may differ: wall time and events handled. */
const rest = (s: Summary) => JSON.stringify({ ...s, wallMs: 0, events: 0 });

describe('stale client timers are cancelled, not handled', () => {
  // The default preset's latencies stay below 200 ms (max 183 ms over 2·10⁵ requests): timers of
  // 1 s and more never fire, and each request's are stale before the run ends.
  const base: ScenarioInput = { ...preset('default'), stop: { requests: 20_000, warmupMs: 1000 } };
  const plain = simulate(base, { seed: 3 });

  it.each([
    ['a timeout', { timeoutMs: 1000 }],
    ['a deadline', { deadlineMs: 1000 }],
    ['a hedge', { hedge: { afterMs: 1000, max: 1 }, cancel: true }],
    ['all three, with retries', { timeoutMs: 1000, deadlineMs: 1500, hedge: { afterMs: 1200 }, retries: { max: 2, baseMs: 10 } }],
  ] as const)('%s that never fires adds no event: the summary is the plain one, events included', (_name, client) => {
    const s = simulate({ ...base, client }, { seed: 3 });
    expect(rest(s)).toBe(rest(plain));
    expect(s.events).toBe(plain.events); // each stale timer was one more event before
  });

  it('in a topology: call and client timers that never fire add no event', () => {
    const { client: _c, calls: _e, ...three } = { ...preset('three-tier'), stop: { requests: 5000, warmupMs: 1000 } };
    const slow = { timeoutMs: 2000, deadlineMs: 3000, hedge: { afterMs: 2500 } };
    const bare = simulate(three, { seed: 2 });
    const timed = simulate({ ...three, client: slow, calls: { 'web->api': slow, 'api->db': slow } } as TopologyInput, { seed: 2 });
    expect(rest(timed)).toBe(rest(bare));
    expect(timed.events).toBe(bare.events);
  });
});
