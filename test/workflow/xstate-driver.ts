/**
 * Drives a compiled machine and XState's own interpreter side by side, for the cross-check tests
 * (xstate-crosscheck.test.ts, xstate-random.test.ts): the config as XState takes it, XState's
 * guards and actions for our counter and chance guards, one list of coins both sides draw their
 * chance guards from (each its own count), and the comparison after every event.
 */
import { expect } from 'vitest';
import { assign, createActor, createMachine, fromCallback, SimulatedClock, stateIn } from 'xstate';
import type { CompiledMachine } from '../../src/workflow/machine.js';
import { MachineInstances, type MachineHost } from '../../src/workflow/runtime.js';
import type { Rng } from '../../src/random/rng.js';

export type Json = Record<string, any>;

/**
 * The config as XState takes it: `in` guards become stateIn('#id') (XState's guard for it), an
 * `in` guard on another machine the guard `other` (false in both), an invoke the actor `never`.
 */
export function forXState(config: Json, m: CompiledMachine): Json {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const o = x as Json;
    if (o.type === 'in' && typeof o.params === 'object' && o.params.machine !== undefined) return { type: 'other' };
    if (o.type === 'in' && typeof o.params === 'object') {
      const state = o.params.state as string;
      return stateIn(`#${state.startsWith('#') ? state.slice(1) : m.ids[m.names.indexOf(state)]}`);
    }
    if (typeof o.invoke === 'object') {
      const { invoke, ...rest } = o;
      return { ...(walk(rest) as Json), invoke: { ...(walk(invoke) as Json), src: 'never' } };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]));
  };
  return walk(config) as Json;
}

/** XState's state value as our leaf's dotted name. */
export function leafName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Json)[0];
  return `${k}.${leafName(v)}`;
}

/** One machine on both sides: our instances and XState's machine, drawing chance coins from `coins`. */
export class XStatePair {
  readonly coins: number[] = [];
  /** Coins drawn by our machine and by XState's. */
  mine = 0;
  theirs = 0;
  readonly instances: MachineInstances;
  readonly machine: ReturnType<typeof createMachine>;

  constructor(
    readonly config: Json,
    readonly m: CompiledMachine,
    /** XState's `options.maxIterations` (its bound on a macrostep's always chain), when set. */
    maxIterations?: number,
  ) {
    const host: MachineHost = {
      chance: () => this.coins[this.mine++], entered() {}, exiting() {}, took() {}, send() {}, inOther: () => false, done() {},
    };
    const xconfig = forXState(config, m);
    this.machine = createMachine((maxIterations === undefined ? xconfig : { ...xconfig, options: { maxIterations } }) as never, {
      guards: {
        chance: (_: unknown, p: { p: number }) => this.coins[this.theirs++] < p.p,
        other: () => false,
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
      actors: { never: fromCallback(() => {}) } as never, // an invoke's outcome comes as the done/error events the test sends
    });
    this.instances = new MachineInstances(m, 0, host);
  }

  /** `n` fresh coins from `rng` for the next sequence, none drawn yet. */
  deal(rng: Rng, n: number): void {
    this.coins.length = 0;
    this.mine = this.theirs = 0;
    for (let i = 0; i < n; i++) this.coins.push(rng.next());
  }

  /** An actor of XState's machine on a simulated clock (not started); `failure` holds what it reported as an error. */
  actor() {
    const actor = createActor(this.machine, { clock: new SimulatedClock() });
    const seen: { failure: unknown } = { failure: undefined };
    actor.subscribe({ error: (e) => { seen.failure = e; } });
    return { actor, seen };
  }

  /** Our row `row` is where XState's snapshot is: the same leaf, coins drawn, counters, done or not (`at` says where). Returns done. */
  expectSame(row: number, snap: { value: unknown; context: Json; status: string }, at: string): boolean {
    const m = this.m, instances = this.instances;
    expect(m.names[instances.leafOf(row)], at).toBe(leafName(snap.value));
    expect(this.mine, at).toBe(this.theirs);
    m.counters.forEach((name, k) => expect(instances.counter(row, k), `${at}: ${name}`).toBe(snap.context[name]));
    const done = snap.status === 'done';
    expect(instances.aliveOf(row) !== 1, at).toBe(done);
    return done;
  }
}
