/**
 * The exact sample path of shared/baselines: seeded the baselines' way (splitmix32 → xoshiro128**,
 * inter-arrival stream first, service second), lbsim's model produces the same mean response as
 * the reference plain-JS engine, to 10 significant digits, on both of its workloads.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Model, prepareScenario, preset, toModelConfig } from '../../src/index.js';

const reference = join(import.meta.dirname, '../../../shared/baselines/js/des.mjs');

describe('shared/baselines sample path', () => {
  it.each(['mmc', 'jsq16'])('%s: the same mean response as the reference engine, to 10 digits', (workload) => {
    const n = 200_000;
    const expected = JSON.parse(execFileSync(process.execPath, [reference, workload, String(n), '7'], { encoding: 'utf8' }));
    const model = new Model({ ...toModelConfig(prepareScenario(preset(workload), { requests: n, seed: 7 })), streams: 'baseline' });
    model.run();
    expect(model.succeeded).toBe(n);
    expect(Number((model.latencyStats.mean / 1000).toPrecision(10))).toBe(expected.mean_response);
  });
});
