/**
 * Every registered balancer (listBalancers()) against the Balancer contract, on hand-built
 * contexts: edge-case pools, determinism, eligibility under random masks, option validation.
 */
import { describe, expect, it } from 'vitest';
import { getBalancer, listBalancers } from '../../src/balancers/index.js';
import { ScenarioError } from '../../src/input/check.js';
import { thrownScenarioError } from '../scenario-error.js';
import { createStream } from '../../src/random/rng.js';
import { complete, create, fakeContext, send, type Fake } from './fake-context.js';
import type { Balancer } from '../../src/balancers/balancer.js';

const names = listBalancers().map((b) => b.name);

/**
 * A scripted workload: sends with random keys, completions with random latencies, time moving
 * on, and (when `masks`) a new random eligibility mask every 50 steps followed by rebuild().
 * Returns the pick sequence; checks every pick against the mask in force.
 */
function drive(b: Balancer, fake: Fake, steps: number, masks: boolean, script = createStream(99, 'script')): number[] {
  const { ctx } = fake, picks: number[] = [];
  for (let step = 0; step < steps; step++) {
    fake.time += script.next() * 2;
    if (masks && step % 50 === 0) {
      for (let s = 0; s < ctx.size; s++) ctx.eligible[s] = script.next() < 0.6 ? 1 : 0;
      b.rebuild?.();
    }
    if (script.next() < 0.45) {
      const s = Math.floor(script.next() * ctx.size);
      if (ctx.outstanding[s] > 0) complete(b, fake, s, 1 + script.next() * 50 * (s + 1), script.next() < 0.95);
      continue;
    }
    const s = send(b, fake, Math.floor(script.next() * 1000));
    const any = ctx.eligible.some((e) => e === 1);
    if (any) expect(s).toBeGreaterThanOrEqual(0);
    else expect(s).toBe(-1);
    if (s >= 0) expect(ctx.eligible[s]).toBe(1);
    picks.push(s);
  }
  return picks;
}

describe.each(names)('%s', (name) => {
  it('returns -1 for an empty pool, without throwing', () => {
    const fake = fakeContext(0);
    const b = create(name, fake);
    expect(b.pick(0)).toBe(-1);
    expect(b.pick(12345)).toBe(-1);
    b.rebuild?.();
    expect(b.pick(7)).toBe(-1);
  });

  it('always picks the only server of a one-server pool', () => {
    const fake = fakeContext(1);
    const b = create(name, fake);
    for (let i = 0; i < 50; i++) {
      expect(send(b, fake, i)).toBe(0);
      if (i % 3 === 0) complete(b, fake, 0, 5);
    }
  });

  it('returns -1 when every server is ineligible, and picks again when they return', () => {
    const fake = fakeContext(5);
    const b = create(name, fake);
    fake.ctx.eligible.fill(0);
    b.rebuild?.();
    for (let key = 0; key < 20; key++) expect(b.pick(key)).toBe(-1);
    fake.ctx.eligible[3] = 1;
    b.rebuild?.();
    for (let key = 0; key < 20; key++) expect(send(b, fake, key)).toBe(3);
  });

  it('copes with weights of zero: picks an eligible server while one has weight > 0', () => {
    const fake = fakeContext(5, { weights: [0, 2, 0, 1, 0] });
    const b = create(name, fake);
    for (let key = 0; key < 200; key++) {
      const s = send(b, fake, key);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(5);
    }
    // All weights zero: weighted policies give up (-1), the others ignore weights.
    const zero = fakeContext(4, { weights: [0, 0, 0, 0] });
    const z = create(name, zero);
    for (let key = 0; key < 20; key++) expect(send(z, zero, key)).toBeGreaterThanOrEqual(-1);
  });

  it('gives the same pick sequence for the same rng seed', () => {
    const run = (seed: number) => {
      const fake = fakeContext(9, { seed, weights: [1, 2, 3, 1, 2, 3, 1, 2, 3] });
      return drive(create(name, fake), fake, 2000, false);
    };
    expect(run(4)).toEqual(run(4));
  });

  it('never picks an ineligible server (random masks, rebuild() after each change)', () => {
    const fake = fakeContext(12, { seed: 3 });
    drive(create(name, fake), fake, 4000, true);
  });

  it('never picks an ineligible server even when rebuild() is not called', () => {
    const fake = fakeContext(8, { seed: 5 });
    const b = create(name, fake);
    drive({ pick: (k) => b.pick(k), ...(b.observe ? { observe: (s, l, ok) => b.observe!(s, l, ok) } : {}) }, fake, 2000, true);
  });

  it('observe() never throws, whatever it is told', () => {
    const fake = fakeContext(4);
    const b = create(name, fake);
    if (!b.observe) return;
    for (const latency of [0, 1e-9, 3, 1e9, Infinity, NaN]) {
      for (const ok of [true, false]) for (let s = 0; s < 4; s++) b.observe(s, latency, ok);
      fake.time += 100;
      expect(send(b, fake, 1)).toBeGreaterThanOrEqual(0);
    }
  });

  const info = listBalancers().find((b) => b.name === name)!;
  it(info.options.length > 0 ? `rejects bad options with a ScenarioError naming balancer.<option> (${info.options.join(', ')})` : 'rejects any option', () => {
    const fake = fakeContext(3);
    const fails = (options: Record<string, unknown>, path: string, known: boolean) => {
      const error = thrownScenarioError(() => create(name, fake, options), JSON.stringify(options));
      expect(error.path).toBe(path);
      expect(error.expected.startsWith('no such field')).toBe(!known);
    };
    fails({ nosuch: 1 }, 'balancer.nosuch', false);
    for (const option of info.options) {
      fails({ [option]: 'bogus' }, `balancer.${option}`, true);
      fails({ [option]: -1 }, `balancer.${option}`, true);
    }
  });
});

describe('aliases', () => {
  it('each alias names its policy, and the short ones users type exist', () => {
    for (const info of listBalancers()) for (const alias of info.aliases ?? []) expect(getBalancer(alias)?.name).toBe(info.name);
    const short: Record<string, string> = { rr: 'round-robin', wrr: 'weighted-round-robin', lc: 'least-connections', p2c: 'power-of-two', jsq: 'join-shortest-queue' };
    for (const [alias, name] of Object.entries(short)) expect(getBalancer(alias)?.name).toBe(name);
  });
});
