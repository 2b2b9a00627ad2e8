/**
 * The client's and an edge's delays are capped at MAX_CLIENT_MS (1e12 ms, as a workflow's
 * withinMs and stop.timeMs) when the scenario is read: a timeout of 1e300 is refused naming its
 * own field, not found at run time as an event past the engine's 10^13 ms (which named
 * stop.timeMs).
 */
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { thrownScenarioError } from '../scenario-error.js';
import { MAX_CLIENT_MS } from '../../src/scenario/client-spec.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/experiment/simulate.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';
import type { ScenarioInput, TopologyInput } from '../../src/scenario/scenario-input.js';

type Json = Record<string, any>;

const pool = (client: Json): Json => ({
  name: 'cap',
  stop: { requests: 50 },
  servers: [{ count: 2 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 5 },
  balancer: { name: 'round-robin' },
  client,
});

const topology = (edge: Json, client?: Json): Json => ({
  name: 'cap',
  stop: { requests: 50 },
  arrivals: { process: 'poisson', ratePerSec: 100 },
  entry: 'orders',
  services: {
    orders: { servers: [{ count: 2 }], balancer: { name: 'round-robin' }, work: [{ call: 'inventory' }] },
    inventory: { servers: [{ count: 2 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 2 } }] },
  },
  calls: { 'orders->inventory': edge },
  ...(client ? { client } : {}),
});

/** Each capped field: where it sits in a client policy (`field` is the last key), and its neighbours. */
const CLIENT_FIELDS: { at: string[]; with?: (v: number) => Json }[] = [
  { at: ['timeoutMs'] },
  { at: ['deadlineMs'] },
  { at: ['connectTimeoutMs'] },
  { at: ['retries', 'baseMs'], with: (v) => ({ retries: { max: 1, baseMs: v } }) },
  { at: ['retries', 'capMs'], with: (v) => ({ retries: { max: 1, capMs: v } }) },
  { at: ['hedge', 'afterMs'], with: (v) => ({ hedge: { afterMs: v } }) },
];

const policy = (f: (typeof CLIENT_FIELDS)[number], v: number): Json => (f.with ? f.with(v) : { [f.at[0]]: v });

const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(scenarioSchema());

describe('client and edge delays are capped at 1e12 ms', () => {
  it('the cap is the one of withinMs, stop.timeMs and trace times: a tenth of the engine\'s 10^13 ms', () => {
    expect(MAX_CLIENT_MS).toBe(1e12);
  });

  for (const value of [1e300, MAX_CLIENT_MS * 1.5]) {
    it(`a single-pool client field of ${value} is refused naming the field, the value and the bound`, () => {
      for (const f of CLIENT_FIELDS) {
        const path = ['client', ...f.at].join('.');
        const doc = pool(policy(f, value));
        const e = thrownScenarioError(() => parseScenario(doc), path);
        expect(e.path).toBe(path);
        expect(e.message).toContain(`${path}: got ${value}`);
        expect(e.message, path).toMatch(/(to|<=) 1000000000000\b/);
        expect(validate(doc), path).toBe(false);
      }
    });

    it(`an edge field of ${value} is refused naming the edge's field (the topology's own client too)`, () => {
      // connectTimeoutMs is refused on an edge whatever its value ("no connectTimeoutMs in a topology yet").
      for (const f of CLIENT_FIELDS.filter((x) => x.at[0] !== 'connectTimeoutMs')) {
        const path = ['calls["orders->inventory"]', ...f.at].join('.');
        const doc = topology(policy(f, value));
        const e = thrownScenarioError(() => parseScenario(doc), path);
        expect(e.path).toBe(path);
        expect(e.message).toContain(`${path}: got ${value}`);
        expect(validate(doc), path).toBe(false);
        const client = ['client', ...f.at].join('.');
        const byClient = topology({}, policy(f, value));
        expect(thrownScenarioError(() => parseScenario(byClient), client).path).toBe(client);
        expect(validate(byClient), client).toBe(false);
      }
      const path = 'calls["orders->inventory"].breaker.openMs';
      const doc = topology({ breaker: { openMs: value } });
      expect(thrownScenarioError(() => parseScenario(doc), path).path).toBe(path);
      expect(validate(doc), path).toBe(false);
    });
  }

  it('each field at exactly the cap is accepted by the validator and the schema', () => {
    for (const f of CLIENT_FIELDS) {
      const doc = pool(policy(f, MAX_CLIENT_MS));
      expect(() => parseScenario(doc)).not.toThrow();
      expect(validate(doc), f.at.join('.')).toBe(true);
    }
    const edge = topology({ timeoutMs: MAX_CLIENT_MS, deadlineMs: MAX_CLIENT_MS, retries: { max: 1, baseMs: MAX_CLIENT_MS, capMs: MAX_CLIENT_MS }, hedge: { afterMs: MAX_CLIENT_MS }, breaker: { openMs: MAX_CLIENT_MS } });
    expect(() => parseScenario(edge)).not.toThrow();
    expect(validate(edge)).toBe(true);
  });

  it('a run given an edge timeout of 1e300 stops naming the edge\'s timeoutMs, not stop.timeMs', () => {
    const path = 'calls["orders->inventory"].timeoutMs';
    const e = thrownScenarioError(() => simulate(topology({ timeoutMs: 1e300 }) as TopologyInput), path);
    expect(e.path).toBe(path);
    expect(e.message).not.toContain('stop.timeMs');
    const p = thrownScenarioError(() => simulate(pool({ deadlineMs: 1e300 }) as ScenarioInput), 'client.deadlineMs');
    expect(p.path).toBe('client.deadlineMs');
  });
});
