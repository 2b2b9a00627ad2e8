/** Each topology preset shows its effect, asserted from the preset itself (and its fix). */
import { describe, expect, it } from 'vitest';
import { preset, simulate, type TopologyInput } from '../../src/index.js';

describe('topology presets', () => {
  it('three-tier: every request ends, and the database is the busiest service', () => {
    const s = simulate(preset('three-tier'), { requests: 20_000 });
    const r = s.requests;
    expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
    const util = Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, v.utilization]));
    expect(util.db).toBeGreaterThan(Math.max(util.web, util.cache));
  });

  it('retry-amplification: 4 × 4 × 4 = 64 attempts reach the failing bottom per request; budgets cap it', () => {
    const s = simulate(preset('retry-amplification'));
    expect(s.edges['app->store'].amplification).toBe(64);
    const budgeted = preset('retry-amplification');
    const retries = { max: 3, baseMs: 10, budget: { ratio: 0.1, minPerSec: 0, burst: 5 } };
    budgeted.client = { retries };
    budgeted.calls = { 'edge->app': { retries }, 'app->store': { retries } };
    expect(simulate(budgeted).edges['app->store'].amplification).toBeLessThan(1.5);
  });

  it('slow-dependency: the slow half holds every slot, so requests that never call it are dropped too; an edge timeout saves them', () => {
    const slow = simulate(preset('slow-dependency'));
    expect(slow.requests.dropped / slow.requests.arrived).toBeGreaterThan(0.5); // far more than the half that calls it could explain
    const fixed = preset('slow-dependency');
    fixed.calls = { 'api->reports': { timeoutMs: 5, cancel: true } };
    const s = simulate(fixed);
    expect(s.requests.dropped / s.requests.arrived).toBeLessThan(0.01);
    expect(s.requests.succeeded / s.requests.arrived).toBeGreaterThan(0.45); // the half that does not call it
  });

  it('timeouts-not-nested: work the caller gave up on goes on downstream; a shorter, cancelling timeout on the edge halves it', () => {
    const s = simulate(preset('timeouts-not-nested'));
    expect(s.requests.timedOut).toBeGreaterThan(0);
    expect(s.services.backend.wastedWorkMs).toBeGreaterThan(0);
    // Nested: the backend call gives up (and is withdrawn) at 45 ms, before the client's 50 ms.
    const nested = preset('timeouts-not-nested');
    nested.calls = { 'frontend->backend': { timeoutMs: 45, cancel: true } };
    const n = simulate(nested);
    expect(n.services.backend.wastedWorkMs).toBeLessThan(0.6 * s.services.backend.wastedWorkMs);
    expect(n.requests.timedOut).toBeLessThan(s.requests.timedOut / 10); // the client hears a fast error instead
  });

  it('adaptive-limit: the AIMD limit keeps the backend serving through a spike that, without it, sets off a retry storm that never ends', () => {
    // Backend capacity 4 × 4 slots / 10 ms = 1600/s; offered 1200/s, 2000/s from 5 s to 7 s.
    const limited = simulate(preset('adaptive-limit'), { timeseries: { windowMs: 1000 } });
    expect(limited.requests.succeeded / limited.requests.arrived).toBeGreaterThan(0.9);
    const last = limited.timeseries.points.slice(-3);
    expect(last.every((p) => p.throughputPerSec > 1000)).toBe(true); // back to the offered 1200/s
    expect(limited.services.backend.limit!.refused).toBeGreaterThan(0);
    const open = preset('adaptive-limit') as TopologyInput;
    const { limit: _limit, ...backend } = open.services.backend;
    const storm = simulate({ ...open, services: { ...open.services, backend } }, { timeseries: { windowMs: 1000 } });
    expect(storm.requests.succeeded / storm.requests.arrived).toBeLessThan(0.6);
    // Metastable: 8 s after the spike ended, timed-out attempts and their retries still fill the backend.
    expect(storm.timeseries.points.slice(-3).every((p) => p.throughputPerSec < 100)).toBe(true);
    expect(storm.edges['frontend->backend'].amplification).toBeGreaterThan(2);
  });

  it('circuit-breaker: the breaker refuses most attempts at once instead of letting them fail after 200 ms', () => {
    const s = simulate(preset('circuit-breaker'));
    const e = s.edges['api->payments'];
    expect(e.refused / e.attempts).toBeGreaterThan(0.9);
    const open = preset('circuit-breaker');
    open.calls = {};
    expect(simulate(open).services.payments.attempts).toBe(open.stop!.requests);
  });

  it('hedged-tail: the hedge takes the p99 from the stall (100 ms) to ~13 ms for ~5% more attempts; the fallback turns failures into degraded answers', () => {
    const s = simulate(preset('hedged-tail'));
    const e = s.edges['api->search'];
    // A call is still out at 10 ms when its attempt stalls (5%) or its Exp(1 ms) work (+ queueing)
    // runs past it (e^-9): ~5% of 20,000, Binomial sd ~31.
    expect(Math.abs(e.hedges - 1000)).toBeLessThan(150);
    expect(s.latencyMs.p99).toBeLessThan(20);
    expect(s.requests.succeeded).toBe(20_000);
    expect(Math.abs(s.degraded - 6000)).toBeLessThan(4 * Math.sqrt(20_000 * 0.3 * 0.7));
    const plain = preset('hedged-tail') as TopologyInput;
    plain.calls = {};
    plain.services = { ...plain.services, api: { ...plain.services.api, work: [plain.services.api.work[0], plain.services.api.work[1], { call: 'recommendations' }] } };
    const p = simulate(plain);
    expect(p.latencyMs.p99).toBeGreaterThan(95); // 5% stall > the 1% tail
    expect(Math.abs(p.requests.failed - 6000)).toBeLessThan(4 * Math.sqrt(20_000 * 0.3 * 0.7));
    expect(p.degraded).toBe(0);
  });
});
