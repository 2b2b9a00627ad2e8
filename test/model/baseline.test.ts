/**
 * The exact sample path of the baselines' workloads (M/M/16 and join-shortest-queue over 16
 * servers, ρ = 0.9): seeded the baselines' way (`streams: 'baseline'`), lbsim's model produces
 * the same mean response as the reference engine in `reference-des.ts`, to 10 significant digits.
 * The reference is pinned to the numbers the baselines' plain-JS engine printed, so these tests
 * need nothing outside the repository (bench/ runs the comparison with the baselines themselves).
 */
import { describe, expect, it } from 'vitest';
import { Model, prepareScenario, preset, toModelConfig, type SimulateOptions } from '../../src/index.js';
import { runReference, type ReferenceRun } from './reference-des.js';

const digits10 = (x: number) => Number(x.toPrecision(10));

const WORKLOADS = {
  mmc: { policy: 'shared-queue', balancer: 'round-robin' },
  // The baselines break JSQ ties towards the lowest index.
  jsq16: { policy: 'jsq', balancer: { name: 'join-shortest-queue', ties: 'lowest-id' } },
} as const satisfies Record<string, { policy: ReferenceRun['policy']; balancer: SimulateOptions['balancer'] }>;

const reference = (workload: keyof typeof WORKLOADS, requests: number, seed: number) =>
  runReference({ policy: WORKLOADS[workload].policy, servers: 16, lambda: 14.4, mu: 1, requests, seed });

describe('the reference engine', () => {
  // Printed by the baselines' plain-JS engine (`des.mjs <workload> 200000 7`, Node 20).
  it.each([
    ['mmc', 1.441774844, 5.382869531],
    ['jsq16', 1.657106551, 6.855609921],
  ] as const)('%s, 200,000 requests, seed 7: the mean and p99 response the baselines\' engine prints', (workload, mean, p99) => {
    const r = reference(workload, 200_000, 7);
    expect(digits10(r.meanResponse)).toBe(mean);
    expect(digits10(r.p99Response)).toBe(p99);
    expect(r.events).toBe(400_000);
  });
});

describe('the model seeded the baselines way', () => {
  it.each(['mmc', 'jsq16'] as const)('%s: the same mean response as the reference engine, to 10 digits', (workload) => {
    const n = 200_000;
    const scenario = prepareScenario(preset(workload), { requests: n, seed: 7, balancer: WORKLOADS[workload].balancer });
    const model = new Model({ ...toModelConfig(scenario), streams: 'baseline' });
    model.run();
    expect(model.stats.succeeded).toBe(n);
    expect(digits10(model.stats.latencyStats.mean / 1000)).toBe(digits10(reference(workload, n, 7).meanResponse));
  });
});
