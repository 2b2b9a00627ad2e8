import { describe, expect, it } from 'vitest';
import { thrownScenarioError } from '../scenario-error.js';
import { compare, preset, simulate } from '../../src/index.js';

const tiny = { ...preset('default')!, stop: { requests: 200 } };

describe('compare(scenario, balancers, options) refuses malformed options by name', () => {
  it('options in the place of the balancers are a ScenarioError, not a TypeError', () => {
    const e = thrownScenarioError(() => compare(tiny, { seeds: 5 } as never));
    expect(e.path).toBe('balancers');
    expect(e.message).toContain('a non-empty list of balancer names');
  });

  it('seeds must be a non-empty array of distinct integer seeds', () => {
    for (const seeds of [5, [], [1.5], [-1], [2 ** 32], ['1'], [1, 2, 1], null, Array.from({ length: 10_001 }, (_, i) => i)]) {
      const e = thrownScenarioError(() => compare(tiny, ['round-robin'], { seeds: seeds as never }), JSON.stringify(seeds)?.slice(0, 40));
      expect(e.path.startsWith('options.seeds')).toBe(true);
    }
    expect(thrownScenarioError(() => compare(tiny, ['round-robin'], { seeds: [3, 4, 3] })).path).toBe('options.seeds[2]');
  });

  it('balancers must be known, each once (also under an alias)', () => {
    expect(thrownScenarioError(() => compare(tiny, ['round-robin', 'nope'])).path).toBe('balancers[1]');
    expect(thrownScenarioError(() => compare(tiny, [42 as never])).path).toBe('balancers[0]');
    expect(thrownScenarioError(() => compare(tiny, ['p2c', 'power-of-two'])).message).toContain('each balancer once');
    expect(thrownScenarioError(() => compare(tiny, [{ name: 'p2c', choices: 3 }, { choices: 3, name: 'p2c' }])).path).toBe('balancers[1]');
    expect(compare(tiny, ['p2c', { name: 'p2c', choices: 3 }])).toHaveLength(2);
    // Options at their defaults name the same policy (found by review: three identical rows).
    expect(thrownScenarioError(() => compare(tiny, ['p2c', { name: 'p2c', choices: 2 }])).path).toBe('balancers[1]');
    expect(thrownScenarioError(() => compare(tiny, ['p2c', { name: 'p2c', metric: 'outstanding' }])).message).toContain('each balancer once');
  });

  it('checked must be a boolean, and compare takes no seed or balancer option', () => {
    expect(thrownScenarioError(() => compare(tiny, ['round-robin'], { checked: 'yes' as never })).path).toBe('options.checked');
    expect(thrownScenarioError(() => simulate(tiny, { checked: 1 as never })).path).toBe('options.checked');
    expect(thrownScenarioError(() => compare(tiny, ['round-robin'], { seed: 3 } as never)).path).toBe('options.seed');
    expect(thrownScenarioError(() => compare(tiny, ['round-robin'], 7 as never)).path).toBe('options');
  });
});
