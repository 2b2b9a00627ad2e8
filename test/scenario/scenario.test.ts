import { describe, expect, it } from 'vitest';
import type { ScenarioError } from '../../src/input/check.js';
import { thrownScenarioError } from '../scenario-error.js';
import { MAX_SERVERS, parseScenario, toModelConfig, withBalancer } from '../../src/scenario/scenario.js';
import { balancerNames } from '../../src/balancers/index.js';

/** A small valid scenario; `over` replaces top-level fields (undefined removes them). */
function scenario(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    name: 'test',
    stop: { requests: 1000 },
    servers: [{ count: 2 }],
    arrivals: { process: 'poisson', ratePerSec: 100 },
    service: { dist: 'exponential', meanMs: 10 },
    balancer: { name: 'round-robin' },
  };
  const out = { ...base, ...over };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/**
 * `run` must throw a ScenarioError at `path` whose message names the path, shows the offending
 * value and says what was expected.
 */
function expectError(run: () => unknown, path: string, shown: string, expected: string | RegExp): ScenarioError {
  const e = thrownScenarioError(run);
  expect(e.path).toBe(path);
  expect(e.message).toContain(`${path || '(root)'}:`);
  expect(e.message).toContain(`got ${shown}`);
  if (typeof expected === 'string') expect(e.message).toContain(expected);
  else expect(e.message).toMatch(expected);
  return e;
}

const parse = (over: Record<string, unknown>) => () => parseScenario(scenario(over));

describe('parseScenario: valid input', () => {
  it('a minimal scenario parses with every default filled in', () => {
    const s = parseScenario({
      stop: { requests: 10 },
      servers: [{}],
      arrivals: { process: 'poisson', ratePerSec: 1 },
      service: { dist: 'constant', valueMs: 1 },
      balancer: { name: 'random' },
    });
    expect(s).toEqual({
      name: 'scenario',
      seed: 1,
      stop: { requests: 10, warmupMs: 0 },
      servers: [{ count: 1, concurrency: 1, speed: 1, weight: 1 }],
      arrivals: { process: 'poisson', ratePerSec: 1 },
      service: { dist: 'constant', valueMs: 1 },
      balancer: { name: 'random' },
    });
    expect(s.servers[0].queueLimit).toBeUndefined();
  });

  it('explicit values are kept rather than replaced by defaults', () => {
    const s = parseScenario(scenario({
      seed: 7,
      stop: { timeMs: 5000, warmupMs: 100 },
      servers: [{ name: 'big', count: 3, concurrency: 4, speed: 2.5, weight: 3, queueLimit: 0 }],
    }));
    expect(s.seed).toBe(7);
    expect(s.stop).toEqual({ timeMs: 5000, warmupMs: 100 });
    expect(s.servers).toEqual([{ name: 'big', count: 3, concurrency: 4, speed: 2.5, weight: 3, queueLimit: 0 }]);
  });

  it('the alias p2c resolves to power-of-two and keeps its options', () => {
    const s = parseScenario(scenario({ balancer: { name: 'p2c', choices: 3 } }));
    expect(s.balancer).toEqual({ name: 'power-of-two', choices: 3 });
  });

  it('the failures, health and client sections are parsed when present', () => {
    const s = parseScenario(scenario({
      failures: { mtbfMs: 60_000, mttrMs: 5_000 },
      health: { intervalMs: 1000 },
      client: { timeoutMs: 500, retries: { max: 2 } },
    }));
    expect(s.failures?.timeBetween).toEqual({ dist: 'exponential', meanMs: 60_000 });
    expect(s.failures?.repair).toEqual({ dist: 'exponential', meanMs: 5_000 });
    expect(s.health?.intervalMs).toBe(1000);
    expect(s.client?.timeoutMs).toBe(500);
    expect(s.client?.retries?.max).toBe(2);
  });

  it('parseScenario is idempotent: parsing a parsed scenario gives the same scenario', () => {
    const inputs = [
      scenario(),
      scenario({ seed: 3, stop: { timeMs: 1000, warmupMs: 10 }, servers: [{ count: 2, speed: 2, queueLimit: 5 }, { count: 1 }] }),
      scenario({ balancer: { name: 'p2c', choices: 3 } }),
      scenario({ arrivals: { process: 'trace', timesMs: [0, 1, 1, 5], costsMs: [1, 2, 3, 4], keys: [0, 1, 2, 3] } }),
      scenario({ failures: { mtbfMs: 1000, mttrMs: 100, outages: [{ atMs: 10, forMs: 5, servers: [0] }] } }),
      scenario({ client: { timeoutMs: 100, retries: { max: 2, jitter: 'equal' } } }),
      scenario({ keys: { dist: 'zipf', count: 10, exponent: 1 }, fleet: { count: 2 }, view: { load: 'reported', refreshMs: 5 } }),
      scenario({ health: { intervalMs: 1000, outlier: { consecutiveErrors: 3 } } }),
      scenario({ stop: undefined, arrivals: { process: 'trace', timesMs: [0, 5] } }),
    ];
    for (const input of inputs) {
      const once = parseScenario(input);
      expect(parseScenario(structuredClone(once))).toEqual(once);
    }
  });

  it('parseScenario does not modify its input', () => {
    const input = scenario({ balancer: { name: 'p2c' } });
    const copy = structuredClone(input);
    parseScenario(input);
    expect(input).toEqual(copy);
  });
});

describe('parseScenario: bad input names the path, the value and the expectation', () => {
  it('a value that is not an object is rejected at the root', () => {
    expectError(() => parseScenario([]), '', '[]', 'an object');
    expectError(() => parseScenario('default'), '', '"default"', 'an object');
    expectError(() => parseScenario(null), '', 'null', 'an object');
  });

  it('an unknown top-level key is rejected and the known fields are listed', () => {
    const e = expectError(parse({ bogus: 1 }), 'bogus', '1', 'no such field');
    expect(e.message).toContain('servers');
    expect(e.message).toContain('balancer');
  });

  it('a bad failures section is reported at its path', () => {
    expectError(parse({ failures: { mtbfMs: 1000 } }), 'failures.mttrMs', 'nothing', 'repair time');
    expectError(parse({ failures: { mtbfMs: -5, mttrMs: 1 } }), 'failures.mtbfMs', '-5', '> 0');
    expectError(parse({ failures: { outages: [{ atMs: 0, forMs: 1, servers: [2] }] } }), 'failures.outages[0].servers[0]', '2', 'from 0 to 1');
    expectError(parse({ failures: 'often' }), 'failures', '"often"', 'an object');
  });

  it('a bad health section is reported at its path', () => {
    expectError(parse({ health: { intervalMs: 0 } }), 'health.intervalMs', '0', '> 0');
    expectError(parse({ health: { nope: true } }), 'health.nope', 'true', 'no such field');
  });

  it('a bad client section is reported at its path', () => {
    expectError(parse({ client: { timeoutMs: 'soon' } }), 'client.timeoutMs', '"soon"', 'a finite number');
    expectError(parse({ client: { retries: { max: 1, jitter: 'lots' } } }), 'client.retries.jitter', '"lots"', '"decorrelated"');
    expectError(parse({ client: { retry: 1 } }), 'client.retry', '1', 'no such field');
  });

  it('a missing stop is rejected', () => {
    expectError(parse({ stop: undefined }), 'stop', 'nothing', 'an object');
  });

  it('a stop with neither requests nor timeMs is rejected', () => {
    expectError(parse({ stop: {} }), 'stop', '{}', '{"requests": N} or {"timeMs": T}');
    expectError(parse({ stop: { warmupMs: 10 } }), 'stop', '{"warmupMs":10}', '{"requests": N} or {"timeMs": T}');
  });

  it('a warm-up as long as the run or longer is rejected', () => {
    expectError(parse({ stop: { timeMs: 100, warmupMs: 100 } }), 'stop.warmupMs', '100', 'less than stop.timeMs (100)');
    expectError(parse({ stop: { timeMs: 100, warmupMs: 250 } }), 'stop.warmupMs', '250', 'less than stop.timeMs (100)');
  });

  it('a zero concurrency is rejected', () => {
    expectError(parse({ servers: [{ concurrency: 0 }] }), 'servers[0].concurrency', '0', 'an integer from 1 to');
  });

  it('a negative speed is rejected with the index of its group', () => {
    expectError(parse({ servers: [{}, { speed: -1 }] }), 'servers[1].speed', '-1', '> 0');
  });

  it('a non-integer count is rejected', () => {
    expectError(parse({ servers: [{ count: 2.5 }] }), 'servers[0].count', '2.5', 'an integer');
  });

  it('a number given as a string is rejected', () => {
    expectError(parse({ arrivals: { process: 'poisson', ratePerSec: 'fast' } }), 'arrivals.ratePerSec', '"fast"', 'a finite number > 0');
    expectError(parse({ seed: '1' }), 'seed', '"1"', 'an integer from 0 to');
  });

  it('requests, seeds and queue limits must be integers in range', () => {
    expectError(parse({ stop: { requests: 0 } }), 'stop.requests', '0', 'an integer from 1 to');
    expectError(parse({ seed: 1.5 }), 'seed', '1.5', 'an integer');
    expectError(parse({ seed: -1 }), 'seed', '-1', 'from 0 to');
    expectError(parse({ servers: [{ queueLimit: -1 }] }), 'servers[0].queueLimit', '-1', 'from 0 to');
  });

  it('an empty servers array is rejected', () => {
    expectError(parse({ servers: [] }), 'servers', '[]', 'an array of at least 1 item');
  });

  it('an unknown server key is rejected at its path', () => {
    const e = expectError(parse({ servers: [{ bogus: 1 }] }), 'servers[0].bogus', '1', 'no such field');
    expect(e.message).toContain('concurrency');
  });

  it('an unknown arrival process is rejected and the known ones are listed', () => {
    const e = expectError(parse({ arrivals: { process: 'tidal', ratePerSec: 1 } }), 'arrivals.process', '"tidal"', 'one of');
    for (const p of ['poisson', 'constant', 'on-off', 'ramp', 'trace', 'closed']) expect(e.message).toContain(`"${p}"`);
  });

  it('an unknown balancer name is rejected and the known names are listed', () => {
    const e = expectError(parse({ balancer: { name: 'magic' } }), 'balancer.name', '"magic"', 'a known balancer');
    for (const name of balancerNames()) expect(e.message).toContain(name);
  });

  it('a balancer that is not an object is rejected', () => {
    expectError(parse({ balancer: 'round-robin' }), 'balancer', '"round-robin"', 'an object with a "name" field');
  });

  it('a bad balancer option is reported at its path', () => {
    expectError(parse({ balancer: { name: 'power-of-two', choices: 0 } }), 'balancer.choices', '0', 'an integer from 1 to');
    expectError(parse({ balancer: { name: 'p2c', choices: 0 } }), 'balancer.choices', '0', 'an integer from 1 to');
    expectError(parse({ balancer: { name: 'round-robin', foo: 1 } }), 'balancer.foo', '1', 'no such field');
  });

  it('a trace with decreasing times is rejected at the first offending index', () => {
    expectError(parse({ arrivals: { process: 'trace', timesMs: [0, 5, 3] } }), 'arrivals.timesMs[2]', '3', 'a time >= the previous one (5)');
  });

  it('trace costsMs of the wrong length are rejected', () => {
    expectError(parse({ arrivals: { process: 'trace', timesMs: [0, 1, 2], costsMs: [1, 2] } }), 'arrivals.costsMs', '"2 values"', 'one per arrival time (3)');
  });

  it('a trace file reference is rejected by parseScenario (only the loader reads files)', () => {
    expectError(parse({ arrivals: { process: 'trace', file: 'trace.csv' } }), 'arrivals.file', '"trace.csv"', 'loadScenarioFile');
  });

  it('a random failure process with a mean up-time or repair time below 1 ms is refused, saying why', () => {
    const zero = { dist: 'constant', valueMs: 0 }, hour = { dist: 'constant', valueMs: 3_600_000 };
    expectError(parse({ failures: { timeBetween: zero, repair: hour } }), 'failures.timeBetween', JSON.stringify(zero), 'mean >= 1 ms: servers failing or repaired more often than every millisecond');
    expectError(parse({ failures: { timeBetween: hour, repair: zero } }), 'failures.repair', JSON.stringify(zero), 'mean >= 1 ms');
    expectError(parse({ failures: { mtbfMs: 1000, mttrMs: 1e-6 } }), 'failures.mttrMs', '0.000001', 'at least 1 ms');
    expectError(parse({ failures: { mtbfMs: 0.5, mttrMs: 1000 } }), 'failures.mtbfMs', '0.5', 'at least 1 ms');
    const zone = { servers: [0, 1], timeBetween: { dist: 'exponential', meanMs: 1e-6 }, repair: hour };
    expectError(parse({ failures: { zones: [zone] } }), 'failures.zones[0].timeBetween', '{"dist":"exponential","meanMs":0.000001}', 'mean >= 1 ms');
    expectError(parse({ failures: { zones: [{ servers: [0], mtbfMs: 1000, mttrMs: 0.001 }] } }), 'failures.zones[0].mttrMs', '0.001', 'at least 1 ms');
    // A mean of 1 ms is allowed even when most draws are 0: cycles still advance time on average.
    const mostlyZero = { dist: 'bimodal', p: 0.5, a: zero, b: { dist: 'constant', valueMs: 2 } };
    expect(parseScenario(scenario({ failures: { timeBetween: mostlyZero, repair: { dist: 'constant', valueMs: 1 } } })).failures?.timeBetween).toEqual(mostlyZero);
  });

  it('trace times beyond 1e12 ms are refused: ms arithmetic is too coarse there for latencies', () => {
    expect(parseScenario(scenario({ stop: undefined, arrivals: { process: 'trace', timesMs: [0, 1e12] } })).arrivals).toEqual({ process: 'trace', timesMs: [0, 1e12] });
    expectError(parse({ arrivals: { process: 'trace', timesMs: [2 ** 53] } }), 'arrivals.timesMs[0]', String(2 ** 53), 'at most 1000000000000 ms (about 31 years)');
  });

  it('a trace naming a file and giving inline times is refused as ambiguous', () => {
    expectError(parse({ arrivals: { process: 'trace', file: 'trace.csv', timesMs: [1] } }), 'arrivals.timesMs', '[1]', 'either a file or inline timesMs, costsMs and keys, not both');
    expectError(parse({ arrivals: { process: 'trace', file: 'trace.csv', keys: [1] } }), 'arrivals.keys', '[1]', 'not both');
  });

  it('too many servers in all are rejected, even when each group is within bounds', () => {
    const half = MAX_SERVERS / 2 + 1;
    expectError(parse({ servers: [{ count: half }, { count: half }] }), 'servers', `"${2 * half} servers"`, `at most ${MAX_SERVERS} servers`);
    expectError(parse({ servers: [{ count: MAX_SERVERS + 1 }] }), 'servers[0].count', String(MAX_SERVERS + 1), `from 1 to ${MAX_SERVERS}`);
  });
});

describe('withBalancer and toModelConfig', () => {
  it('withBalancer replaces the balancer and leaves the original scenario alone', () => {
    const s = parseScenario(scenario());
    const t = withBalancer(s, 'p2c');
    expect(t.balancer).toEqual({ name: 'power-of-two' });
    expect(s.balancer).toEqual({ name: 'round-robin' });
    expect({ ...t, balancer: s.balancer }).toEqual(s);
  });

  it('withBalancer accepts a name with options and validates them', () => {
    const s = parseScenario(scenario());
    expect(withBalancer(s, { name: 'power-of-two', choices: 3 }).balancer).toEqual({ name: 'power-of-two', choices: 3 });
    expectError(() => withBalancer(s, 'nope'), 'balancer.name', '"nope"', 'a known balancer');
    expectError(() => withBalancer(s, { name: 'p2c', choices: 0 }), 'balancer.choices', '0', 'an integer from 1 to');
  });

  it('toModelConfig expands server groups into servers in order', () => {
    const s = parseScenario(scenario({
      servers: [
        { count: 2, speed: 2, weight: 2, queueLimit: 5 },
        { count: 1, concurrency: 3 },
        { count: 2, speed: 0.5 },
      ],
    }));
    const config = toModelConfig(s);
    expect(config.servers.map((v) => [v.concurrency, v.speed, v.weight, v.queueLimit])).toEqual([
      [1, 2, 2, 5], [1, 2, 2, 5], [3, 1, 1, -1], [1, 0.5, 1, -1], [1, 0.5, 1, -1],
    ]);
  });

  it('toModelConfig carries seed, stop, workload and balancer options through', () => {
    const s = parseScenario(scenario({ seed: 9, balancer: { name: 'p2c', choices: 3 } }));
    const config = toModelConfig(s);
    expect(config.seed).toBe(9);
    expect(config.stop).toEqual({ requests: 1000, warmupMs: 0 });
    expect(config.arrivals).toEqual(s.arrivals);
    expect(config.service).toEqual(s.service);
    expect(config.balancer).toEqual({ name: 'power-of-two', options: { choices: 3 } });
  });
});
