import { describe, expect, it } from 'vitest';
import { thrownScenarioError } from '../scenario-error.js';
import { ScenarioError } from '../../src/input/check.js';
import { parseScenario } from '../../src/scenario/scenario.js';

const scenario = (extra: Record<string, unknown>) => ({
  stop: { requests: 100 },
  servers: [{ count: 1 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'constant', valueMs: 1 },
  balancer: { name: 'round-robin' },
  ...extra,
});

describe('ScenarioError messages', () => {
  it('show control characters of an unknown key as "?": an escape sequence in a file must not reach the terminal', () => {
    const e = thrownScenarioError(() => parseScenario(scenario({ '\u001b[2J\u009b31mkey\u2028': 1 })));
    expect(e.path).toBe('\u001b[2J\u009b31mkey\u2028'); // the path itself is kept for programs
    expect(e.message).toMatch(/^\?\[2J\?31mkey\?: got 1, expected no such field/);
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('cut an unknown key of a million characters short in the message', () => {
    const key = 'k'.repeat(1_000_000);
    const e = thrownScenarioError(() => parseScenario(scenario({ [key]: 1 })));
    expect(e.message.length).toBeLessThan(1000);
    expect(e.message).toMatch(/^k+\.\.\.: got 1, expected no such field/);
  });

  it('show control characters in what was expected too (a file name with an escape sequence)', () => {
    const e = new ScenarioError('service.file line 2 column 1', undefined, 'a number (dir/\u001b[2J.csv)', 'an empty cell');
    expect(e.message).toBe('service.file line 2 column 1: got an empty cell, expected a number (dir/?[2J.csv)');
  });
});
