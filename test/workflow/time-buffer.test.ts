/**
 * Times in state wait in a buffer per state and reach its histogram 4,096 at a time (world.ts
 * recordTime/flushTime): the histogram counts do not depend on when or in which order
 * values are recorded, so a run whose buffers are flushed at arbitrary instants (a summary taken
 * mid-run flushes them) must end with the same summary as one flushed only at the end, and every
 * time recorded must be counted once.
 */
import { describe, expect, it } from 'vitest';
import { createTopologyModel, preset, type TopologyInput } from '../../src/index.js';
import { summarizeWorkflows } from '../../src/workflow/summary.js';
import type { WorkflowWorld } from '../../src/workflow/world.js';

function model() {
  const input = preset('order-payment') as unknown as TopologyInput & { stop: unknown };
  input.stop = { requests: 10_000 };
  const m = createTopologyModel(input, {});
  return { m, world: m.hooks as unknown as WorkflowWorld };
}

describe('time-in-state buffers', () => {
  it('flushed at arbitrary instants or only at the end: the same summary, each time counted once', () => {
    const a = model();
    a.m.run();
    const whole = summarizeWorkflows(a.world);

    const b = model();
    for (let t = 7_000; t < 200_000; t += 13_000) {
      b.m.runUntil(t);
      b.world.flushTimes();
    }
    b.m.run();
    const sliced = summarizeWorkflows(b.world);
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(whole));

    // Draft is left once per order (submit, or the run's end while in it): more values than one buffer holds.
    const st = a.world.stats[0], draft = st.m.names.indexOf('Draft');
    expect(st.entries[draft]).toBe(10_000);
    expect(st.timeHistograms[draft].count).toBe(st.entries[draft]);
    for (const [mi, s] of a.world.stats.entries()) {
      for (let k = 1; k < s.m.names.length; k++) {
        expect(s.timeN[k], `${a.world.names[mi]}.${s.m.names[k]} still buffered after the summary`).toBe(0);
      }
    }
  });
});
