import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { simulate } from '../../src/experiment/simulate.js';
import { SCENES, availableScenes, findScene, type Scene } from '../../demo/scenes.js';
import { resolveSource, MAX_DRAWN_SERVERS } from '../../demo/scenario-source.js';
import { applyControls, readControls, sizeSpec, MIXED_SPEEDS } from '../../demo/control-values.js';
import { timingOf, SPEEDS } from '../../demo/timing.js';
import { createDistribution } from '../../src/random/distributions.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { PRESETS, preset } from '../../src/scenario/presets.js';
import { TOPOLOGY_PRESETS } from '../../src/scenario/topology-presets.js';
import { WORKFLOW_PRESETS } from '../../src/workflow/presets.js';

/** A gallery scene's scenario JSON (its preset's). */
const sceneJson = (id: string) => preset(findScene(id)!.preset)!;

describe('gallery scenes', () => {
  it('are valid scenarios that run (as the CLI would run them)', () => {
    for (const scene of availableScenes()) {
      const json = sceneJson(scene.id);
      const summary = 'services' in json ? simulate(json, { requests: 300 }) : simulate(json, { requests: 300 });
      expect(summary, scene.id).toBeDefined();
    }
  });

  it('run essay-… presets (or topology presets), which name the balancer shown first (so the CLI reproduces them)', () => {
    for (const scene of SCENES) {
      expect(PRESETS[scene.preset], scene.id).toBeDefined();
      const s = PRESETS[scene.preset].scenario;
      if ('services' in s) {
        // Services calling services: the balancer shown is the entry service's (with several entries, the first's).
        expect([...Object.keys(TOPOLOGY_PRESETS), ...Object.keys(WORKFLOW_PRESETS)], scene.id).toContain(scene.preset);
        const entry = (s.entry ?? Object.keys(s.entries ?? {})[0]) as string;
        expect(s.services[entry].balancer.name, scene.id).toBe(scene.balancers[0]);
      } else {
        expect(scene.preset, scene.id).toBe(`essay-${scene.id}`);
        expect((s.balancer as { name: string }).name, scene.id).toBe(scene.balancers[0]);
      }
    }
  });

  it('follow the essay path, with unique ids', () => {
    const ids = SCENES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 6)).toEqual(['round-robin', 'variable-cost', 'different-power', 'weighted-round-robin', 'least-connections', 'failure']);
  });

  it('leave out a scene whose balancer is not registered', () => {
    const extra: Scene = { id: 'x', title: 'x', balancers: ['no-such-balancer'], preset: SCENES[0].preset };
    expect(availableScenes([...SCENES, extra]).map((s) => s.id)).not.toContain('x');
    expect(availableScenes().map((s) => s.id)).toContain('round-robin');
  });
});

describe('resolveSource', () => {
  it('resolves a gallery scene with its balancers, or a library preset', async () => {
    const r = await resolveSource({ preset: 'compare' });
    expect(r.ok && r.scenarios.map((s) => s.balancer.name)).toEqual(['round-robin', 'least-connections']);
    const lib = await resolveSource({ preset: 'essay' });
    expect(lib.ok && lib.scenarios[0].name).toBe('essay');
  });

  it('compares two balancers on the identical workload', async () => {
    const r = await resolveSource({ preset: 'variable-cost', balancers: 'round-robin, power-of-two', seed: '9' });
    if (!r.ok) throw new Error(r.error);
    const [a, b] = r.scenarios;
    expect([a.balancer.name, b.balancer.name]).toEqual(['round-robin', 'power-of-two']);
    expect({ ...a, balancer: null }).toEqual({ ...b, balancer: null });
    expect(a.seed).toBe(9);
  });

  it('explains what is wrong instead of throwing', async () => {
    const cases: [Parameters<typeof resolveSource>[0], RegExp][] = [
      [{ preset: 'nope' }, /preset: got "nope", expected one of .*round-robin/],
      [{ scenario: '{"servers": [' }, /scenario: not valid JSON/],
      [{ scenario: 'https://example.com/scene.json' }, /URLs are not fetched/],
      [{ scenario: '{"servers":[{"concurrency":0}],"arrivals":{"process":"poisson","ratePerSec":1},"service":{"dist":"constant","valueMs":1},"balancer":{"name":"random"},"stop":{"timeMs":1}}' }, /servers\[0\]\.concurrency: got 0, expected an integer from 1 to 1000000/],
      [{ preset: 'round-robin', balancers: 'a,b,c' }, /expected one, or two/],
      [{ preset: 'round-robin', balancers: 'nonsense' }, /balancer\.name: got "nonsense"/],
      [{ preset: 'round-robin', seed: '-1' }, /seed: got "-1"/],
      [{ scenario: { ...(sceneJson('round-robin')), servers: [{ count: MAX_DRAWN_SERVERS + 1 }] } }, /at most 48/],
    ];
    for (const [input, message] of cases) {
      const r = await resolveSource(input);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(message);
    }
  });

  it('resolves topology and workflow presets as the library parses them, loading their parsers first', async () => {
    for (const name of ['three-tier', 'circuit-breaker', 'order-payment', 'cancel-race']) {
      const r = await resolveSource({ preset: name });
      if (!r.ok) throw new Error(r.error);
      expect(r.scenarios[0], name).toEqual(parseScenario(PRESETS[name].scenario));
      expect(r.scenarios[0].topology, name).toBeDefined();
      expect(r.scenarios[0].workflows !== undefined, name).toBe(name === 'order-payment' || name === 'cancel-race');
    }
  });

  it("refuses a bad topology or workflow with the library's message, word for word", async () => {
    const three = PRESETS['three-tier'].scenario as Record<string, any>;
    const order = PRESETS['order-payment'].scenario as Record<string, any>;
    const bad: Record<string, unknown>[] = [
      { ...three, servers: [{ count: 1 }] },
      { ...three, services: { ...three.services, api: { ...three.services.api, limit: { kind: 'nope' } } } },
      { ...three, calls: { 'web->nowhere': {} } },
      { ...order, workflows: { ...order.workflows, machines: 3 } },
      { ...order, workflows: { nope: 1 } },
    ];
    for (const json of bad) {
      let expected = '';
      try {
        parseScenario(json);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      const r = await resolveSource({ scenario: JSON.stringify(json) });
      expect(r.ok ? '' : r.error).toBe(expected);
    }
  });

  it('defaults to the variable-cost scene', async () => {
    const r = await resolveSource({});
    expect(r.ok && r.scene?.id).toBe('variable-cost');
  });
});

describe('control values', () => {
  const json = sceneJson('failure');

  it('read back what a scenario says', () => {
    const s = parseScenario(sceneJson('different-power'));
    expect(readControls(s, 7)).toEqual({ ratePerSec: 7, size: 'uniform', servers: 4, power: 'mixed' });
  });

  it('rewrite rate, request sizes (same mean), server count and power', () => {
    const s = applyControls(json, { ratePerSec: 3, size: 'heavy-tail', servers: 6, power: 'mixed' }, 500);
    expect(s.arrivals).toEqual({ process: 'poisson', ratePerSec: 3 });
    expect(createDistribution(s.service).meanMs).toBeCloseTo(500, 6);
    expect(s.servers.map((g) => g.speed)).toEqual([...MIXED_SPEEDS, ...MIXED_SPEEDS.slice(0, 2)]);
    expect(s.servers.map((g) => g.weight)).toEqual(s.servers.map((g) => g.speed));
    expect(s.health).toEqual(parseScenario(json).health);
  });

  it('drop outages of servers that no longer exist', () => {
    const s = applyControls(json, { ratePerSec: 5, size: 'uniform', servers: 1, power: 'equal' }, 500);
    expect(s.failures?.outages).toEqual([]);
    const kept = applyControls(json, { ratePerSec: 5, size: 'uniform', servers: 2, power: 'equal' }, 500);
    expect(kept.failures?.outages.map((o) => o.servers)).toEqual([[1], [1]]);
  });

  it('keep the mean of every size distribution', () => {
    for (const size of ['constant', 'uniform', 'exponential', 'heavy-tail'] as const) {
      expect(createDistribution(sizeSpec(size, 80)).meanMs).toBeCloseTo(80, 6);
    }
  });
});

describe('timingOf', () => {
  it('scales flights, chart steps and speed to the workload', () => {
    const essay = timingOf(parseScenario(sceneJson('round-robin')));
    expect(essay.travelMs).toBeCloseTo(300);
    expect(essay.sampleMs).toBe(500);
    expect(essay.windowMs).toBe(5_000);
    expect(SPEEDS).toContain(essay.speed);
    const fast = timingOf(parseScenario(sceneJson('overload')));
    expect(fast.travelMs).toBeLessThan(essay.travelMs);
    expect(fast.speed).toBeLessThan(essay.speed);
  });
});
