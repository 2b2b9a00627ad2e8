/**
 * The compiled tables against XState's own interpreter: for random event sequences, both visit
 * the same states (the leaf after every event) and keep the same counters.
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, fromCallback, createMachine, SimulatedClock, stateIn } from 'xstate';
import { compileMachine, type CompiledMachine } from '../../src/workflow/machine.js';
import { MachineInstances, type MachineHost } from '../../src/workflow/runtime.js';
import { createStream } from '../../src/random/rng.js';
import { WORKFLOW_MACHINES } from '../../src/workflow/presets.js';

type Json = Record<string, unknown>;

/** The config as XState takes it: `in` guards become stateIn('#id') (XState's guard for it). */
function forXState(config: Json, m: CompiledMachine): Json {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const o = x as Json;
    if (o.type === 'in' && typeof o.params === 'object' && (o.params as Json).machine !== undefined) return { type: 'other' }; // another machine: false in both
    if (o.type === 'in' && typeof o.params === 'object') {
      const state = (o.params as Json).state as string;
      const id = state.startsWith('#') ? state.slice(1) : m.ids[m.names.indexOf(state)];
      return stateIn(`#${id}`);
    }
    if (typeof o.invoke === 'object') {
      const { invoke, ...rest } = o;
      const inv = invoke as Json;
      return { ...(walk(rest) as Json), invoke: { ...(walk(inv) as Json), src: 'never' } };
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

function crossCheck(config: Json, sequences: number, length: number, seed: number): number {
  const m = compileMachine(config, 'machine');
  const coins: number[] = [];
  let mine = 0, theirs = 0;
  const host: MachineHost = {
    chance: () => coins[mine++], entered() {}, exiting() {}, took() {}, send() {}, inOther: () => false, done() {},
  };
  const machine = createMachine(forXState(config, m) as never, {
    guards: { chance: (_: unknown, p: { p: number }) => coins[theirs++] < p.p, other: () => false,
      counter: ({ context }: { context: Json }, p: { counter: string; op: string; value: number }) => {
        const v = context[p.counter] as number;
        return p.op === '<' ? v < p.value : p.op === '<=' ? v <= p.value : p.op === '>' ? v > p.value : p.op === '>=' ? v >= p.value : p.op === '==' ? v === p.value : v !== p.value;
      },
    } as never,
    actions: {
      inc: assign(({ context }: { context: Json }, p: { counter: string; by?: number }) => ({ [p.counter]: (context[p.counter] as number) + (p.by ?? 1) })),
      set: assign((_: unknown, p: { counter: string; value: number }) => ({ [p.counter]: p.value })),
      send: () => {},
    } as never,
    actors: { never: fromCallback(() => {}) } as never, // the call's outcome comes as the done/error events sent below
  });
  const rng = createStream(seed, 'crosscheck');
  const events = m.events.slice(1);
  const instances = new MachineInstances(m, 0, host);
  let steps = 0;
  for (let q = 0; q < sequences; q++) {
    coins.length = 0;
    mine = theirs = 0;
    for (let i = 0; i < 64 * length; i++) coins.push(rng.next());
    const actor = createActor(machine, { clock: new SimulatedClock() });
    let failure: unknown;
    actor.subscribe({ error: (e) => { failure = e; } });
    actor.start();
    const row = instances.create();
    const trail: string[] = [];
    for (let i = 0; i < length; i++) {
      const snap = actor.getSnapshot();
      if (failure !== undefined) throw failure;
      const expected = leafName(snap.value);
      trail.push(expected);
      expect(m.names[instances.leaf[row]], `sequence ${q}: ${trail.join(' → ')}`).toBe(expected);
      expect(mine).toBe(theirs);
      m.counters.forEach((name, k) => expect(instances.counters[row * m.counters.length + k]).toBe((snap.context as Json)[name]));
      const done = snap.status === 'done';
      expect(instances.alive[row] !== 1).toBe(done);
      if (done) break;
      const e = events[Math.floor(rng.next() * events.length)];
      // An invoke's outcome comes only while its state is active (as the world delivers it; XState
      // treats an unhandled error event as the actor's own error).
      const owner = m.names.findIndex((_, s) => m.events[m.invokeDone[s]] === e || m.events[m.invokeError[s]] === e);
      if (owner >= 0 && !instances.isIn(row, owner)) continue;
      actor.send({ type: e });
      instances.send(row, m.eventIndex.get(e)!);
      steps++;
    }
    actor.stop();
    instances.release(row);
  }
  return steps;
}

const nested = {
  id: 'toy',
  initial: 'A',
  context: { n: 0, k: 0 },
  states: {
    A: { on: { GO: 'B', SELF: { target: 'A', reenter: true, actions: { type: 'inc', params: { counter: 'k' } } }, SKIP: '#toy.C.Y' } },
    B: {
      initial: 'X',
      entry: { type: 'inc', params: { counter: 'n' } },
      exit: { type: 'inc', params: { counter: 'k', by: 10 } },
      on: { BACK: 'A', INNER: { target: '.Y' }, RESET: { target: 'B' }, RE: { target: 'B', reenter: true } },
      after: { 500: [{ target: 'C', guard: { type: 'counter', params: { counter: 'n', op: '>=', value: 3 } } }, { target: 'A' }] },
      states: {
        X: { on: { GO: [{ target: 'Y', guard: { type: 'chance', params: { p: 0.3 } } }, { target: 'Z', guard: { type: 'chance', params: { p: 0.5 } } }] } },
        Y: { on: { GO: 'Z', TICK: { actions: [{ type: 'inc', params: { counter: 'n' } }, { type: 'set', params: { counter: 'k', value: 1 } }] } } },
        Z: { always: [{ target: '#toy.C', guard: { type: 'counter', params: { counter: 'n', op: '>', value: 4 } } }], on: { GO: 'X' } },
      },
    },
    C: {
      initial: 'X',
      states: {
        X: { on: { GO: 'Y' } },
        Y: { always: { target: 'X', guard: { type: 'in', params: { state: 'C' } } , actions: { type: 'inc', params: { counter: 'n' } } }, on: {} },
      },
      on: { GO: [{ target: 'D', guard: { type: 'counter', params: { counter: 'n', op: '>', value: 8 } } }], BACK: 'B' },
    },
    D: { type: 'final' },
  },
};

describe('compiled machines visit the states XState visits', () => {
  it('a nested toy machine: reenter, targetless, entry/exit counters, chance, counter and in guards, always, after', () => {
    expect(crossCheck(nested, 200, 40, 1)).toBeGreaterThan(2000);
  });

  for (const [name, config] of Object.entries(WORKFLOW_MACHINES)) {
    it(`the ${name} machine of the presets`, () => {
      expect(crossCheck(config as Json, 100, 30, 2)).toBeGreaterThan(300);
    });
  }
});
