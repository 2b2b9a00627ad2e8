/**
 * Load shedding by queue time (adaptive LIFO) as a state machine: its diagram, and that the machine
 * says what the discipline does — FIFO while the queue has been non-empty for at most
 * queueIntervalMs, newest first once it has not been empty for longer.
 */
import { describe, expect, it } from 'vitest';
import { SHEDDING_MACHINE, SheddingState } from '../../src/model/shedding.js';
import { toMermaid } from '../../src/model/states.js';
import { main } from '../../src/cli/main.js';
import { createModel } from '../../src/index.js';
import { F_ARRIVAL, ROW_F64 } from '../../src/model/request-table.js';

describe('shedding machine', () => {
  it('draws as a Mermaid state diagram: empty → queueing → overloaded → empty', () => {
    const text = toMermaid(SHEDDING_MACHINE);
    expect(text).toContain('[*] --> empty');
    expect(text).toContain('empty --> queueing');
    expect(text).toContain('queueing --> overloaded');
    expect(text).toContain('overloaded --> empty');
    expect(text).not.toContain('overloaded --> queueing'); // only an empty queue ends an overload
    expect(SHEDDING_MACHINE.initial).toBe(SheddingState.Empty);
  });

  it('is printed by lbsim diagram shedding', async () => {
    let out = '';
    const code = await main(['diagram', 'shedding'], { out: (t) => { out += t; }, err: () => {}, progress: false });
    expect(code).toBe(0);
    expect(out).toBe(toMermaid(SHEDDING_MACHINE));
  });

  it('matches the discipline: oldest first while queueing, newest first once overloaded', () => {
    // One server, one slot, constant 10 ms work; a burst of requests arrives at once. The queue
    // stays non-empty, so after queueIntervalMs (35 ms) the server is overloaded: the first picks
    // are FIFO, later ones LIFO, with shedding of those waiting longer than the bounds.
    const model = createModel({
      seed: 1,
      arrivals: { process: 'trace', timesMs: [0, 1, 2, 3, 4, 5, 6, 7] },
      service: { dist: 'constant', valueMs: 10 },
      servers: [{ count: 1, discipline: 'adaptive-lifo', queueIntervalMs: 35, queueTargetMs: 1000 }],
      balancer: { name: 'round-robin' },
      stop: { warmupMs: 0 },
    } as never);
    const order: number[] = [];
    model.observer = { ended: (r: number, state: number) => { if (state === 3) order.push(model.requests.f64[r * ROW_F64 + F_ARRIVAL]); } }; // succeeded, in service order (one slot)
    model.run();
    expect(order.length).toBeGreaterThan(0);
    // Served at 0 (arrived 0), 10 (1), 20 (2), 30 (3): FIFO while queueing (non-empty for ≤ 35 ms);
    // at 40 the queue (busy since 1 ms) has not been empty for 39 ms > 35: newest first (7), then 6, 5, 4.
    expect(order).toEqual([0, 1, 2, 3, 7, 6, 5, 4]);
  });
});
