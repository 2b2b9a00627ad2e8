import { describe, expect, it } from 'vitest';
import '../../src/balancers/index.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { possibleEndings } from '../../demo/outcomes.js';

const base = {
  stop: { timeMs: 1000 }, servers: [{ count: 2 }], arrivals: { process: 'poisson', ratePerSec: 5 },
  service: { dist: 'exponential', meanMs: 100 }, balancer: { name: 'round-robin' },
};
const endings = (extra: Record<string, unknown> = {}) => [...possibleEndings(parseScenario({ ...base, ...extra }))].sort();

describe('possibleEndings', () => {
  it('lists only success for unbounded queues, no failures and no client limits', () => {
    expect(endings()).toEqual(['succeeded']);
  });

  it('lists dropped with a bounded queue', () => {
    expect(endings({ servers: [{ count: 2, queueLimit: 5 }] })).toEqual(['dropped', 'succeeded']);
  });

  it('lists failed and rejected when servers can fail at random; rejected for outages only when they name every server', () => {
    expect(endings({ failures: { mtbfMs: 1000, mttrMs: 100 } })).toEqual(['failed', 'rejected', 'succeeded']);
    expect(endings({ failures: { outages: [{ atMs: 100, forMs: 100, servers: [0] }] } })).toEqual(['failed', 'succeeded']);
    expect(endings({ failures: { outages: [{ atMs: 100, forMs: 100, servers: [0, 1] }] } })).toEqual(['failed', 'rejected', 'succeeded']);
  });

  it("counts a story's kills as outages", () => {
    expect(endings({ story: [{ atMs: 100, kill: 'S2', caption: 'down' }] })).toEqual(['failed', 'succeeded']);
  });

  it('lists timed out with a client timeout, and cancelled with hedging or cancelled timeouts', () => {
    expect(endings({ client: { timeoutMs: 50 } })).toEqual(['succeeded', 'timedOut']);
    expect(endings({ client: { timeoutMs: 50, cancel: true } })).toEqual(['cancelled', 'succeeded', 'timedOut']);
    expect(endings({ client: { hedge: { afterMs: 20 } } })).toEqual(['cancelled', 'succeeded']);
  });
});
