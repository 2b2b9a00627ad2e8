import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { compileStory, parseStory, FOREVER_MS } from '../../src/scenario/story.js';
import { createArrivals } from '../../src/model/arrivals.js';
import { simulate } from '../../src/experiment/simulate.js';
import { ScenarioError } from '../../src/input/check.js';

const base = {
  name: 'story', seed: 4, stop: { timeMs: 60_000 }, servers: [{ count: 4, queueLimit: 10 }],
  arrivals: { process: 'poisson', ratePerSec: 6 }, service: { dist: 'exponential', meanMs: 500 }, balancer: { name: 'least-connections' },
};

function refusal(json: unknown): ScenarioError {
  try {
    parseScenario(json);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseStory', () => {
  it('names servers as drawn: "S1" is server id 0', () => {
    expect(parseStory([{ atMs: 5, kill: 'S1' }, { atMs: 6, revive: 's4' }], 4)).toEqual([
      { kind: 'kill', atMs: 5, server: 0 }, { kind: 'revive', atMs: 6, server: 3 },
    ]);
  });

  it('refuses a server the pool does not have, naming the step', () => {
    expect(() => parseStory([{ atMs: 0, caption: 'x' }, { atMs: 1, kill: 'S5' }], 4)).toThrow(/^story\[1\]\.kill: got "S5", expected a server named as drawn, "S1" to "S4"/);
    expect(() => parseStory([{ atMs: 1, kill: 2 }], 4)).toThrow(/story\[0\]\.kill/);
  });

  it('refuses two actions in one step, options without "slow", and a step with neither action nor caption', () => {
    expect(() => parseStory([{ atMs: 1, kill: 'S1', rate: 3 }], 4)).toThrow(/story\[0\]\.rate: .*one action per step/);
    expect(() => parseStory([{ atMs: 1, kill: 'S1', factor: 3 }], 4)).toThrow(/story\[0\]\.factor: .*only with "slow"/);
    expect(() => parseStory([{ atMs: 1 }], 4)).toThrow(/story\[0\]: .*an action/);
    expect(() => parseStory([{ atMs: 1, caption: '  ' }], 4)).toThrow(/story\[0\]\.caption/);
  });
});

/** The scenario `toModelConfig` runs: the parsed one with its story compiled. */
function compileStoryOf(json: Record<string, unknown>) {
  const s = parseScenario(json);
  return compileStory(s, parseStory(s.story, 4));
}

describe('compileStory', () => {
  it('parseScenario keeps the story as written, so a parsed scenario parses to itself', () => {
    const s = parseScenario({ ...base, story: [{ atMs: 10, kill: 'S2', caption: 'down' }] });
    expect(s.story).toEqual([{ atMs: 10, kill: 'S2', caption: 'down' }]);
    expect(parseScenario(s)).toEqual(s);
  });

  it('turns a kill and its revive into one outage, a slow into a slowdown, a rate into an arrival change', () => {
    const s = compileStoryOf({
      ...base,
      story: [
        { atMs: 10_000, kill: 'S2', caption: 'S2 crashes' },
        { atMs: 30_000, rate: 12, caption: 'Traffic doubles' },
        { atMs: 20_000, revive: 'S2' },
        { atMs: 25_000, slow: 'S3', factor: 4, forMs: 5_000 },
        { atMs: 40_000, kill: 'S4' },
      ],
    });
    expect(s.failures?.outages).toEqual([
      { atMs: 10_000, forMs: 10_000, servers: [1] },
      { atMs: 40_000, forMs: FOREVER_MS, servers: [3] },
    ]);
    expect(s.failures?.slowdowns).toEqual([{ atMs: 25_000, forMs: 5_000, servers: [2], factor: 4 }]);
    expect(s.arrivals).toEqual({ process: 'poisson', ratePerSec: 6, changes: [{ atMs: 30_000, ratePerSec: 12 }] });
    expect(s.story).toBeUndefined();
  });

  it('lbsim run of a story gives the same summary as the scenario written out by hand', () => {
    const story = parseScenario({ ...base, story: [{ atMs: 10_000, kill: 'S2' }, { atMs: 20_000, revive: 'S2' }, { atMs: 30_000, rate: 12 }] });
    const byHand = parseScenario({
      ...base,
      arrivals: { process: 'poisson', ratePerSec: 6, changes: [{ atMs: 30_000, ratePerSec: 12 }] },
      failures: { outages: [{ atMs: 10_000, forMs: 10_000, servers: [1] }] },
    });
    const strip = (x: Record<string, unknown>) => ({ ...x, wallMs: 0 });
    expect(strip(simulate(story) as never)).toEqual(strip(simulate(byHand) as never));
  });

  it('a story of captions only changes nothing in the run', () => {
    const plain = simulate(parseScenario(base)) as unknown as Record<string, unknown>;
    const told = simulate(parseScenario({ ...base, story: [{ atMs: 1_000, caption: 'Watch S1' }] })) as unknown as Record<string, unknown>;
    expect({ ...told, wallMs: 0 }).toEqual({ ...plain, wallMs: 0 });
  });

  it('refuses a revive of a running server and a second kill of a killed one', () => {
    expect(refusal({ ...base, story: [{ atMs: 5, revive: 'S1' }] }).path).toBe('story[0].revive');
    expect(refusal({ ...base, story: [{ atMs: 5, kill: 'S1' }, { atMs: 6, kill: 'S1' }] }).path).toBe('story[1].kill');
  });

  it('refuses a rate step on arrivals other than Poisson or constant', () => {
    const e = refusal({ ...base, arrivals: { process: 'ramp', fromPerSec: 1, toPerSec: 5, overMs: 1000 }, story: [{ atMs: 5, rate: 3 }] });
    expect(e.path).toBe('story[0].rate');
  });

  it('keeps existing outages and slowdowns beside the story\'s', () => {
    const s = compileStory(parseScenario({ ...base, failures: { outages: [{ atMs: 1, forMs: 2, servers: [0] }] } }), parseStory([{ atMs: 50, kill: 'S3' }], 4));
    expect(s.failures?.outages.map((o) => o.servers[0])).toEqual([0, 2]);
  });
});

describe('arrivals with rate changes', () => {
  const rng = () => {
    let x = 0.123;
    return { next: () => (x = (x * 9301 + 0.49297) % 1) };
  };

  it('a constant stream steps its spacing at the change and keeps its phase', () => {
    const a = createArrivals({ process: 'constant', ratePerSec: 10, changes: [{ atMs: 250, ratePerSec: 20 }] }, rng());
    const times: number[] = [];
    for (let t = 0, k = 0; k < 6; k++) times.push((t = a.next(t)));
    // Half the spacing's work is done at 10/s before 250 ms, the other half at 20/s after.
    expect(times.map((t) => +t.toFixed(6))).toEqual([100, 200, 275, 325, 375, 425]);
  });

  it('a rate of 0 pauses arrivals until the next change', () => {
    const a = createArrivals({ process: 'poisson', ratePerSec: 100, changes: [{ atMs: 1_000, ratePerSec: 0 }, { atMs: 5_000, ratePerSec: 100 }] }, rng());
    const times: number[] = [];
    for (let t = 0; t < 8_000; ) times.push((t = a.next(t)));
    expect(times.some((t) => t > 1_000 && t < 5_000)).toBe(false);
    expect(times.filter((t) => t > 5_000).length).toBeGreaterThan(100);
  });

  it('a Poisson stream has the rate of each segment (seeded, within 5 standard errors)', () => {
    let x = 1;
    const lcg = { next: () => ((x = (x * 48271) % 2147483647) / 2147483647) };
    const a = createArrivals({ process: 'poisson', ratePerSec: 50, changes: [{ atMs: 100_000, ratePerSec: 200 }] }, lcg);
    let before = 0, after = 0;
    for (let t = 0; (t = a.next(t)) < 200_000; ) (t < 100_000 ? before++ : after++);
    expect(Math.abs(before - 5_000)).toBeLessThan(5 * Math.sqrt(5_000));
    expect(Math.abs(after - 20_000)).toBeLessThan(5 * Math.sqrt(20_000));
  });
});
