/**
 * The workflow summary's books balance, on random order/payment workflows (seeded): nested or flat
 * orders with retries on error, cancels, reconciliation timers, voids sent on cancel; payments with
 * declines, void checks, with or without idempotency keys; edges with timeouts, retries, loss,
 * latency, cancel; runs that drain and runs cut by stop.timeMs with families still live. Checked:
 * instances started = completed + live; per machine the end states add up to its instances; per
 * leaf state entries = exits + ended there + live there; the occupancy over time integrates to the
 * occupancy (states that count time); mean time × entries = occupancy × run when nothing is live;
 * pair shares add up to 1; violations = resolved + unresolved; the Mermaid diagram's counts are the
 * summary's transition counts.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import { workflowMermaid } from '../../src/workflow/diagram.js';
import type { WorkflowConfig } from '../../src/workflow/world.js';

/** A small seeded generator (mulberry32): the scenarios are the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

function dist(r: ReturnType<typeof rng>, mean: number) {
  return r.pick([
    { dist: 'exponential', meanMs: mean },
    { dist: 'constant', valueMs: mean },
    { dist: 'uniform', minMs: 0, maxMs: 2 * mean },
    { dist: 'lognormal', medianMs: mean, p99Ms: 5 * mean },
  ]);
}

function scenario(seed: number): TopologyInput {
  const r = rng(seed);
  const call: Record<string, unknown> = {};
  if (r.next() < 0.7) call.timeoutMs = r.pick([100, 300, 1000, 3000]);
  if (r.next() < 0.6) call.retries = { max: 1 + Math.floor(r.next() * 3), baseMs: r.pick([0, 10, 50]) };
  if (r.next() < 0.3 && call.timeoutMs) call.loss = r.pick([0.05, 0.3]);
  if (r.next() < 0.3) call.latencyMs = dist(r, r.pick([5, 50, 400]));
  if (r.next() < 0.2 && call.timeoutMs) call.cancel = true;
  const nested = r.next() < 0.5, at = (s: string) => (nested ? `#order.${s}` : s);
  const pending: Record<string, unknown> = {
    invoke: { src: 'payment', onDone: at('Completed'), onError: [
      { target: nested ? '#order.Active.Pending' : 'Pending', reenter: true, guard: { type: 'counter', params: { counter: 'retries', op: '<', value: Math.floor(r.next() * 3) } }, actions: { type: 'inc', params: { counter: 'retries' } } },
      { target: at('Failed') }] },
    on: { cancel: at('Cancelled') },
  };
  if (r.next() < 0.4) pending.after = { [String(r.pick([500, 2000]))]: at('Review') };
  const states: Record<string, unknown> = {
    Draft: { on: { submit: 'Submitted' } },
    Submitted: { always: nested ? 'Active' : 'Pending' },
    ...(nested ? { Active: { initial: 'Pending', states: { Pending: pending } } } : { Pending: pending }),
    Review: { after: { 1000: [{ target: 'Completed', guard: { type: 'in', params: { machine: 'payment', state: 'Authorized' } } }, { target: 'Failed' }] } },
    Completed: { type: 'final' }, Failed: { type: 'final' },
    Cancelled: r.next() < 0.5 ? { type: 'final', entry: { type: 'send', params: { to: 'payment', event: 'void' } } } : { type: 'final' },
  };
  const voidCheck = r.next() < 0.5;
  const payment: Record<string, unknown> = {
    service: 'payments',
    machine: { id: 'payment', initial: 'NotStarted', states: {
      NotStarted: { on: { authorize: 'Authorizing' } },
      Authorizing: { on: { processed: [{ target: 'Declined', guard: { type: 'chance', params: { p: r.pick([0, 0.1, 0.3]) } } }, { target: 'Authorized' }] } },
      Authorized: { on: { void: 'Voided' }, ...(voidCheck ? { after: { vc: { target: 'Voided', guard: { type: 'in', params: { machine: 'order', state: 'Cancelled' } } } } } : {}) },
      Declined: { on: { retry: 'NotStarted' } },
      Voided: r.next() < 0.5 ? { type: 'final' } : {} } },
    request: ['retry', 'authorize'], respond: 'processed', ok: ['Authorized'], idempotencyKey: r.next() < 0.5,
    ...(voidCheck ? { delays: { vc: dist(r, 500) } } : {}),
  };
  const group = (concurrency: number) => ({ servers: [{ count: 2, concurrency }], balancer: { name: 'least-connections' } });
  return {
    name: `conservation-${seed}`, seed: 1 + Math.floor(r.next() * 1e6),
    stop: r.next() < 0.3 ? { timeMs: 8000 } : { requests: r.pick([300, 800]) },
    arrivals: { process: 'poisson', ratePerSec: r.pick([20, 50, 150]) }, entry: 'orders',
    services: {
      orders: { ...group(64), work: [{ work: dist(r, 2) }] },
      payments: { ...group(r.pick([4, 64, 10_000])), work: [{ work: dist(r, r.pick([50, 300, 1000])) }] },
    },
    calls: { 'orders->payments': call },
    workflows: {
      start: 'order',
      machines: {
        order: { service: 'orders', machine: { id: 'order', initial: 'Draft', context: { retries: 0 }, states },
          events: { submit: { in: 'Draft', after: dist(r, r.pick([100, 1000])) }, cancel: { in: nested ? 'Active.Pending' : 'Pending', after: dist(r, r.pick([300, 3000])), p: r.pick([0, 0.1, 0.5, 1]) } } },
        payment,
      },
      invariants: {
        never: [{ order: 'Cancelled', payment: 'Authorized' }, { order: 'Failed', payment: 'Authorized' }],
        eventually: [{ order: ['Completed', 'Cancelled', 'Failed'], withinMs: r.pick([1000, 5000]) }],
      },
    },
  } as unknown as TopologyInput;
}

describe('workflow summaries balance their books', () => {
  it('on 16 random workflows: instances, end states, entries and exits, occupancy, time, pairs, invariants, diagram counts', () => {
    let live = 0, checkedStates = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const input = scenario(seed), s = simulate(input), w = s.workflows!, T = s.simTimeMs, at = `seed ${seed}`;
      expect(w.instances.started, at).toBe(w.instances.completed + w.instances.live);
      live += w.instances.live;
      for (const [name, m] of Object.entries(w.machines)) {
        const where = `${at} ${name}`;
        const ends = Object.values(m.endStates).reduce((a, e) => a + e.count, 0);
        expect(ends, where).toBe(m.instances);
        const exits = new Map<string, number>();
        for (const [key, n] of Object.entries(m.transitions)) {
          const [, from, label, to] = /^(.*?) --(.*)--> (.*)$/.exec(key)!;
          if (from === to && !label.startsWith('error')) continue; // the one self-transition generated that exits is the reentering onError
          exits.set(from, (exits.get(from) ?? 0) + n);
        }
        const names = Object.keys(m.states);
        for (const [state, st] of Object.entries(m.states)) {
          const compound = names.some((x) => x.startsWith(`${state}.`));
          if (!compound && !state.includes('.')) {
            expect(st.entries, `${where} ${state}: entries = exits + ended + live`).toBe((exits.get(state) ?? 0) + (m.endStates[state]?.count ?? 0) + (m.endStates[`live in ${state}`]?.count ?? 0));
            checkedStates++;
          }
          if (st.occupancy > 0 || st.timeMs.mean > 0) {
            const { bucketMs, states } = m.occupancyOverTime;
            const integral = states[state].reduce((a, v, b) => a + v * (Math.min(T, (b + 1) * bucketMs) - b * bucketMs), 0) / T;
            expect(Math.abs(integral - st.occupancy), `${where} ${state}: occupancy over time`).toBeLessThan(1e-6 * Math.max(1, st.occupancy));
            if (w.instances.live === 0) expect(Math.abs(st.timeMs.mean * st.entries - st.occupancy * T), `${where} ${state}: Little`).toBeLessThan(1e-5 * st.occupancy * T + 1e-3);
          }
        }
      }
      expect(Math.abs(Object.values(w.pairs).reduce((a, p) => a + p.share, 0) - 1), at).toBeLessThan(1e-6);
      for (const v of w.invariants) expect(v.violations, `${at} ${v.invariant}`).toBe(v.resolved + v.unresolved);
      const text = workflowMermaid((input as unknown as { workflows: WorkflowConfig }).workflows, w);
      const drawn = [...text.matchAll(/ (\d+)(?: \([^)]*%\))?$/gm)].map((x) => Number(x[1])).filter((n) => n > 0).sort((a, b) => a - b);
      const counted = Object.values(w.machines).flatMap((m) => Object.values(m.transitions)).filter((n) => n > 0).sort((a, b) => a - b);
      expect(drawn, `${at}: diagram counts`).toEqual(counted);
    }
    // The sample reaches what it is meant to: runs cut with families live, and many states checked.
    expect(live).toBeGreaterThan(0);
    expect(checkedStates).toBeGreaterThan(100);
  });
});
