/**
 * A distribution's durations (constant valueMs, uniform minMs/maxMs, exponential and gamma meanMs,
 * lognormal medianMs/p99Ms and mu, Pareto minMs/maxMs, Weibull scaleMs, empirical samplesMs), the
 * failure means mtbfMs/mttrMs and an AIMD limit's timeoutMs are capped at 1e12 ms when the
 * scenario is read (mu at ln 1e12), as client and edge delays are (client-spec.test.ts): an edge
 * latency of 1e300 is refused naming its own field, not found at run time as an event past the
 * engine's 10^13 ms (which named stop.timeMs).
 */
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { thrownScenarioError } from '../scenario-error.js';
import { MAX_DISTRIBUTION_MS, MAX_LOGNORMAL_MU } from '../../src/scenario/distribution-spec.js';
import { MAX_CLIENT_MS } from '../../src/scenario/client-spec.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/experiment/simulate.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';
import type { ScenarioInput, TopologyInput } from '../../src/scenario/scenario-input.js';

type Json = Record<string, any>;

const pool = (over: Json): Json => ({
  name: 'cap',
  stop: { requests: 50 },
  servers: [{ count: 2 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 5 },
  balancer: { name: 'round-robin' },
  ...over,
});

const topology = (edge: Json, inventory: Json = {}): Json => ({
  name: 'cap',
  stop: { requests: 50 },
  arrivals: { process: 'poisson', ratePerSec: 100 },
  entry: 'orders',
  services: {
    orders: { servers: [{ count: 2 }], balancer: { name: 'round-robin' }, work: [{ call: 'inventory' }] },
    inventory: { servers: [{ count: 2 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 2 } }], ...inventory },
  },
  calls: { 'orders->inventory': edge },
});

/** Each capped field of a distribution: the distribution with the field at `v`, and the field's key (empirical: its first sample). */
const FIELDS: { key: string; dist: (v: number) => Json }[] = [
  { key: 'valueMs', dist: (v) => ({ dist: 'constant', valueMs: v }) },
  { key: 'minMs', dist: (v) => ({ dist: 'uniform', minMs: v, maxMs: v * 2 }) },
  { key: 'maxMs', dist: (v) => ({ dist: 'uniform', minMs: 1, maxMs: v }) },
  { key: 'meanMs', dist: (v) => ({ dist: 'exponential', meanMs: v }) },
  { key: 'medianMs', dist: (v) => ({ dist: 'lognormal', medianMs: v, p99Ms: v * 2 }) },
  { key: 'p99Ms', dist: (v) => ({ dist: 'lognormal', medianMs: 1, p99Ms: v }) },
  { key: 'minMs', dist: (v) => ({ dist: 'pareto', alpha: 2, minMs: v }) },
  { key: 'maxMs', dist: (v) => ({ dist: 'pareto', alpha: 2, minMs: 1, maxMs: v }) },
  { key: 'scaleMs', dist: (v) => ({ dist: 'weibull', shape: 2, scaleMs: v }) },
  { key: 'meanMs', dist: (v) => ({ dist: 'gamma', shape: 2, meanMs: v }) },
  { key: 'samplesMs[1]', dist: (v) => ({ dist: 'empirical', samplesMs: [1, v] }) },
];

const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(scenarioSchema());

describe('distribution parameters are capped at 1e12 ms', () => {
  it('the cap is the client\'s and edge\'s (1e12 ms, a tenth of the engine\'s 10^13 ms); mu at most ln 1e12', () => {
    expect(MAX_DISTRIBUTION_MS).toBe(1e12);
    expect(MAX_DISTRIBUTION_MS).toBe(MAX_CLIENT_MS);
    expect(Math.exp(MAX_LOGNORMAL_MU)).toBeCloseTo(1e12, -1);
  });

  for (const value of [1e300, MAX_DISTRIBUTION_MS * 1.5]) {
    it(`a service time's field at ${value} is refused naming the field, the value and the bound (parser and schema)`, () => {
      for (const f of FIELDS) {
        const doc = pool({ service: f.dist(value) });
        const path = `service.${f.key}`;
        const e = thrownScenarioError(() => parseScenario(doc), path);
        expect(e.path, f.dist(value).dist).toBe(path);
        expect(e.message).toContain(`${path}: got ${value}`);
        expect(e.message, path).toMatch(/(to|<=) 1000000000000\b/);
        expect(validate(doc), `${f.dist(value).dist} ${path}`).toBe(false);
      }
    });
  }

  it('each field at exactly the cap is accepted by the parser and the schema', () => {
    const at: Json[] = [
      { dist: 'constant', valueMs: 1e12 }, { dist: 'uniform', minMs: 1, maxMs: 1e12 }, { dist: 'exponential', meanMs: 1e12 },
      { dist: 'lognormal', medianMs: 1, p99Ms: 1e12 }, { dist: 'lognormal', mu: MAX_LOGNORMAL_MU, sigma: 1 },
      { dist: 'pareto', alpha: 2, minMs: 1, maxMs: 1e12 }, { dist: 'weibull', shape: 2, scaleMs: 1e12 },
      { dist: 'gamma', shape: 2, meanMs: 1e12 }, { dist: 'empirical', samplesMs: [1, 1e12] },
    ];
    for (const service of at) {
      const doc = pool({ service });
      expect(() => parseScenario(doc), service.dist).not.toThrow();
      expect(validate(doc), JSON.stringify(service)).toBe(true);
    }
  });

  it('a lognormal mu above ln 1e12 is refused (its median would pass the cap); a negative one is not', () => {
    const doc = pool({ service: { dist: 'lognormal', mu: 28, sigma: 1 } });
    const e = thrownScenarioError(() => parseScenario(doc), 'service.mu');
    expect(e.message).toMatch(/^service\.mu: got 28, expected .*27\.63/);
    expect(validate(doc)).toBe(false);
    const small = pool({ service: { dist: 'lognormal', mu: -1e300, sigma: 1 } });
    expect(() => parseScenario(small)).not.toThrow();
    expect(validate(small)).toBe(true);
  });

  it('wherever a distribution is read: think time, failure means and distributions, bimodal branches', () => {
    const cases: [Json, string][] = [
      [pool({ arrivals: { process: 'closed', clients: 2, thinkMs: { dist: 'exponential', meanMs: 1e300 } } }), 'arrivals.thinkMs.meanMs'],
      [pool({ failures: { mtbfMs: 1e300, mttrMs: 1000 } }), 'failures.mtbfMs'],
      [pool({ failures: { mtbfMs: 10_000, mttrMs: 2e12 } }), 'failures.mttrMs'],
      [pool({ failures: { timeBetween: { dist: 'constant', valueMs: 1e300 }, mttrMs: 1000 } }), 'failures.timeBetween.valueMs'],
      [pool({ service: { dist: 'bimodal', p: 0.5, a: { dist: 'constant', valueMs: 1 }, b: { dist: 'constant', valueMs: 1e300 } } }), 'service.b.valueMs'],
    ];
    for (const [doc, path] of cases) {
      expect(thrownScenarioError(() => parseScenario(doc), path).path).toBe(path);
      expect(validate(doc), path).toBe(false);
    }
  });

  it('an edge latency, a work step and an AIMD limit\'s timeoutMs in a topology name their own fields', () => {
    const cases: [Json, string][] = [
      [topology({ latencyMs: { dist: 'constant', valueMs: 1e300 } }), 'calls["orders->inventory"].latencyMs.valueMs'],
      [topology({ latencyMs: { dist: 'lognormal', mu: 700, sigma: 0 } }), 'calls["orders->inventory"].latencyMs.mu'],
      [topology({}, { work: [{ work: { dist: 'exponential', meanMs: 1e300 } }] }), 'services.inventory.work[0].work.meanMs'],
      [topology({}, { limit: { aimd: { timeoutMs: 1e300 } } }), 'services.inventory.limit.aimd.timeoutMs'],
      [topology({}, { limit: { aimd: { timeoutMs: 1.5e12 } } }), 'services.inventory.limit.aimd.timeoutMs'],
    ];
    for (const [doc, path] of cases) {
      const e = thrownScenarioError(() => parseScenario(doc), path);
      expect(e.path).toBe(path);
      expect(e.message).toMatch(/(to|<=) (1000000000000|27\.63\d*)\b/);
      expect(validate(doc), path).toBe(false);
    }
    const atCap = topology({ latencyMs: { dist: 'constant', valueMs: 1e-3 } }, { limit: { aimd: { timeoutMs: 1e12 } } });
    expect(() => parseScenario(atCap)).not.toThrow();
    expect(validate(atCap)).toBe(true);
  });

  it('a run given an edge latency of 1e300 stops naming the latency, not stop.timeMs', () => {
    const path = 'calls["orders->inventory"].latencyMs.valueMs';
    const e = thrownScenarioError(() => simulate(topology({ latencyMs: { dist: 'constant', valueMs: 1e300 } }) as TopologyInput), path);
    expect(e.path).toBe(path);
    expect(e.message).not.toContain('stop.timeMs');
    const s = thrownScenarioError(() => simulate(pool({ service: { dist: 'constant', valueMs: 1e308 } }) as ScenarioInput), 'service.valueMs');
    expect(s.path).toBe('service.valueMs');
  });
});
