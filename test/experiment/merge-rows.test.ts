/** Merging shards: rows of another sweep are refused even when name, run count and columns agree. */
import { describe, expect, it } from 'vitest';
import { mergeRows } from '../../src/experiment/merge-rows.js';
import { fingerprint } from '../../src/experiment/fingerprint.js';
import { ScenarioError } from '../../src/input/check.js';

const row = (run: number, experiment: string) => JSON.stringify({ sweep: 'default', run, runs: 2, arm: 0, seed: run + 1, experiment, meanMs: 10 + run });

describe('mergeRows', () => {
  it('refuses a shard whose rows carry another experiment fingerprint (found by review: a 901/s shard merged into a 900/s sweep)', () => {
    const a = fingerprint({ rate: 900 }), b = fingerprint({ rate: 901 });
    expect(a).not.toBe(b);
    expect(() => mergeRows([{ name: 's1', text: row(0, a) }, { name: 'foreign', text: row(1, b) }])).toThrow(ScenarioError);
    expect(() => mergeRows([{ name: 's1', text: row(0, a) }, { name: 'foreign', text: row(1, b) }])).toThrow(/foreign:1.*experiment fingerprint/);
  });

  it('merges shards of one sweep and drops the fingerprint from the rows', () => {
    const a = fingerprint({ rate: 900 });
    const rows = mergeRows([{ name: 's2', text: row(1, a) }, { name: 's1', text: row(0, a) }]);
    expect(rows.map((r) => r.run)).toEqual([0, 1]);
    expect('experiment' in rows[0]).toBe(false);
  });
});
