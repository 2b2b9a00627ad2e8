/**
 * Workflow figures against closed forms, on scenarios built so the theory is exact: no queueing
 * (100,000 slots), exponential work and user delays, retries without backoff. Tolerances: four
 * standard deviations of the binomial or of the sample mean at the run's size.
 *
 * - A cancel timer (exponential, mean C) racing an authorization (exponential, mean A): the order
 *   is cancelled with q = A / (A + C), and each cancelled order's payment still authorizes later
 *   (no cancellation of the call), a violation of `never Cancelled & Authorized` that a void check
 *   (exponential, mean V, from the authorization) resolves after V on average. The order leaves
 *   `Pending` after min(A, C), exponential with mean AC / (A + C): the `eventually … within W`
 *   count is N e^(-W (1/A + 1/C)), each resolved after that same mean (memoryless), and Pending's
 *   occupancy is λ times it (Little).
 * - A call with timeout T over exponential work of mean m and r retries: an attempt times out with
 *   p = e^(-T/m). Without idempotency keys every attempt is an authorization, so a family is
 *   charged twice or more with p, the extra authorizations are p + p² + … + p^r per order and the
 *   call fails with p^(r+1).
 * - Answers lost with probability ℓ (the edge's `loss`, timeout far above the work): extra
 *   authorizations ℓ + ℓ² per order with 2 retries and no key; none with a key.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';

const N = 20_000;

function scenario(work: Record<string, unknown>, call: Record<string, unknown>, workflows: Record<string, unknown>): TopologyInput {
  const slots = { servers: [{ count: 1, concurrency: 100_000 }], balancer: { name: 'round-robin' } };
  return {
    name: 'theory', seed: 1, stop: { requests: N }, arrivals: { process: 'poisson', ratePerSec: 20 }, entry: 'orders',
    services: {
      orders: { ...slots, work: [{ work: { dist: 'constant', valueMs: 0 } }] },
      payments: { ...slots, work: [{ work }] },
    },
    calls: { 'orders->payments': call },
    workflows,
  } as unknown as TopologyInput;
}

const payment = (keys: boolean, authorized: Record<string, unknown> = {}) => ({
  service: 'payments',
  machine: { id: 'payment', initial: 'NotStarted', states: {
    NotStarted: { on: { authorize: 'Authorizing' } },
    Authorizing: { on: { processed: 'Authorized' } },
    Authorized: authorized,
    Voided: { type: 'final' } } },
  request: ['authorize'], respond: 'processed', ok: ['Authorized'], idempotencyKey: keys,
});

/** An order that invokes the payment once: Completed on done, Failed on error. */
const plainOrder = {
  service: 'orders',
  machine: { id: 'order', initial: 'Pending', states: {
    Pending: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Failed' } },
    Completed: { type: 'final' }, Failed: { type: 'final' } } },
};

const within = (got: number, expected: number, sd: number) => expect(Math.abs(got - expected)).toBeLessThan(4 * sd);

describe('workflow figures against closed forms', () => {
  it('an exponential cancel racing an exponential authorization: cancelled share, violations, time to resolve, eventually, Little', () => {
    const A = 1000, C = 1000, V = 500, W = 1000;
    const input = scenario({ dist: 'exponential', meanMs: A }, {}, {
      start: 'order',
      machines: {
        order: {
          service: 'orders',
          machine: { id: 'order', initial: 'Pending', states: {
            Pending: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Failed' }, on: { cancel: 'Cancelled' } },
            Completed: { type: 'final' }, Cancelled: { type: 'final' }, Failed: { type: 'final' } } },
          events: { cancel: { in: 'Pending', after: { dist: 'exponential', meanMs: C }, p: 1 } },
        },
        payment: {
          ...payment(true, { after: { voidCheck: { target: 'Voided', guard: { type: 'in', params: { machine: 'order', state: 'Cancelled' } } } } }),
          delays: { voidCheck: { dist: 'exponential', meanMs: V } },
        },
      },
      invariants: { never: [{ order: 'Cancelled', payment: 'Authorized' }], eventually: [{ order: ['Completed', 'Cancelled', 'Failed'], withinMs: W }] },
    });
    const s = simulate(input), w = s.workflows!, order = w.machines.order;
    expect(w.instances).toEqual({ started: N, completed: N, live: 0 });
    const q = A / (A + C);
    const cancelled = order.states.Cancelled.entries;
    within(cancelled, N * q, Math.sqrt(N * q * (1 - q)));
    expect(order.states.Completed.entries + cancelled).toBe(N);
    // Every cancelled order's payment authorizes after the cancel, and the void check resolves each.
    const never = w.invariants[0];
    expect(never.violations).toBe(cancelled);
    expect(never.resolved).toBe(cancelled);
    within(never.meanMs, V, V / Math.sqrt(cancelled));
    expect(w.machines.payment.states.Voided.entries).toBe(cancelled);
    // Time in Pending: min(A, C), exponential with mean m; Little's law for its occupancy.
    const m = (A * C) / (A + C);
    within(order.states.Pending.timeMs.mean, m, m / Math.sqrt(N));
    const rate = N / s.simTimeMs;
    expect(order.states.Pending.occupancy).toBeCloseTo(rate * order.states.Pending.timeMs.mean, 2);
    // eventually: orders still in Pending W after their creation, resolved after a further mean m.
    const late = Math.exp(-W / m), ev = w.invariants[1];
    within(ev.violations, N * late, Math.sqrt(N * late * (1 - late)));
    expect(ev.resolved).toBe(ev.violations);
    within(ev.meanMs, m, m / Math.sqrt(ev.violations));
    // Pairs: Pending|Authorizing m, Cancelled|Authorizing q·A (memoryless after the cancel),
    // Cancelled|Authorized q·V, Completed|Authorized (1 − q)·V (the void check still to fire).
    const total = m + q * A + V;
    within(w.pairs['Pending|Authorizing'].share, m / total, 0.005);
    within(w.pairs['Cancelled|Authorizing'].share, (q * A) / total, 0.005);
    within(w.pairs['Cancelled|Authorized'].share, (q * V) / total, 0.005);
    within(w.pairs['Completed|Authorized'].share, ((1 - q) * V) / total, 0.005);
  });

  it('retries after timeouts without idempotency keys: families charged twice, extra authorizations and failed calls as p = e^(-T/m) predicts', () => {
    const T = 500, mean = 500, r = 3, p = Math.exp(-T / mean);
    const w = simulate(scenario({ dist: 'exponential', meanMs: mean }, { timeoutMs: T, retries: { max: r, baseMs: 0 } }, {
      start: 'order', machines: { order: plainOrder, payment: payment(false) },
    })).workflows!;
    expect(w.instances.completed).toBe(N);
    // X = attempts − 1 = extra authorizations of an order: P(X ≥ k) = p^k, k ≤ r.
    const px = [1 - p, p * (1 - p), p * p * (1 - p), p ** 3];
    const mx = px.reduce((s, q, k) => s + q * k, 0), vx = px.reduce((s, q, k) => s + q * k * k, 0) - mx * mx;
    within(w.duplicates!.families, N * p, Math.sqrt(N * p * (1 - p)));
    within(w.duplicates!.extra, N * mx, Math.sqrt(N * vx));
    expect(w.machines.payment.instances).toBe(N + w.duplicates!.extra);
    const fail = p ** (r + 1);
    within(w.machines.order.states.Failed.entries, N * fail, Math.sqrt(N * fail * (1 - fail)));
  });

  it('lost answers: each retried, a new authorization without a key, the same payment with one', () => {
    const loss = 0.3;
    const run = (keys: boolean) => simulate(scenario({ dist: 'exponential', meanMs: 100 }, { timeoutMs: 2000, loss, retries: { max: 2, baseMs: 0 } }, {
      start: 'order', machines: { order: plainOrder, payment: payment(keys) },
    })).workflows!;
    // P(an attempt fails) = loss + (1 − loss) e^(-20): the work's tail past the timeout is negligible.
    const px = [1 - loss, loss * (1 - loss), loss * loss];
    const mx = px.reduce((s, q, k) => s + q * k, 0), vx = px.reduce((s, q, k) => s + q * k * k, 0) - mx * mx;
    const fail = loss ** 3;
    const without = run(false);
    within(without.duplicates!.families, N * loss, Math.sqrt(N * loss * (1 - loss)));
    within(without.duplicates!.extra, N * mx, Math.sqrt(N * vx));
    within(without.machines.order.states.Failed.entries, N * fail, Math.sqrt(N * fail * (1 - fail)));
    const withKey = run(true);
    expect(withKey.duplicates).toEqual({ machine: 'payment', families: 0, extra: 0 });
    expect(withKey.machines.payment.instances).toBe(N);
    within(withKey.machines.order.states.Failed.entries, N * fail, Math.sqrt(N * fail * (1 - fail)));
  });
});
