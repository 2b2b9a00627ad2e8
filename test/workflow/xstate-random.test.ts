/**
 * Machines against XState's own interpreter: cases where XState's macrostep is subtle (an `always`
 * transition that changes nothing, the done event of a nested final state, reentering the root,
 * exit actions when done) and random machines: nested states up to three deep, targets as a
 * sibling's key, ".child" and "#machine.path", reenter, targetless transitions, entry/exit and
 * transition actions on counters, chance, counter and in guards, guarded `always` chains, `after`
 * in nested states, nested and top-level final states. For random event sequences both must be in
 * the same state with the same counters after every event.
 */
import { describe, expect, it } from 'vitest';
import { compileMachine, type CompiledMachine } from '../../src/workflow/machine.js';
import { ScenarioError } from '../../src/input/check.js';
import { createStream, type Rng } from '../../src/random/rng.js';
import { XStatePair, type Json } from './xstate-driver.js';

const EVENTS = ['a', 'b', 'c'];

/** A random machine config (`id` "m"); paths of its states are collected for targets. */
function randomMachine(rng: Rng): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  const paths: string[] = [];
  const build = (path: string, depth: number): Json => {
    const state: Json = {};
    const n = depth < 3 && rng.next() < 0.45 ? 2 + Math.floor(rng.next() * 2) : 0;
    if (n > 0) {
      state.states = {};
      for (let i = 0; i < n; i++) {
        const key = `S${i}`;
        const p = path ? `${path}.${key}` : key;
        paths.push(p);
        state.states[key] = build(p, depth + 1);
      }
      state.initial = 'S0';
    } else if (depth > 0 && rng.next() < 0.12) state.type = 'final';
    return state;
  };
  const root = build('', 0);
  if (!root.states) {
    root.states = { S0: {}, S1: {} };
    root.initial = 'S0';
    paths.push('S0', 'S1');
  }
  const counterAction = () => (rng.next() < 0.5
    ? { type: 'inc', params: { counter: pick(['n', 'k']), ...(rng.next() < 0.3 ? { by: pick([0, 2, -1]) } : {}) } }
    : { type: 'set', params: { counter: pick(['n', 'k']), value: pick([0, 1, 3]) } });
  const guard = () => {
    const r = rng.next();
    if (r < 0.35) return { type: 'chance', params: { p: pick([0.2, 0.5, 0.8]) } };
    if (r < 0.75) return { type: 'counter', params: { counter: pick(['n', 'k']), op: pick(['<', '<=', '>', '>=', '==', '!=']), value: pick([0, 1, 2, 4]) } };
    return { type: 'in', params: { state: pick(paths) } };
  };
  const targetFrom = (path: string, node: Json): string | undefined => {
    const r = rng.next();
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const siblings = paths.filter((p) => (p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') === parent);
    if (r < 0.1) return undefined;
    if (r < 0.45 && path) return pick(siblings).split('.').pop(); // the root has no siblings (XState refuses those too)
    if (r < 0.6 && node.states) return `.${pick(Object.keys(node.states))}`;
    return `#m.${pick(paths)}`;
  };
  const transition = (path: string, node: Json, eventless: boolean) => {
    const t: Json = {};
    const target = targetFrom(path, node);
    if (target !== undefined) t.target = target;
    if (eventless || rng.next() < 0.4) t.guard = guard();
    if (rng.next() < 0.4) t.actions = rng.next() < 0.5 ? counterAction() : [counterAction(), counterAction()];
    if (rng.next() < 0.25) t.reenter = rng.next() < 0.7;
    if (eventless && target === undefined) t.actions = counterAction(); // XState would stop after one such step: keep it changing the context
    return t;
  };
  const decorate = (path: string, node: Json) => {
    if (node.type === 'final') return;
    if (rng.next() < 0.6) {
      node.on = {};
      for (const e of EVENTS) if (rng.next() < 0.5) node.on[e] = rng.next() < 0.5 ? transition(path, node, false) : [transition(path, node, false), transition(path, node, false)];
    }
    if (path && rng.next() < 0.25) node.after = { [pick(['100', '250'])]: transition(path, node, false) };
    if (path && rng.next() < 0.2) node.always = transition(path, node, true);
    if (rng.next() < 0.3) node.entry = counterAction();
    if (rng.next() < 0.3) node.exit = counterAction();
    for (const [k, child] of Object.entries((node.states ?? {}) as Json)) decorate(path ? `${path}.${k}` : k, child);
  };
  decorate('', root);
  return { id: 'm', context: { n: 0, k: 0 }, ...root };
}

function crossCheck(config: Json, m: CompiledMachine, sequences: number, length: number, rng: Rng): number {
  const pair = new XStatePair(config, m, 2000), instances = pair.instances;
  const events = m.events.slice(1);
  if (events.length === 0) return 0;
  let steps = 0;
  for (let q = 0; q < sequences; q++) {
    pair.deal(rng, 4096);
    const { actor, seen } = pair.actor();
    let row = -1;
    try {
      actor.start();
    } catch (e) {
      seen.failure = e;
    }
    try {
      row = instances.create();
    } catch (e) {
      // Both must loop (an always chain whose guards stay true): ours says so, XState overflows.
      expect(e, JSON.stringify(config)).toBeInstanceOf(ScenarioError);
      expect(seen.failure, JSON.stringify(config)).toBeDefined();
      return -1;
    }
    const trail: string[] = [];
    for (let i = 0; i < length; i++) {
      if (seen.failure !== undefined) throw seen.failure;
      const at = `${JSON.stringify(config)}\nsequence ${q}, after events ${trail.join(' ')} (coins ${pair.coins.slice(0, pair.mine).map((c) => c.toFixed(3)).join(' ')})`;
      if (pair.expectSame(row, actor.getSnapshot(), at)) break;
      const e = events[Math.floor(rng.next() * events.length)];
      trail.push(e);
      let ours: unknown;
      try {
        actor.send({ type: e });
      } catch (x) {
        seen.failure = x;
      }
      try {
        instances.send(row, m.eventIndex.get(e)!);
      } catch (x) {
        ours = x;
      }
      if (ours !== undefined || seen.failure !== undefined) {
        expect(ours, at).toBeInstanceOf(ScenarioError);
        expect(seen.failure, at).toBeDefined();
        return steps;
      }
      steps++;
    }
    actor.stop();
    instances.release(row);
  }
  return steps;
}

describe('the compiled tables take always transitions as XState does', () => {
  it('an always transition that changes nothing (a guarded self target, no counter set) ends the macrostep, as XState keeps its snapshot', () => {
    const config = {
      id: 'm', initial: 'S0', context: { n: 0, k: 0 },
      states: {
        S0: { entry: { type: 'inc', params: { counter: 'n' } }, always: { target: '#m.S0', guard: { type: 'counter', params: { counter: 'n', op: '<=', value: 2 } } }, on: { a: 'S1' } },
        S1: { always: { guard: { type: 'counter', params: { counter: 'n', op: '>=', value: 0 } } }, on: { a: { target: 'S0', reenter: true } } },
      },
    };
    const m = compileMachine(config, 'machine');
    expect(crossCheck(config, m, 5, 10, createStream(3, 'xstate-random'))).toBeGreaterThan(20);
  });

  it('entering a nested final state selects always transitions once more (XState\'s done event of its parent), a chance guard drawing again', () => {
    const chance = { type: 'chance', params: { p: 0.5 } };
    const config = {
      id: 'm', initial: 'A', context: { n: 0, k: 0 },
      states: {
        A: { initial: 'X', always: { target: 'B', guard: chance }, states: { X: { on: { a: 'F', b: 'X' } }, F: { type: 'final' } } },
        B: { on: { a: 'A', b: { target: '#m.A.F' } } },
      },
    };
    const m = compileMachine(config, 'machine');
    expect(crossCheck(config, m, 40, 12, createStream(5, 'xstate-random'))).toBeGreaterThan(300);
  });

  it('reaching a top-level final state runs the exit actions of that state and of the root, as XState does when done', () => {
    const config = {
      id: 'm', initial: 'S0', context: { n: 0, k: 0 }, exit: { type: 'inc', params: { counter: 'k', by: -1 } },
      states: { S0: { on: { a: 'S1', b: 'S0' } }, S1: { type: 'final', exit: { type: 'set', params: { counter: 'n', value: 7 } } } },
    };
    const m = compileMachine(config, 'machine');
    expect(crossCheck(config, m, 10, 6, createStream(6, 'xstate-random'))).toBeGreaterThan(10);
  });

  it('a reentering transition of the root exits and enters the root (its entry actions run again)', () => {
    const config = {
      id: 'm', initial: 'S0', context: { n: 0, k: 0 }, entry: { type: 'inc', params: { counter: 'k' } }, exit: { type: 'inc', params: { counter: 'n' } },
      on: { b: { target: '#m.S0', reenter: true }, c: { target: '.S1', reenter: true }, d: { target: '#m', reenter: true } },
      states: { S0: { on: { a: 'S1' } }, S1: { on: { a: { target: 'S0', reenter: true } } } },
    };
    const m = compileMachine(config, 'machine');
    expect(crossCheck(config, m, 10, 12, createStream(4, 'xstate-random'))).toBeGreaterThan(100);
  });

  it('120 random nested machines, 10 sequences of 25 events each', () => {
    const rng = createStream(11, 'xstate-random');
    let machines = 0, steps = 0, refused = 0;
    for (let i = 0; i < 120; i++) {
      const config = randomMachine(rng);
      let m: CompiledMachine;
      try {
        m = compileMachine(config, 'machine');
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError); // unguarded always loops and initial final states are refused
        refused++;
        continue;
      }
      machines++;
      steps += Math.max(0, crossCheck(config, m, 10, 25, rng));
    }
    expect(machines).toBeGreaterThan(100);
    expect(steps).toBeGreaterThan(10_000);
    expect(refused).toBeLessThan(20);
  });
});
