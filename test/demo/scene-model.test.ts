import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { Model } from '../../src/model/model.js';
import { AttemptState } from '../../src/model/states.js';
import { parseScenario, toModelConfig } from '../../src/scenario/scenario.js';
import { MAX_DOTS, MIN_DOT_SCALE, POINT_COST, SceneModel } from '../../demo/scene-model.js';
import { Phase } from '../../demo/particles.js';
import { queueX, slotIndex } from '../../demo/layout.js';
import { timingOf } from '../../demo/timing.js';
import { findScene } from '../../demo/scenes.js';
import { preset } from '../../src/scenario/presets.js';
import { AGE_COLORS_LIGHT, OKABE_ITO } from '../../demo/palette.js';
import { F_END, F_START, I_CALL, I_STATE, ROW_F64, ROW_I32 } from '../../src/model/request-table.js';

/** A gallery scene's scenario JSON (its preset's). */
const sceneJson = (id: string) => preset(findScene(id)!.preset)!;

function sceneOf(json: Record<string, unknown>, reducedMotion = false): SceneModel {
  const scenario = parseScenario(json);
  const scene = new SceneModel(new Model(toModelConfig(scenario)), { timing: timingOf(scenario), reducedMotion });
  scene.resize(800, 400);
  return scene;
}

/** Advances like the animation does: frames of `frameMs` of simulated time, drawing each. */
function play(scene: SceneModel, ms: number, frameMs = 16): void {
  for (let t = 0; t < ms; t += frameMs) {
    scene.advance(frameMs);
    scene.update();
  }
}

const oneServer = (fields: Record<string, unknown> = {}) => ({
  name: 'one', seed: 3, stop: { timeMs: 60_000 },
  servers: [{ count: 1, concurrency: 1, queueLimit: 4 }],
  arrivals: { process: 'constant', ratePerSec: 4 },
  service: { dist: 'constant', valueMs: 500 },
  balancer: { name: 'round-robin' },
  ...fields,
});

describe('SceneModel', () => {
  it('spawns one dot per request sent, and retires it once its request ended and its exit played', () => {
    const scene = sceneOf(sceneJson('round-robin'));
    play(scene, 10_000);
    const sent = scene.dispatchedTo.reduce((a, b) => a + b, 0);
    expect(sent).toBeGreaterThan(50);
    expect(scene.spawned).toBe(sent);
    expect(scene.retired[AttemptState.Succeeded]).toBeGreaterThan(40);
    expect(scene.retired[AttemptState.Succeeded]).toBeLessThanOrEqual(scene.model.stats.succeeded);
    expect(scene.inFlightDrawn).toBe(scene.model.requests.live);
    expect(scene.particles.count).toBe(scene.spawned - scene.retired.reduce((a, b) => a + b, 0));
  });

  it('reuses its dots: a steady scene never grows the pool', () => {
    const scene = sceneOf(sceneJson('variable-cost'));
    const size = scene.particles.size;
    play(scene, 60_000, 33);
    expect(scene.spawned).toBeGreaterThan(300);
    expect(scene.particles.size).toBe(size);
    expect(scene.particles.generation).toBe(0);
  });

  it('puts a dot in service on a slot of its server and a waiting dot on its queue place', () => {
    const scene = sceneOf(oneServer({ arrivals: { process: 'constant', ratePerSec: 6 } }));
    play(scene, 3_000);
    const L = scene.layout, ps = scene.particles, table = scene.model.requests;
    let inService = 0, waiting = 0;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i], r = ps.request[p];
      if (ps.phase[p] !== Phase.AtServer) continue;
      if (table.i32[r * ROW_I32 + I_STATE] === AttemptState.InService) {
        inService++;
        const k = slotIndex(L, 0, ps.slot[p]);
        expect(ps.x[p]).toBeCloseTo(L.slotX[k], 0);
        expect(ps.y[p]).toBeCloseTo(L.slotY[k], 0);
      } else if (table.i32[r * ROW_I32 + I_STATE] === AttemptState.Pending) {
        waiting++;
        expect(Math.abs(ps.x[p] - queueX(L, 0, ps.place[p]))).toBeLessThan(L.dotR * 3);
        expect(ps.y[p]).toBeCloseTo(L.rowY[0], 0);
      }
    }
    expect(inService).toBe(1);
    expect(waiting).toBeGreaterThan(0);
    for (let i = 0; i < ps.count; i++) if (ps.request[ps.live[i]] >= 0) expect(AGE_COLORS_LIGHT).toContain(ps.color[ps.live[i]]);
  });

  it('shows a dropped request as a vermillion cross falling from the full queue', () => {
    const scene = sceneOf(oneServer({ arrivals: { process: 'constant', ratePerSec: 10 } }));
    let seen = false;
    for (let t = 0; t < 5_000 && !seen; t += 16) {
      scene.advance(16);
      scene.update();
      const ps = scene.particles;
      for (let i = 0; i < ps.count; i++) {
        const p = ps.live[i];
        if (ps.phase[p] === Phase.Leaving && ps.outcome[p] === AttemptState.Dropped) {
          expect(ps.color[p]).toBe(OKABE_ITO.vermillion);
          expect(ps.y[p]).toBeGreaterThanOrEqual(scene.layout.rowY[0]);
          expect(ps.x[p]).toBeLessThan(scene.layout.queueHeadX);
          seen = true;
        }
      }
    }
    expect(seen).toBe(true);
    expect(scene.model.stats.dropped).toBeGreaterThan(0);
  });

  it('after a kill sends no dot to the dead server, and after a revive sends some again', () => {
    const scene = sceneOf(sceneJson('round-robin'));
    play(scene, 3_000);
    scene.kill(1);
    const sentBefore = Array.from(scene.dispatchedTo);
    expect(scene.model.pool.state[1]).toBe(2);
    play(scene, 5_000);
    expect(scene.dispatchedTo[1]).toBe(sentBefore[1]);
    expect(scene.dispatchedTo[0] + scene.dispatchedTo[2] + scene.dispatchedTo[3]).toBeGreaterThan(sentBefore[0] + sentBefore[2] + sentBefore[3] + 20);
    scene.revive(1);
    play(scene, 5_000);
    expect(scene.dispatchedTo[1]).toBeGreaterThan(sentBefore[1]);
  });

  it('slows a server down by a factor and restores it', () => {
    const scene = sceneOf(sceneJson('different-power'));
    scene.slow(0, 4);
    expect(scene.model.pool.speedOf(0)).toBe(0.5);
    expect(scene.isSlowed(0)).toBe(true);
    scene.slow(0, 1);
    expect(scene.model.pool.speedOf(0)).toBe(2);
    expect(scene.isSlowed(0)).toBe(false);
  });

  it('slows a server with model.setSpeed, so a scripted slowdown ends at the speed set by hand', () => {
    const scene = sceneOf(oneServer({ failures: { warmupMs: 0, outages: [], slowdowns: [{ atMs: 1_000, forMs: 1_000, servers: [0], factor: 2 }] } }));
    play(scene, 1_500);
    expect(scene.model.pool.speedOf(0)).toBe(0.5);
    scene.slow(0, 4);
    play(scene, 1_000);
    expect(scene.model.pool.speedOf(0)).toBe(0.25);
    expect(scene.isSlowed(0)).toBe(true);
  });

  it('keeps drawing work its client gave up on (a ghost) in its slot, and ends it as the client saw it', () => {
    // Every attempt times out at 300 ms; without cancellation the server works on to 500 ms.
    const scene = sceneOf(oneServer({ arrivals: { process: 'constant', ratePerSec: 1 }, client: { timeoutMs: 300 } }));
    play(scene, 1_000 + 400); // the first request arrived at 1 s: its client gave up at 1.3 s
    const ps = scene.particles, L = scene.layout, table = scene.model.requests;
    expect(scene.model.stats.timedOut).toBe(1);
    expect(ps.count).toBe(1);
    const p = ps.live[0], g = ps.request[p];
    expect(g).toBeGreaterThanOrEqual(0);
    expect(table.i32[g * ROW_I32 + I_CALL]).toBe(-1); // a ghost row
    expect(table.i32[g * ROW_I32 + I_STATE]).toBe(AttemptState.InService);
    expect(ps.phase[p]).toBe(Phase.AtServer);
    const k = slotIndex(L, 0, ps.slot[p]);
    expect([ps.x[p], ps.y[p]]).toEqual([expect.closeTo(L.slotX[k], 0), expect.closeTo(L.slotY[k], 0)]);
    expect(ps.alpha[p]).toBeLessThan(1);
    expect(scene.inFlightDrawn).toBe(scene.model.requests.live);
    play(scene, 2_000);
    expect(scene.retired[AttemptState.TimedOut]).toBeGreaterThanOrEqual(1);
    expect(scene.retired[AttemptState.Succeeded]).toBe(0);
    expect(scene.spawned).toBe(scene.dispatchedTo[0]);
  });

  it('with reduced motion, puts dots in their places at once instead of flying them', () => {
    const scene = sceneOf(oneServer(), true);
    scene.advance(260); // the first arrival is at 250 ms
    scene.update();
    const ps = scene.particles, p = ps.live[0];
    expect(ps.count).toBe(1);
    expect(ps.phase[p]).toBe(Phase.AtServer);
    const k = slotIndex(scene.layout, 0, 0);
    expect([ps.x[p], ps.y[p]]).toEqual([scene.layout.slotX[k], scene.layout.slotY[k]]);
  });

  it('takes one chart point per sampleMs, counting outcomes as the model does', () => {
    const scene = sceneOf(sceneJson('variable-cost'));
    const step = scene.series.sampleMs;
    play(scene, step * 12 + 1);
    expect(scene.series.points).toBe(12);
    const m = scene.model;
    const counted = scene.series.totals;
    expect(counted[0]).toBeLessThanOrEqual(m.stats.succeeded);
    expect(counted[0]).toBeGreaterThan(0);
    expect(Number.isNaN(scene.series.latest(0))).toBe(false);
  });

  it('is finished when a time-limited run has nothing left in flight', () => {
    const scene = sceneOf(oneServer({ stop: { timeMs: 2_000 } }));
    expect(scene.finished).toBe(false);
    play(scene, 5_000, 100);
    expect(scene.finished).toBe(true);
  });

  it('advanceTo does at most maxEvents of work (plus one chart point) and later frames reach the state of one unbudgeted call', () => {
    const budgeted = sceneOf(sceneJson('variable-cost'));
    const free = sceneOf(sceneJson('variable-cost'));
    const budget = POINT_COST + 50;
    let frames = 0;
    while (budgeted.model.sim.now < 20_000) {
      expect(budgeted.advanceTo(20_000, budget)).toBeLessThan(budget + POINT_COST);
      frames++;
    }
    free.advanceTo(20_000);
    expect(frames).toBeGreaterThan(2);
    expect(budgeted.model.sim.events).toBe(free.model.sim.events);
    expect(budgeted.counters()).toEqual(free.counters());
    expect(budgeted.series.points).toBe(free.series.points);
    expect(Array.from(budgeted.series.totals)).toEqual(Array.from(free.series.totals));
  });

  it('draws at most MAX_DOTS dots and counts the attempts it did not draw', () => {
    const scene = sceneOf(oneServer({ servers: [{ count: 2 }], arrivals: { process: 'poisson', ratePerSec: 1e9 } }));
    for (let frame = 0; frame < 5; frame++) {
      scene.advance(16, 20_000);
      scene.update();
    }
    expect(scene.model.stats.arrived).toBeGreaterThan(MAX_DOTS);
    expect(scene.particles.count).toBeLessThanOrEqual(MAX_DOTS);
    expect(scene.undrawn).toBe(scene.model.stats.arrived - scene.spawned);
  });

  it('colours an in-flight dot by the age band of its request', () => {
    const scene = sceneOf(oneServer());
    const [a, b, c] = scene.ageBandsMs;
    expect([0, a - 1, a, b, c, c * 10].map((ms) => scene.ageColor(ms))).toEqual([
      AGE_COLORS_LIGHT[0], AGE_COLORS_LIGHT[0], AGE_COLORS_LIGHT[1], AGE_COLORS_LIGHT[2], AGE_COLORS_LIGHT[3], AGE_COLORS_LIGHT[3],
    ]);
    // One server, 500 ms each, 6 arriving per second: the queue ages, and its oldest dots change colour.
    const busy = sceneOf(oneServer({ arrivals: { process: 'constant', ratePerSec: 6 } }));
    play(busy, 4_000);
    const colours = new Set<number>();
    for (let i = 0; i < busy.particles.count; i++) colours.add(busy.particles.color[busy.particles.live[i]]);
    expect(colours.size).toBeGreaterThan(1);
  });

  it('draws a dot with area proportional to its work left: full while waiting, shrinking while served', () => {
    const scene = sceneOf(oneServer({ arrivals: { process: 'constant', ratePerSec: 3 } }));
    const table = scene.model.requests;
    play(scene, 1_400); // first request (250 ms) in service since 250 ms, the next ones waiting
    const ps = scene.particles;
    let served = -1, waiting = -1;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i], r = ps.request[p];
      if (r < 0) continue;
      if (table.i32[r * ROW_I32 + I_STATE] === AttemptState.InService) served = p;
      else if (table.i32[r * ROW_I32 + I_STATE] === AttemptState.Pending) waiting = p;
    }
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(ps.scale[waiting]).toBeCloseTo(1); // constant cost = the mean
    expect(ps.scale[served]).toBeLessThan(1);
    const r = ps.request[served];
    const left = 1 - (scene.model.sim.now - table.f64[r * ROW_F64 + F_START]) / (table.f64[r * ROW_F64 + F_END] - table.f64[r * ROW_F64 + F_START]);
    expect(ps.scale[served]).toBeCloseTo(Math.max(MIN_DOT_SCALE, Math.sqrt(left)), 5);
  });

  it('grows the drawn queue of an unbounded server as it fills', () => {
    const scene = sceneOf(oneServer({ servers: [{ count: 1 }], arrivals: { process: 'constant', ratePerSec: 40 } }));
    const v0 = scene.layoutVersion, places0 = scene.layout.queueSlots[0];
    play(scene, 3_000);
    expect(scene.model.pool.queueLengthOf(0)).toBeGreaterThan(places0);
    expect(scene.layoutVersion).toBeGreaterThan(v0);
    expect(scene.layout.queueSlots[0]).toBeGreaterThanOrEqual(scene.model.pool.queueLengthOf(0));
  });
});
