/**
 * Accounting of the workflow summary: every instance ends in a final state, ends where it was when
 * its family ended, or is live at the end, counted once; also when the run stops by time while
 * orders already final still wait for late answers of their payments.
 */
import { describe, expect, it } from 'vitest';
import { preset, simulate, type TopologyInput } from '../../src/index.js';

describe('workflow summary accounting', () => {
  for (const name of ['order-payment', 'double-charge', 'cancel-race', 'stuck-orders', 'checkout']) {
    for (const stop of [undefined, { timeMs: 20_000 }]) {
      it(`${name}${stop ? ', stopped after 20 s' : ''}: started = completed + live; each machine's end states sum to its instances`, () => {
        const input = preset(name) as unknown as TopologyInput & { stop: unknown };
        if (stop) input.stop = stop;
        const w = simulate(input).workflows!;
        expect(w.instances.completed + w.instances.live).toBe(w.instances.started);
        if (stop) expect(w.instances.live).toBeGreaterThan(0);
        for (const [mn, m] of Object.entries(w.machines)) {
          const counts = Object.values(m.endStates).map((x) => x.count);
          expect(counts.reduce((a, b) => a + b, 0), mn).toBe(m.instances);
          expect(Object.values(m.endStates).reduce((a, x) => a + x.share, 0), mn).toBeCloseTo(1, 6);
          const live = Object.entries(m.endStates).filter(([k]) => k.startsWith('live in ')).reduce((a, [, x]) => a + x.count, 0);
          if (mn === 'order') expect(live).toBe(w.instances.live);
        }
      });
    }
  }
});
