import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Simulation } from '../../src/engine/simulation.js';

function recorder(sim: Simulation) {
  const seen: [number, number, number][] = [];
  sim.setHandler({ handle: (kind, target) => void seen.push([sim.now, kind, target]) });
  return seen;
}

describe('Simulation', () => {
  it('delivers kind and target unchanged, in time order', () => {
    const sim = new Simulation();
    const seen = recorder(sim);
    sim.schedule(3, 31, 123_456);
    sim.schedule(1, 0, 0);
    sim.schedule(2, 7, 2 ** 26 - 1);
    sim.run();
    expect(seen).toEqual([[1, 0, 0], [2, 7, 2 ** 26 - 1], [3, 31, 123_456]]);
    expect(sim.events).toBe(3);
  });

  it('runUntil(t) handles events up to t inclusive and leaves the clock at t', () => {
    const sim = new Simulation();
    const seen = recorder(sim);
    for (const t of [1, 2, 2, 5, 9]) sim.schedule(t, 1, t);
    expect(sim.runUntil(2)).toBe(3);
    expect(sim.now).toBe(2);
    expect(sim.runUntil(4)).toBe(0);
    expect(sim.now).toBe(4);
    sim.runUntil(100);
    expect(seen.map((e) => e[0])).toEqual([1, 2, 2, 5, 9]);
    expect(sim.now).toBe(100);
  });

  it('runUntil(NaN) is refused, not taken as "run to the end"', () => {
    const sim = new Simulation();
    recorder(sim);
    sim.schedule(1, 1, 0);
    expect(() => sim.runUntil(NaN)).toThrow(/NaN/);
    expect(sim.events).toBe(0);
  });

  it('refuses to schedule into the past', () => {
    const sim = new Simulation();
    recorder(sim);
    sim.runUntil(10);
    expect(() => sim.schedule(9, 0, 0)).toThrow(/before now/);
    expect(() => sim.schedule(NaN, 0, 0)).toThrow(RangeError);
  });

  it('stop() ends run() after the current event', () => {
    const sim = new Simulation();
    let n = 0;
    sim.setHandler({ handle: () => { if (++n === 2) sim.stop(); } });
    for (let t = 0; t < 5; t++) sim.schedule(t, 0, 0);
    sim.run();
    expect(n).toBe(2);
    expect(sim.now).toBe(1);
  });

  it('stopped reads what stop() and assignments set; a run clears it; set inside a handler it ends the run', () => {
    const sim = new Simulation();
    expect(sim.stopped).toBe(false);
    let n = 0;
    sim.setHandler({ handle: () => { if (++n === 3) sim.stopped = true; } });
    for (let t = 0; t < 5; t++) sim.schedule(t, 0, 0);
    sim.stopped = true; // a run starts by clearing it
    sim.run();
    expect([n, sim.stopped, sim.now]).toEqual([3, true, 2]);
    sim.stopped = false;
    expect(sim.stopped).toBe(false);
    sim.stop();
    expect(sim.stopped).toBe(true);
    sim.setHandler({ handle: () => { n++; } });
    expect(sim.runUntil(10)).toBe(2);
    expect([n, sim.stopped, sim.now]).toEqual([5, false, 10]);
  });

  it('exposes the current event id so models can cancel lazily', () => {
    const sim = new Simulation();
    const live = new Set<number>();
    const handled: number[] = [];
    sim.setHandler({ handle: (_k, target) => { if (live.has(sim.currentEventId)) handled.push(target); } });
    const a = sim.schedule(1, 0, 1);
    sim.schedule(2, 0, 2);
    const c = sim.schedule(3, 0, 3);
    live.add(a).add(c); // event 2 is "cancelled"
    sim.run();
    expect(handled).toEqual([1, 3]);
  });

  it('a cancelled lane event is neither handled nor counted, and runUntil slices stop short of it', () => {
    const sim = new Simulation();
    const seen = recorder(sim);
    const lane = sim.addLane();
    const ids = [2, 4, 6].map((t) => [sim.scheduleLane(lane, t, 3, t), sim.lanePos]);
    sim.schedule(5, 1, 5);
    expect(sim.cancelLane(lane, ids[1][0], ids[1][1])).toBe(true);
    expect(sim.cancelLane(lane, ids[1][0], ids[1][1])).toBe(false);
    expect(sim.runUntil(4)).toBe(1);
    expect(sim.peek()).toBe(5);
    expect(sim.cancelLane(lane, ids[0][0], ids[0][1])).toBe(false); // already handled
    expect(sim.cancelLane(lane, ids[2][0], ids[0][1])).toBe(false); // not at that position
    expect(sim.cancelLane(lane, ids[2][0], ids[2][1])).toBe(true);
    expect(sim.peek()).toBe(5);
    sim.run();
    expect(seen).toEqual([[2, 3, 2], [5, 1, 5]]);
    expect(sim.events).toBe(2);
  });

  it('src/engine imports nothing from the layers above it', () => {
    const dir = join(import.meta.dirname, '../../src/engine');
    for (const file of readdirSync(dir)) {
      const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[a-z-]+\.js$/);
    }
  });
});
