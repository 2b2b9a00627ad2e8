/**
 * Machines against XState's own interpreter where `always` transitions are subtle: one that
 * changes nothing ends the macrostep. For random event sequences both must be in the same state
 * with the same counters after every event.
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine, SimulatedClock, stateIn } from 'xstate';
import { compileMachine, type CompiledMachine } from '../../src/workflow/machine.js';
import { MachineInstances, type MachineHost } from '../../src/workflow/runtime.js';
import { ScenarioError } from '../../src/input/check.js';
import { createStream, type Rng } from '../../src/random/rng.js';

type Json = Record<string, any>;

function forXState(config: Json, m: CompiledMachine): Json {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const o = x as Json;
    if (o.type === 'in' && typeof o.params === 'object') {
      const state = o.params.state as string;
      return stateIn(`#${state.startsWith('#') ? state.slice(1) : m.ids[m.names.indexOf(state)]}`);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]));
  };
  return walk(config) as Json;
}

function leafName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Json)[0];
  return `${k}.${leafName(v)}`;
}

function crossCheck(config: Json, m: CompiledMachine, sequences: number, length: number, rng: Rng): number {
  const coins: number[] = [];
  let mine = 0, theirs = 0;
  const host: MachineHost = { chance: () => coins[mine++], entered() {}, exiting() {}, took() {}, send() {}, inOther: () => false, done() {} };
  const machine = createMachine({ ...forXState(config, m), options: { maxIterations: 2000 } } as never, {
    guards: {
      chance: (_: unknown, p: { p: number }) => coins[theirs++] < p.p,
      counter: ({ context }: { context: Json }, p: { counter: string; op: string; value: number }) => {
        const v = context[p.counter] as number;
        return p.op === '<' ? v < p.value : p.op === '<=' ? v <= p.value : p.op === '>' ? v > p.value : p.op === '>=' ? v >= p.value : p.op === '==' ? v === p.value : v !== p.value;
      },
    } as never,
    actions: {
      inc: assign(({ context }: { context: Json }, p: { counter: string; by?: number }) => ({ [p.counter]: (context[p.counter] as number) + (p.by ?? 1) })),
      set: assign((_: unknown, p: { counter: string; value: number }) => ({ [p.counter]: p.value })),
    } as never,
  });
  const events = m.events.slice(1);
  if (events.length === 0) return 0;
  const instances = new MachineInstances(m, 0, host);
  let steps = 0;
  for (let q = 0; q < sequences; q++) {
    coins.length = 0;
    mine = theirs = 0;
    for (let i = 0; i < 4096; i++) coins.push(rng.next());
    const actor = createActor(machine, { clock: new SimulatedClock() });
    let failure: unknown;
    actor.subscribe({ error: (e) => { failure = e; } });
    let row = -1;
    try {
      actor.start();
    } catch (e) {
      failure = e;
    }
    try {
      row = instances.create();
    } catch (e) {
      // Both must loop (an always chain whose guards stay true): ours says so, XState overflows.
      expect(e, JSON.stringify(config)).toBeInstanceOf(ScenarioError);
      expect(failure, JSON.stringify(config)).toBeDefined();
      return -1;
    }
    const trail: string[] = [];
    for (let i = 0; i < length; i++) {
      if (failure !== undefined) throw failure;
      const snap = actor.getSnapshot();
      const at = `${JSON.stringify(config)}\nsequence ${q}, after events ${trail.join(' ')} (coins ${coins.slice(0, mine).map((c) => c.toFixed(3)).join(' ')})`;
      expect(m.names[instances.leaf[row]], at).toBe(leafName(snap.value));
      expect(mine, at).toBe(theirs);
      m.counters.forEach((name, k) => expect(instances.counters[row * m.counters.length + k], `${at}: ${name}`).toBe(snap.context[name]));
      expect(instances.alive[row] !== 1, at).toBe(snap.status === 'done');
      if (snap.status === 'done') break;
      const e = events[Math.floor(rng.next() * events.length)];
      trail.push(e);
      let ours: unknown;
      try {
        actor.send({ type: e });
      } catch (x) {
        failure = x;
      }
      try {
        instances.send(row, m.eventIndex.get(e)!);
      } catch (x) {
        ours = x;
      }
      if (ours !== undefined || failure !== undefined) {
        expect(ours, at).toBeInstanceOf(ScenarioError);
        expect(failure, at).toBeDefined();
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

  it('a reentering transition of the root exits and enters the root (its entry actions run again)', () => {
    const config = {
      id: 'm', initial: 'S0', context: { n: 0, k: 0 }, entry: { type: 'inc', params: { counter: 'k' } }, exit: { type: 'inc', params: { counter: 'n' } },
      on: { b: { target: '#m.S0', reenter: true }, c: { target: '.S1', reenter: true }, d: { target: '#m', reenter: true } },
      states: { S0: { on: { a: 'S1' } }, S1: { on: { a: { target: 'S0', reenter: true } } } },
    };
    const m = compileMachine(config, 'machine');
    expect(crossCheck(config, m, 10, 12, createStream(4, 'xstate-random'))).toBeGreaterThan(100);
  });
});
