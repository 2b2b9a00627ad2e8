/**
 * The pair and `never` invariants are checked after a step only when the step touched a state they
 * depend on (R_DIRTY). Oracle: the same runs with every step checked in full (the world's check
 * forced dirty), over random workflows built to stress what may slip past the flags: states
 * entered through `always` chains and nested initial states, reentering transitions, `after`
 * timers and user events due in the same instant, retries without idempotency keys (children
 * replaced while earlier ones live on), children reaching final states, two invoked machines,
 * invariants naming compound states, a warm-up. Every summary must be identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import { WorkflowWorld } from '../../src/workflow/world.js';
import { createStream, type Rng } from '../../src/random/rng.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A random tree of states under `ids` (#machine.path targets), `depth` levels at most. */
function tree(rng: Rng, prefix: string, depth: number, paths: string[]): Json {
  const states: Json = {};
  const n = 2 + Math.floor(rng.next() * 2);
  for (let i = 0; i < n; i++) {
    const key = `N${i}`, p = `${prefix}.${key}`;
    paths.push(p);
    states[key] = depth > 1 && rng.next() < 0.4 ? { initial: 'N0', states: tree(rng, p, depth - 1, paths) } : {};
  }
  return states;
}

function randomWorkflow(rng: Rng, seed: number): TopologyInput {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  const chance = (p: number) => ({ type: 'chance', params: { p } });
  // Order: T0..T2 (nested), Pay (invokes payment), Ship (invokes shipment), Done (final).
  const paths: string[] = [];
  const top: Json = {};
  for (let i = 0; i < 3; i++) {
    paths.push(`T${i}`);
    top[`T${i}`] = rng.next() < 0.6 ? { initial: 'N0', states: tree(rng, `T${i}`, 2, paths) } : {};
  }
  paths.push('Pay', 'Ship');
  const target = () => `#order.${pick(paths)}`;
  const decorate = (node: Json, path: string) => {
    node.on = { ...(node.on ?? {}) };
    for (const e of ['e1', 'e2']) if (rng.next() < 0.5) node.on[e] = { target: target(), ...(rng.next() < 0.3 ? { reenter: true } : {}) };
    if (rng.next() < 0.25) node.always = { target: target(), guard: chance(0.3), ...(rng.next() < 0.3 ? { reenter: true } : {}) };
    if (rng.next() < 0.3) node.after = { 100: { target: target(), ...(rng.next() < 0.3 ? { reenter: true } : {}) } };
    for (const [k, child] of Object.entries((node.states ?? {}) as Json)) decorate(child, `${path}.${k}`);
  };
  for (const k of Object.keys(top)) decorate(top[k], k);
  top.Pay = { invoke: { src: 'payment', onDone: rng.next() < 0.6 ? '#order.Ship' : target(), onError: [{ target: '#order.Pay', reenter: true, guard: chance(0.5) }, { target: target() }] } };
  top.Ship = { invoke: { src: 'shipment', onDone: 'Done', onError: target() } };
  if (rng.next() < 0.5) top.Pay.always = { target: '#order.Ship', guard: { type: 'in', params: { machine: 'payment', state: 'Authorized' } } };
  top.T0.on = { ...(top.T0.on ?? {}), e1: '#order.Pay' };
  top.T1.on = { e2: { target: target() }, ...(top.T1.on ?? {}) };
  top.Done = { type: 'final' };
  const events: Json = {
    e1: { in: pick(paths), after: { dist: 'constant', valueMs: 100 }, p: 0.7 },
    e2: { in: pick(paths), after: { dist: 'constant', valueMs: 100 } },
  };
  // Every top-level state is left for Done eventually (families end).
  for (const k of ['T0', 'T1', 'T2', 'Pay', 'Ship']) {
    top[k].on = { ...(top[k].on ?? {}), [`quit${k}`]: 'Done' };
    events[`quit${k}`] = { in: k, after: { dist: 'exponential', meanMs: 3000 } };
  }
  const payment = {
    id: 'payment', initial: 'NotStarted',
    states: {
      NotStarted: { on: { authorize: 'Working' } },
      Working: {
        initial: 'A', states: { A: { always: { target: 'B', guard: chance(0.5) } }, B: {} },
        on: { processed: [{ target: 'Declined', guard: chance(0.3) }, { target: 'Authorized' }], authorize: { target: 'Working', reenter: rng.next() < 0.5 } },
      },
      Authorized: rng.next() < 0.5 ? { after: { 100: 'Settled' } } : {},
      Declined: { always: { target: 'NotStarted', guard: chance(0.5) }, on: { authorize: 'Working' } },
      Settled: { type: 'final' },
    },
  };
  const shipment = { id: 'shipment', initial: 'Idle', states: { Idle: { on: { ship: 'Packing' } }, Packing: { on: { processed: [{ target: 'Lost', guard: chance(0.2) }, { target: 'Shipped' }] } }, Shipped: { type: 'final' }, Lost: {} } };
  const states: Record<string, string[]> = {
    order: [...paths, 'Done'], payment: ['NotStarted', 'Working', 'Working.A', 'Working.B', 'Authorized', 'Declined', 'Settled'], shipment: ['Idle', 'Packing', 'Shipped', 'Lost'],
  };
  const never: Record<string, string>[] = [];
  for (let i = 0; i < 4; i++) {
    const inv: Record<string, string> = {};
    for (const m of ['order', 'payment', 'shipment']) if (rng.next() < 0.6) inv[m] = pick(states[m]);
    if (Object.keys(inv).length === 0) inv.payment = 'Authorized';
    never.push(inv);
  }
  const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });
  return {
    name: `random-${seed}`, seed,
    stop: { requests: 150, ...(seed % 2 === 1 ? { warmupMs: 1000 } : {}) }, // odd seeds: families of the first second not counted
    arrivals: { process: 'poisson', ratePerSec: 20 },
    entry: 'orders',
    services: {
      orders: { servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: constant(2) }] },
      // Constant work: answers land on the same instants as the timers.
      payments: { servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: rng.next() < 0.5 ? constant(100) : { dist: 'exponential', meanMs: 150 } }] },
      shipping: { servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: constant(100) }] },
    },
    calls: { 'orders->payments': { timeoutMs: 150, retries: { max: 2, baseMs: 50 } }, 'orders->shipping': { timeoutMs: 300 } },
    workflows: {
      start: 'order',
      machines: {
        order: { service: 'orders', machine: { id: 'order', initial: rng.next() < 0.6 ? 'Pay' : 'T0', states: top }, events },
        payment: { service: 'payments', machine: payment, request: ['authorize'], respond: 'processed', ok: ['Authorized', 'Settled'], idempotencyKey: rng.next() < 0.3 },
        shipment: { service: 'shipping', machine: shipment, request: ['ship'], respond: 'processed', ok: ['Shipped'] },
      },
      invariants: { never, eventually: [{ order: 'Done', withinMs: 4000 }] },
    },
  } as TopologyInput;
}

// The world's private check after a step, and its row layout (R_DIRTY is Int32 column 7 of the start row's host columns).
const proto = WorkflowWorld.prototype as unknown as Record<string, (this: Json, root: number) => void>;
const original = proto.afterStep;
const R_DIRTY = 7;
afterEach(() => {
  proto.afterStep = original;
});

function runBoth(input: TopologyInput): [string, string] {
  proto.afterStep = original;
  const flagged = JSON.stringify(simulate(input).workflows);
  proto.afterStep = function (this: Json, root: number) {
    const r = this.machines[0];
    r.i32[root * r.W2 + r.xi + R_DIRTY] |= 67; // S_NEVER | S_PAIR | S_CHILD: everything checked at the end of the cascade
    original.call(this, root);
  };
  let full: string;
  try {
    full = JSON.stringify(simulate(input).workflows);
  } finally {
    proto.afterStep = original;
  }
  return [flagged, full];
}

describe('the dirty flags against checking every step in full', () => {
  it('the forced check is one that sees violations (the oracle is not vacuous)', () => {
    let violations = 0, resolved = 0, pairs = 0, duplicates = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const w = simulate(randomWorkflow(createStream(seed, 'dirty-oracle'), seed)).workflows!;
      for (const v of w.invariants) if (v.invariant.startsWith('never')) {
        violations += v.violations;
        resolved += v.resolved;
      }
      pairs += Object.keys(w.pairs).length + Object.keys(w.pairsWith?.shipment ?? {}).length;
      duplicates += w.duplicates?.families ?? 0;
    }
    expect(violations).toBeGreaterThan(50);
    expect(resolved).toBeGreaterThan(10);
    expect(pairs).toBeGreaterThan(20);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('60 random workflows: every summary identical with the flags and with every step checked', () => {
    let compared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const input = randomWorkflow(createStream(seed, 'dirty-oracle'), seed);
      const [flagged, full] = runBoth(input);
      if (flagged !== full) expect.fail(`seed ${seed}: ${JSON.stringify(input.workflows)}`);
      compared++;
    }
    expect(compared).toBe(60);
  });
});
