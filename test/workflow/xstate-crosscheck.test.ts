/**
 * The compiled tables against XState's own interpreter: for random event sequences, both visit
 * the same states (the leaf after every event) and keep the same counters.
 */
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/workflow/machine.js';
import { createStream } from '../../src/random/rng.js';
import { WORKFLOW_MACHINES } from '../../src/workflow/presets.js';
import { leafName, XStatePair, type Json } from './xstate-driver.js';

function crossCheck(config: Json, sequences: number, length: number, seed: number): number {
  const m = compileMachine(config, 'machine');
  const pair = new XStatePair(config, m), instances = pair.instances;
  const rng = createStream(seed, 'crosscheck');
  const events = m.events.slice(1);
  let steps = 0;
  for (let q = 0; q < sequences; q++) {
    pair.deal(rng, 64 * length);
    const { actor, seen } = pair.actor();
    actor.start();
    const row = instances.create();
    const trail: string[] = [];
    for (let i = 0; i < length; i++) {
      const snap = actor.getSnapshot();
      if (seen.failure !== undefined) throw seen.failure;
      trail.push(leafName(snap.value));
      if (pair.expectSame(row, snap, `sequence ${q}: ${trail.join(' → ')}`)) break;
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
