import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { TopologyModel } from '../../src/model/topology.js';
import { summarizeTopology } from '../../src/model/topology-summary.js';
import { AttemptState } from '../../src/model/states.js';
import { BreakerState } from '../../src/model/circuit-breaker.js';
import { parseScenario, toTopologyConfig } from '../../src/scenario/scenario.js';
import { preset } from '../../src/scenario/presets.js';
import { TOPOLOGY_PRESETS } from '../../src/scenario/topology-presets.js';
import { TopologyScene } from '../../demo/topology-scene.js';
import { computeTopologyLayout, minTopologyHeight, tiersOf, topologyQueueX } from '../../demo/topology-layout.js';
import { Phase } from '../../demo/particles.js';
import { timingOf } from '../../demo/timing.js';
import { topologyEndings } from '../../demo/topology-endings.js';
import { I_CALL, I_SERVER, I_STATE, ROW_I32 } from '../../src/model/request-table.js';

function sceneOf(name: string, width = 390, height = 320, reducedMotion = false): TopologyScene {
  const scenario = parseScenario(preset(name)!);
  const scene = TopologyScene.of(scenario, { timing: timingOf(scenario), reducedMotion });
  scene.resize(width, height);
  return scene;
}

/** Advances like the animation does: frames of `frameMs` of simulated time, drawing each. */
function play(scene: TopologyScene, ms: number, frameMs = scene.travelMs / 4): void {
  const end = scene.model.sim.now + ms;
  while (scene.model.sim.now < end && !scene.finished) {
    scene.advanceTo(Math.min(end, scene.model.sim.now + frameMs));
    scene.update();
  }
}

describe('TopologyScene', () => {
  it('derives its tiers, groups and edges from the preset: three-tier has web, then api, then db and cache side by side', () => {
    const scene = sceneOf('three-tier');
    const L = scene.layout, names = scene.model.services.map((s) => s.name);
    expect(names).toEqual(['web', 'api', 'db', 'cache']);
    expect(Array.from(L.tier)).toEqual([0, 1, 2, 2]);
    expect(scene.tiers).toBe(3);
    expect(L.servers).toBe(12);
    // db left of cache in one row; each group's boxes inside it, in order, without overlap.
    expect(L.groupX1[2]).toBeLessThan(L.groupX0[3]);
    for (const svc of scene.model.services) {
      for (let s = svc.lo; s < svc.hi; s++) {
        expect(scene.serviceOf[s]).toBe(svc.index);
        expect(L.boxX[s]).toBeGreaterThanOrEqual(L.groupX0[svc.index] - 1e-3);
        expect(L.boxX[s] + L.boxW[s]).toBeLessThanOrEqual(L.groupX1[svc.index] + 1e-3);
        if (s > svc.lo) expect(L.boxX[s]).toBeGreaterThan(L.boxX[s - 1] + L.boxW[s - 1]);
      }
    }
    // Edges the model has: client->web, web->api, api->db, api->cache.
    expect(scene.model.edges.map((e) => e.name)).toEqual(['client->web', 'web->api', 'api->db', 'api->cache']);
  });

  it('tiers breadth-first from every entry no service calls, at once; services no entry reaches go last', () => {
    expect(Array.from(tiersOf(4, [0], [{ from: 0, to: 1 }, { from: 1, to: 2 }]))).toEqual([0, 1, 2, 3]);
    expect(Array.from(tiersOf(5, [0, 1], [{ from: 1, to: 2 }, { from: 2, to: 3 }, { from: 0, to: 3 }]))).toEqual([0, 0, 1, 1, 2]);
    // An entry another service calls goes below its caller; when every entry is called, from the first.
    expect(Array.from(tiersOf(3, [0, 1], [{ from: 0, to: 1 }, { from: 1, to: 2 }]))).toEqual([0, 1, 2]);
    expect(Array.from(tiersOf(2, [0, 1], [{ from: 0, to: 1 }, { from: 1, to: 0 }]))).toEqual([0, 1]);
  });

  it('lays every preset out inside the scene at phone width and in a column: name line, queue strip, boxes, tier under tier', () => {
    for (const name of Object.keys(TOPOLOGY_PRESETS)) {
      const model = new TopologyModel(toTopologyConfig(parseScenario(preset(name)!)));
      for (const width of [390, 720]) {
        const services = model.services.map((svc) => ({ name: svc.name, concurrency: model.pool.concurrency.subarray(svc.lo, svc.hi) }));
        const edges = model.edges.filter((e) => e.from >= 0);
        const entries = model.edges.filter((e) => e.from < 0).map((e) => e.to);
        const tier = tiersOf(model.services.length, entries, edges);
        const height = minTopologyHeight(Math.max(...tier) + 1);
        const L = computeTopologyLayout({ width, height, services, entries, edges });
        for (let s = 0; s < L.servers; s++) {
          expect(L.boxX[s], `${name} @${width}: box ${s} left`).toBeGreaterThanOrEqual(0);
          expect(L.boxX[s] + L.boxW[s], `${name} @${width}: box ${s} right`).toBeLessThanOrEqual(width);
          expect(L.boxY[s] + L.boxH, `${name} @${width}: box ${s} bottom`).toBeLessThanOrEqual(height);
          expect(L.boxH).toBeGreaterThanOrEqual(12);
          // The queue strip sits between the name line and the box; its places stay over the box.
          expect(L.queueY[s]).toBeLessThan(L.boxY[s]);
          expect(topologyQueueX(L, s, 1e9)).toBeLessThanOrEqual(L.boxX[s] + L.boxW[s]);
          const svc = model.services.find((v) => s >= v.lo && s < v.hi)!;
          expect(L.labelY[svc.index]).toBeLessThan(L.queueY[s] - L.dotR);
          for (let i = 0; i < L.slotsDrawn[s]; i++) {
            const k = L.slotBase[s] + i;
            expect(L.slotX[k]).toBeGreaterThan(L.boxX[s]);
            expect(L.slotX[k]).toBeLessThan(L.boxX[s] + L.boxW[s]);
            expect(L.slotY[k]).toBeGreaterThan(L.boxY[s]);
            expect(L.slotY[k]).toBeLessThan(L.boxY[s] + L.boxH);
          }
        }
        // A callee's group starts below its caller's boxes (room for the edge between them).
        for (const e of edges) {
          if (L.tier[e.to] > L.tier[e.from]) expect(L.portInY[e.to], `${name}: ${e.name}`).toBeGreaterThan(L.portOutY[e.from]);
        }
      }
    }
  });

  for (const name of Object.keys(TOPOLOGY_PRESETS)) {
    it(`${name}: the attempts it animates are the engine's, counted alike, and watching does not change the run`, () => {
      const scene = sceneOf(name);
      const horizon = Math.max(3_000, 60 * scene.travelMs);
      play(scene, horizon);
      const m = scene.model, now = m.sim.now;
      m.services.forEach((svc, i) => {
        const k = svc.counters;
        expect(scene.sentSeen[i], `${svc.name} attempts`).toBe(k.attempts);
        expect(scene.endedSeen[i * 9 + AttemptState.Succeeded], `${svc.name} succeeded`).toBe(k.succeeded);
        expect(scene.endedSeen[i * 9 + AttemptState.Failed], `${svc.name} failed`).toBe(k.failed);
        expect(scene.endedSeen[i * 9 + AttemptState.Dropped], `${svc.name} dropped`).toBe(k.dropped);
        expect(scene.endedSeen[i * 9 + AttemptState.Rejected], `${svc.name} rejected`).toBe(k.rejected);
        expect(scene.endedSeen[i * 9 + AttemptState.Cancelled], `${svc.name} cancelled`).toBe(k.cancelled);
      });
      m.edges.forEach((e, i) => expect(scene.refusedSeen[i], `${e.name} refused`).toBe(e.counters.refused));
      // The charts' latencies are the entry requests that succeeded, as many as the engine counts.
      expect(scene.latenciesCharted, `${name} latencies charted`).toBe(m.stats.succeeded);
      // Every attempt sent has a dot (none over the cap here).
      expect(scene.undrawn).toBe(0);
      expect(scene.spawned).toBeGreaterThan(0);
      // The same seed run to the same time without an observer: the same summary.
      const plain = new TopologyModel(toTopologyConfig(parseScenario(preset(name)!)));
      plain.sim.runUntil(now);
      const strip = (s: ReturnType<typeof summarizeTopology>) => JSON.stringify({ ...s, wallMs: 0, eventsPerSec: 0 });
      expect(strip(summarizeTopology(m, name, 0))).toBe(strip(summarizeTopology(plain, name, 0)));
    });
  }

  it('draws one live dot per attempt at a server, in its slot while it holds one and above its box while it waits', () => {
    const scene = sceneOf('three-tier', 720, 360);
    play(scene, 400);
    const t = scene.model.requests, ps = scene.particles, L = scene.layout;
    let atServer = 0;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i], a = ps.request[p];
      if (a < 0 || ps.phase[p] !== Phase.AtServer) continue;
      atServer++;
      const s = ps.server[p];
      expect(t.i32[a * ROW_I32 + I_SERVER]).toBe(s);
      if (t.i32[a * ROW_I32 + I_STATE] === AttemptState.InService) {
        expect(ps.y[p]).toBeGreaterThan(L.boxY[s] - 1);
        expect(ps.y[p]).toBeLessThan(L.boxY[s] + L.boxH + 1);
      } else {
        expect(t.i32[a * ROW_I32 + I_STATE]).toBe(AttemptState.Pending);
        expect(ps.y[p]).toBeLessThan(L.boxY[s]);
      }
    }
    expect(atServer).toBeGreaterThan(0);
  });

  it('circuit-breaker: the breaker opens, and attempts refused at the edge fly from the caller and fall halfway', () => {
    const scene = sceneOf('circuit-breaker', 720, 360);
    const breaker = scene.model.edges.find((e) => e.name === 'api->payments')!.breaker!;
    let opened = false;
    for (let k = 0; k < 400 && !opened; k++) {
      play(scene, 10);
      opened = breaker.state === BreakerState.Open && scene.refusedSeen[1] > 0;
    }
    expect(opened).toBe(true);
    const ps = scene.particles, L = scene.layout;
    let refusedDots = 0;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i];
      if (ps.phase[p] === Phase.Leaving && ps.outcome[p] === AttemptState.Rejected) {
        refusedDots++;
        // Between the api's boxes and the payments group: on the edge.
        expect(ps.y[p]).toBeGreaterThan(L.boxY[0] - 1);
        expect(ps.y[p]).toBeLessThan(L.portInY[1] + 1);
      }
    }
    expect(refusedDots).toBeGreaterThan(0);
  });

  it('timeouts-not-nested: work nobody waits for is drawn faded and ends faded, showing the timeout its caller saw', () => {
    const scene = sceneOf('timeouts-not-nested', 720, 360);
    play(scene, 3_000);
    const t = scene.model.requests, ps = scene.particles;
    let ghosts = 0;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i], a = ps.request[p];
      if (a >= 0 && t.i32[a * ROW_I32 + I_CALL] < 0) {
        ghosts++;
        expect(ps.alpha[p]).toBeLessThan(1);
      }
    }
    expect(ghosts).toBeGreaterThan(0);
    expect(scene.retired[AttemptState.TimedOut]).toBeGreaterThan(0);
  });

  it('under reduced motion dots sit at their places from the frame they appear', () => {
    const scene = sceneOf('three-tier', 720, 360, true);
    play(scene, 200);
    const ps = scene.particles, L = scene.layout;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i];
      if (ps.request[p] < 0 || ps.phase[p] === Phase.Leaving) continue;
      const s = ps.server[p];
      expect(ps.x[p]).toBeGreaterThanOrEqual(L.boxX[s] - 1);
      expect(ps.x[p]).toBeLessThanOrEqual(L.boxX[s] + L.boxW[s] + 1);
    }
  });
});

describe('topologyEndings', () => {
  const of = (name: string, patch: (json: Record<string, any>) => void = () => {}) => {
    const json = structuredClone(preset(name)!) as Record<string, any>;
    patch(json);
    return [...topologyEndings(parseScenario(json))].sort();
  };

  it('lists the endings an attempt can come to: bounded queues drop, client timeouts time out, breakers refuse, fail steps fail', () => {
    expect(of('three-tier')).toEqual(['dropped', 'failed', 'succeeded', 'timedOut']);
    expect(of('circuit-breaker')).toEqual(['failed', 'rejected', 'succeeded']);
    expect(of('retry-amplification')).toEqual(['failed', 'succeeded']);
    expect(of('slow-dependency')).toEqual(['dropped', 'failed', 'succeeded']);
  });

  it('a chain of plain calls can only succeed; cancel over a timed-out edge adds cancelled, a bulkhead rejected', () => {
    expect(of('timeouts-not-nested', (j) => delete j.client)).toEqual(['succeeded']);
    expect(of('timeouts-not-nested', (j) => (j.client = { timeoutMs: 50, cancel: true }))).toEqual(['cancelled', 'failed', 'succeeded', 'timedOut']);
    expect(of('timeouts-not-nested', (j) => (j.calls = { 'frontend->backend': { maxConcurrent: 4 } }))).toEqual(['failed', 'rejected', 'succeeded', 'timedOut']);
  });
});
