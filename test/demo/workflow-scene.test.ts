import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { TopologyModel } from '../../src/model/topology.js';
import { parseScenario, toTopologyConfig, type Scenario } from '../../src/scenario/scenario.js';
import { preset } from '../../src/scenario/presets.js';
import { simulate } from '../../src/experiment/simulate.js';
import { WorkflowWorld } from '../../src/workflow/world.js';
import { summarizeWorkflows } from '../../src/workflow/summary.js';
import { summarizeTopology } from '../../src/model/topology-summary.js';
import type { TopologyInput } from '../../src/scenario/scenario-input.js';
import { WorkflowScene } from '../../demo/workflow-scene.js';
import { timingOf } from '../../demo/timing.js';

const PRESETS = ['order-payment', 'double-charge', 'cancel-race', 'stuck-orders', 'checkout'];

function sceneOf(name: string, width = 390): { scenario: Scenario; scene: WorkflowScene } {
  const scenario = parseScenario(preset(name)!);
  const scene = WorkflowScene.of(scenario, { timing: timingOf(scenario) });
  scene.resize(width, scene.minHeight);
  return { scenario, scene };
}

/** Advances as the element does: frames of simulated time, at most `budget` events each, placing the dots after each. */
function play(scene: WorkflowScene, toMs: number, frameMs: number, budget = 20_000): void {
  while (scene.model.sim.now < toMs && !scene.finished) {
    scene.advanceTo(Math.min(toMs, scene.model.sim.now + frameMs), budget);
    scene.update();
  }
}

/** The same scenario run by the library alone (no scene, no observer) to `toMs`. */
function worldAt(scenario: Scenario, toMs: number): WorkflowWorld {
  const model = new TopologyModel(toTopologyConfig(scenario));
  const world = new WorkflowWorld(model, scenario.workflows!);
  model.sim.runUntil(toMs);
  return world;
}

describe('WorkflowScene', () => {
  for (const name of PRESETS) {
    it(`${name}: the counts drawn at time t are the runtime's occupancy at t for the same seed, and every transition flashes its arrow`, () => {
      const { scenario, scene } = sceneOf(name);
      for (const t of [3_000, 11_000, 40_000]) {
        play(scene, t, scene.travelMs / 2);
        const now = scene.model.sim.now, world = worldAt(scenario, now);
        expect(now).toBe(t);
        world.machines.forEach((inst, mi) => {
          const m = inst.m;
          for (let s = 1; s < m.names.length; s++) {
            const expected = mi === 0 && m.final[s] === 1 ? world.stats[mi].ended[s] : world.inState[mi][s];
            expect(scene.count(mi, s), `${world.names[mi]}.${m.names[s]} at ${t} ms`).toBe(expected);
          }
        });
        // Live instances: the states of the start machine's top level hold them all (finals until the family ends).
        const live = world.inState[0].reduce((a, b) => a + b, 0) - world.inState[0][0];
        expect(live).toBeGreaterThan(0);
        // The arrows took exactly the runtime's transitions, each along the arrow drawn for its two states.
        let transitions = 0;
        const along = new Float64Array(scene.chart.arrows.length);
        world.stats.forEach((st, mi) => {
          for (let k = 0; k < st.transitions.length; k++) {
            transitions += st.transitions[k];
            along[scene.chart.arrowOf[mi][st.m.source[k] * (st.m.names.length + 1) + st.m.target[k] + 1]] += st.transitions[k];
          }
        });
        expect(scene.transitionsSeen).toBe(transitions);
        expect(Array.from(scene.arrowTaken)).toEqual(Array.from(along));
        // Violations: begun and open, as the world counts them.
        world.invariants.forEach((v, i) => {
          expect(scene.violations(i)).toEqual({ open: v.count - v.resolved - v.unresolved, total: v.count });
        });
      }
    });
  }

  it('draws the two entries of checkout side by side in the first tier (orders and admin), the clients above the middle of both', () => {
    const { scene } = sceneOf('checkout', 720);
    const L = scene.layout, names = scene.model.services.map((s) => s.name), at = (name: string) => names.indexOf(name);
    expect(['orders', 'admin', 'inventory', 'payments', 'stock'].map((n) => L.tier[at(n)])).toEqual([0, 0, 1, 1, 2]);
    expect(L.tiers).toBe(3);
    expect(L.clientX).toBeCloseTo((L.groupCX[at('orders')] + L.groupCX[at('admin')]) / 2, 3);
  });

  it('cancel-race shows Cancelled × Authorized violations open while they last', () => {
    const { scene } = sceneOf('cancel-race');
    let seenOpen = 0;
    for (let t = 2_000; t <= 60_000; t += 2_000) {
      play(scene, t, 500);
      seenOpen = Math.max(seenOpen, scene.violations(0).open);
    }
    expect(scene.world.invariants[0].text).toBe('never order Cancelled and payment Authorized');
    expect(seenOpen).toBeGreaterThan(0);
    expect(scene.violations(0).total).toBeGreaterThan(scene.violations(0).open);
  });

  it('watching changes nothing: the run with the statechart is the run without it, byte for byte', () => {
    const { scene } = sceneOf('double-charge');
    play(scene, 30_000, scene.travelMs / 2);
    scene.model.run(); // on to the end
    const watched = { ...summarizeTopology(scene.model, 'double-charge', 0), workflows: summarizeWorkflows(scene.world) };
    const plain = simulate(preset('double-charge') as TopologyInput);
    expect(scene.transitionsSeen).toBeGreaterThan(10_000);
    expect(JSON.stringify(watched)).toBe(JSON.stringify({ ...plain, wallMs: 0 }));
  });

  it('puts the statechart above the servers on a phone and beside them when wide, never overlapping', () => {
    for (const name of PRESETS) {
      for (const width of [390, 720, 1100]) {
        const { scene } = sceneOf(name, width);
        const C = scene.chart, L = scene.layout;
        expect(scene.placement).toBe(width >= 1100 ? 'beside' : width >= 720 ? scene.placement : 'above');
        const right = Math.max(...C.boxes.map((b) => b.x + b.w)), bottom = C.badgeY + scene.world.invariants.length * C.badgeH;
        for (let s = 0; s < L.servers; s++) {
          if (scene.placement === 'above') expect(L.queueY[s] - L.dotR * 2).toBeGreaterThanOrEqual(bottom);
          else expect(L.boxX[s]).toBeGreaterThanOrEqual(right);
          expect(L.boxX[s] + L.boxW[s]).toBeLessThanOrEqual(width + 1e-3);
          expect(L.boxY[s] + L.boxH).toBeLessThanOrEqual(scene.minHeight + 1e-3);
        }
        if (scene.placement === 'above') expect(L.clientY - 8).toBeGreaterThanOrEqual(bottom);
        else expect(L.clientX - 40).toBeGreaterThanOrEqual(right);
        expect(C.scale).toBeGreaterThan(0.85);
      }
    }
  });
});
