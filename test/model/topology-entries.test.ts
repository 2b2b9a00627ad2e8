/**
 * Several entry services, each with its own arrivals (`entries`): two Poisson streams into a shared
 * M/M/1 backend, per-entry conservation, stop.requests per entry, closed-loop entries, own random
 * streams, the validator's messages, the run table's and the diagram's entry lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { topologyMermaid } from '../../src/model/topology-diagram.js';
import { main } from '../../src/cli/main.js';
import { thrownScenarioError } from '../scenario-error.js';
import { topologyLoad } from '../../src/scenario/topology-load.js';

const run = (scenario: unknown): TopologySummary => simulate(scenario as TopologyInput);
const pool = (count: number, extra: object = {}) => ({ servers: [{ count, ...extra }], balancer: { name: 'least-connections' } });
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });
const poisson = (ratePerSec: number) => ({ process: 'poisson' as const, ratePerSec });

/** Entries web (λ1 = 300/s) and batch (λ2 = 200/s), each one hop (no queue) from db, an M/M/1 with μ = 800/s. */
function shared(seed: number, stop: object, extra: Record<string, unknown> = {}, entries: Record<string, unknown> = {}) {
  return {
    seed, stop,
    entries: { web: { arrivals: poisson(300) }, batch: { arrivals: poisson(200) }, ...entries },
    services: {
      web: { ...pool(1, { concurrency: 10_000 }), work: [{ call: 'db' }] },
      batch: { ...pool(1, { concurrency: 10_000 }), work: [{ call: 'db' }] },
      admin: { ...pool(1, { concurrency: 10_000 }), work: [{ call: 'db' }] },
      db: { ...pool(1), work: [{ work: exp(1.25) }] },
    },
    ...extra,
  };
}

/** Every entry's requests add up, and the top level counts them all. */
function conserved(s: TopologySummary): void {
  const entries = Object.values(s.entries!);
  for (const x of entries) expect(x.arrived).toBe(x.succeeded + x.failed + x.timedOut + x.dropped + x.rejected + x.inFlight);
  for (const key of ['arrived', 'succeeded', 'failed', 'timedOut', 'dropped', 'rejected', 'inFlight'] as const) {
    expect(entries.reduce((n, x) => n + x[key], 0), key).toBe(s.requests[key]);
  }
}

describe('two entries into a shared M/M/1 backend', () => {
  const T = 398; // s measured (400 s, 2 s warm-up)
  const s = run(shared(1, { timeMs: 400_000, warmupMs: 2000 }));

  it('the backend answers in 1/(μ − λ1 − λ2) on average', () => {
    // 1/(800 − 500) s = 3.333 ms. Seed-to-seed sd of the mean measured over 20 seeds at this
    // size: 0.039 ms (mean of the 20: 3.343 ms).
    expect(Math.abs(s.services.db.latencyMs.mean - 1000 / 300)).toBeLessThan(4 * 0.039);
  });

  it('each entry receives its own rate, and requests are conserved per entry and in all', () => {
    // Poisson counts: sd √(λT).
    expect(Math.abs(s.entries!.web.arrived - 300 * T)).toBeLessThan(4 * Math.sqrt(300 * T));
    expect(Math.abs(s.entries!.batch.arrived - 200 * T)).toBeLessThan(4 * Math.sqrt(200 * T));
    conserved(s);
    expect(s.edges['client->web'].calls).toBe(s.entries!.web.arrived);
    expect(s.services.db.attempts).toBe(s.edges['web->db'].attempts + s.edges['batch->db'].attempts);
    expect(s.entry).toBe('web');
  });
});

describe('entries', () => {
  it('stop.requests bounds each entry: every entry sends that many', () => {
    const s = run(shared(2, { requests: 3000 }));
    expect(s.entries!.web.arrived).toBe(3000);
    expect(s.entries!.batch.arrived).toBe(3000);
    expect(s.requests.arrived).toBe(6000);
    conserved(s);
  });

  it('are deterministic, and an entry added leaves the others\' arrivals as they were (own random streams)', () => {
    const a = run(shared(3, { timeMs: 20_000 }));
    expect(run(shared(3, { timeMs: 20_000 }))).toEqual({ ...a, wallMs: expect.any(Number) });
    const b = run(shared(3, { timeMs: 20_000 }, {}, { admin: { arrivals: poisson(50) } }));
    expect(b.entries!.web.arrived).toBe(a.entries!.web.arrived);
    expect(b.entries!.batch.arrived).toBe(a.entries!.batch.arrived);
    expect(b.requests.arrived).toBe(a.requests.arrived + b.entries!.admin.arrived);
    expect(b.entries!.admin.arrived).toBeGreaterThan(0);
  });

  it('each has its own client edge policy, counted on its own', () => {
    // batch gives up after 2 ms and retries once; web waits: only batch's requests time out.
    const s = run(shared(4, { requests: 5000 }, {}, { batch: { arrivals: poisson(200), client: { timeoutMs: 2, retries: { max: 1 } } } }));
    expect(s.entries!.batch.timedOut).toBeGreaterThan(0);
    expect(s.entries!.batch.retries).toBeGreaterThan(0);
    expect(s.entries!.web.timedOut).toBe(0);
    expect(s.entries!.web.retries).toBe(0);
    expect(s.requests.timedOut).toBe(s.entries!.batch.timedOut);
    conserved(s);
  });

  it('an entry may be closed-loop users beside an open one', () => {
    const s = run(shared(5, { requests: 2000 }, {}, { batch: { arrivals: { process: 'closed', clients: 5, thinkMs: exp(20) } } }));
    expect(s.entries!.batch.arrived).toBe(2000);
    expect(s.entries!.web.arrived).toBe(2000);
    expect(s.entries!.batch.inFlight).toBe(0);
    conserved(s);
    // Five users never have more than five requests out: a user's response time is at least db's.
    expect(s.entries!.batch.latencyMs.mean).toBeGreaterThan(0);
  });

  it('the diagram draws the client\'s edge to each entry; lbsim run prints a line per entry', async () => {
    const s = run(shared(6, { requests: 1000 }));
    const text = topologyMermaid(s);
    expect(text).toContain('client -->|');
    expect(text.match(/ {2}client -->/g)).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-entries-'));
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify(shared(6, { requests: 1000 })));
    let out = '';
    const code = await main(['run', file], { out: (t) => (out += t), err: () => {}, progress: false });
    expect(code).toBe(0);
    expect(out).toMatch(/^entry web: 1000 requests, 1000 ok \(100\.00%\), 0 failed, mean [\d.]+ ms, p99 [\d.]+ ms$/m);
    expect(out).toMatch(/^entry batch: 1000 requests, 1000 ok/m);
  });

  it('the offered load sums the entries\' rates: λ1 + λ2 at the shared backend, each entry its own', () => {
    const load = topologyLoad(parseScenario(shared(1, { requests: 10 })));
    expect(load.arrivalRatePerSec).toBe(500);
    const rho = Object.fromEntries(load.services.map((x) => [x.name, x.rho]));
    expect(rho.db).toBeCloseTo(0.625, 12); // 500/s × 1.25 ms
    expect(load.services.find((x) => x.name === 'web')!.visits).toBeCloseTo(0.6, 12);
    expect(rho.admin).toBe(0);
  });

  it('a parsed scenario validates again as it was', () => {
    const s = parseScenario(shared(7, { requests: 10 }, {}, { batch: { arrivals: poisson(5), keys: { dist: 'uniform', count: 4 }, client: { timeoutMs: 9 } } }));
    expect(parseScenario(s)).toEqual(s);
    expect(s.topology!.entries!.map((x) => x.name)).toEqual(['web', 'batch']);
  });
});

describe('entries refused', () => {
  const base = shared(1, { requests: 10 });
  const refused = (change: Record<string, unknown>, path: string, words: string) => {
    const e = thrownScenarioError(() => parseScenario({ ...base, ...change }), path);
    expect(e.path).toBe(path);
    expect(e.message).toContain(words);
  };

  it('with the top-level arrivals, entry, keys or client', () => {
    refused({ arrivals: poisson(1) }, 'arrivals', 'no top-level "arrivals" with "entries"');
    refused({ entry: 'web' }, 'entry', 'no "entry" with "entries"');
    refused({ keys: { dist: 'uniform', count: 2 } }, 'keys', 'entries.<service>.keys');
    refused({ client: { timeoutMs: 5 } }, 'client', 'entries.<service>.client');
  });

  it('empty, not an object, an unknown service, "client", without arrivals, or with a bad field', () => {
    refused({ entries: {} }, 'entries', 'at least one entry service');
    refused({ entries: [] }, 'entries', 'an object of entry services');
    refused({ entries: { nope: { arrivals: poisson(1) } } }, 'entries.nope', 'one of the services: web, batch, admin, db');
    refused({ entries: { client: { arrivals: poisson(1) } } }, 'entries.client', '"client" is the external client');
    refused({ entries: { web: {} } }, 'entries.web.arrivals', 'the entry\'s arrivals');
    refused({ entries: { web: { arrivals: { process: 'often' } } } }, 'entries.web.arrivals.process', 'got "often"');
    refused({ entries: { web: { arrivals: poisson(-1) } } }, 'entries.web.arrivals.ratePerSec', 'got -1');
    refused({ entries: { web: { arrivals: poisson(1), keys: { dist: 'zipf' } } } }, 'entries.web.keys.count', 'got nothing');
    refused({ entries: { web: { arrivals: poisson(1), client: { connectTimeoutMs: 5 } } } }, 'entries.web.client.connectTimeoutMs', 'no connectTimeoutMs in a topology');
    refused({ entries: { web: { arrivals: poisson(1), weight: 2 } } }, 'entries.web.weight', 'no such field (known fields: arrivals, keys, client)');
    // An arrival event carries user × entries + entry: 2^26 targets over 8 entries, 2^23 users each.
    const eight = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
    const many = (clients: number) => ({
      seed: 1, stop: { requests: 10 },
      entries: Object.fromEntries(eight.map((name, i) => [name, { arrivals: i === 0 ? { process: 'closed', clients, thinkMs: exp(1) } : poisson(1) }])),
      services: Object.fromEntries(eight.map((name) => [name, { ...pool(1), work: [{ work: exp(1) }] }])),
    });
    const e = thrownScenarioError(() => parseScenario(many(2 ** 23)));
    expect(e.path).toBe('entries.s0.arrivals.clients');
    expect(e.message).toContain('at most 8,388,607 users per entry with 8 entries');
    expect(parseScenario(many(2 ** 23 - 1)).topology!.entries).toHaveLength(8);
  });
});
