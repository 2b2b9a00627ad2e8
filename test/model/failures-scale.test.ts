import { describe, expect, it } from 'vitest';
import { createModel, simulate, HealthView, AttemptState, type ScenarioInput } from '../../src/index.js';
import { createStream } from '../../src/random/rng.js';
import { I_AT_SERVER, I_SERVER, I_STATE, ROW_I32 } from '../../src/model/request-table.js';

describe('health changes one server at a time', () => {
  it('update(server) leaves eligibility as the definition says (panic included), flagging when more than one server changed', () => {
    const n = 40, rng = createStream(4, 'test');
    const config = { checks: { intervalMs: 1, timeoutMs: 1, unhealthyThreshold: 1, healthyThreshold: 1 }, panicThresholdPercent: 60 };
    const eligible = new Uint8Array(n).fill(1);
    const view = new HealthView(n, config, eligible);
    let panics = 0, wrong = 0;
    for (let step = 0; step < 5000; step++) {
      const s = Math.floor(rng.next() * n);
      // Drift the healthy share around the 60% threshold so panic starts and ends often.
      const downBias = (step % 400) < 200 ? 0.15 : 0.45;
      const u = rng.next();
      if (u < 0.5) view.healthy[s] = rng.next() < downBias ? 0 : 1;
      else if (u < 0.6) view.ejected[s] = 1;
      else view.ejected[s] = 0;
      const before = Uint8Array.from(eligible);
      const changed = view.update(s);
      let usable = 0;
      for (let x = 0; x < n; x++) usable += view.healthy[x] & (view.ejected[x] ^ 1);
      const panic = (usable * 100) / n < 60;
      if (panic) panics++;
      let differs = 0;
      for (let x = 0; x < n; x++) {
        if (eligible[x] !== (panic ? 1 : view.healthy[x] & (view.ejected[x] ^ 1))) wrong++;
        if (eligible[x] !== before[x] && x !== s) differs++;
      }
      if (view.panic !== panic || changed !== eligible.some((e, x) => e !== before[x])) wrong++;
      if (changed && differs > 0 && !view.wide) wrong++; // others changed: must say so
    }
    expect(wrong).toBe(0);
    expect(panics).toBeGreaterThan(200);
    expect(panics).toBeLessThan(4800);
  });
});

const busy: ScenarioInput = {
  seed: 11,
  stop: { timeMs: 4_000 },
  servers: [{ count: 12, concurrency: 4, queueLimit: 8 }],
  arrivals: { process: 'poisson', ratePerSec: 3_500 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'power-of-two' },
};

/** Rows the table holds in service at server `s`, found by scanning it. */
function servedAt(model: ReturnType<typeof createModel>, s: number): number {
  const t = model.requests;
  let k = 0;
  for (let r = 0; r < t.size; r++) if (t.i32[r * ROW_I32 + I_SERVER] === s && t.i32[r * ROW_I32 + I_AT_SERVER] === 1 && t.i32[r * ROW_I32 + I_STATE] === AttemptState.InService) k++;
  return k;
}

describe('a failure ends exactly the requests at its server', () => {
  it.each([
    ['ghosts (timeouts, hedges, no cancellation)', { timeoutMs: 15, hedge: { afterMs: 8, max: 2 }, retries: { max: 1, baseMs: 1 } }],
    ['cancelled copies', { timeoutMs: 15, hedge: { afterMs: 8, max: 2 }, cancel: true }],
    ['no client', undefined],
  ] as const)('%s: every row in service there ends, no other', (_, client) => {
    const model = createModel({ ...busy, client }, { checked: true });
    const rng = createStream(2, 'test');
    let ended = 0, wrong = 0;
    for (let t = 100; t < 3_000; t += 50) {
      model.sim.runUntil(t);
      const s = Math.floor(rng.next() * 12);
      const at = servedAt(model, s), others = new Int32Array(12).map((_, x) => (x === s ? 0 : servedAt(model, x)));
      if (at !== model.pool.inServiceOf(s)) wrong++;
      model.failServer(s, t + 20);
      ended += at;
      if (servedAt(model, s) !== 0 || model.pool.inServiceOf(s) !== 0) wrong++;
      for (let x = 0; x < 12; x++) if (x !== s && servedAt(model, x) !== others[x]) wrong++;
    }
    model.run();
    expect(wrong).toBe(0);
    expect(ended).toBeGreaterThan(50);
  });

  it('conserves requests with random failures at 2,000 servers', () => {
    const s = simulate({
      ...busy, servers: [{ count: 2_000, concurrency: 2 }], arrivals: { process: 'poisson', ratePerSec: 300_000 },
      stop: { requests: 100_000 }, failures: { mtbfMs: 1_000, mttrMs: 20 },
      client: { timeoutMs: 30, retries: { max: 2, baseMs: 1 } },
    }, { checked: true });
    const q = s.requests;
    expect(q.arrived).toBe(q.succeeded + q.failed + q.timedOut + q.dropped + q.rejected + q.inFlight);
    expect(s.failures.observed).toBeGreaterThan(300);
  });
});
