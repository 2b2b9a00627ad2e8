/**
 * ScenarioInput: mistakes in a scenario written in TypeScript fail to compile (`tsc -p .`, run
 * by `npm test`, checks each @ts-expect-error below) and are refused at run time by the
 * validator at the same path; parsed scenarios and presets are ScenarioInputs.
 */
import { describe, expect, it } from 'vitest';
import {
  parseScenario, preset, presetNames, simulate, type BalancerChoice, type Scenario, type ScenarioInput,
} from '../../src/index.js';
import { thrownScenarioError } from '../scenario-error.js';

const base: ScenarioInput = {
  stop: { requests: 100 },
  servers: [{ count: 2 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 1 },
  balancer: { name: 'round-robin' },
};

describe('ScenarioInput', () => {
  it('a misspelt field is a compile error and is refused at its path', () => {
    const cases: [() => unknown, string][] = [
      // @ts-expect-error ratePerSecond is not a field of a Poisson process
      [() => simulate({ ...base, arrivals: { process: 'poisson', ratePerSecond: 100 } }), 'arrivals.ratePerSecond'],
      // @ts-expect-error queueLimt is misspelt
      [() => simulate({ ...base, servers: [{ count: 2, queueLimt: 5 }] }), 'servers[0].queueLimt'],
      // @ts-expect-error mean is not a field of an exponential distribution
      [() => simulate({ ...base, service: { dist: 'exponential', mean: 1 } }), 'service.mean'],
      // @ts-expect-error timeoutMs belongs in client, not stop
      [() => simulate({ ...base, stop: { requests: 100, timeoutMs: 5 } }), 'stop.timeoutMs'],
    ];
    for (const [run, path] of cases) expect(thrownScenarioError(run, path).path).toBe(path);
  });

  it('a field of the wrong kind or a missing required field is a compile error and refused at its path', () => {
    const cases: [() => unknown, string][] = [
      // @ts-expect-error count is a number
      [() => simulate({ ...base, servers: [{ count: '2' }] }), 'servers[0].count'],
      // @ts-expect-error a constant distribution has valueMs, not meanMs
      [() => simulate({ ...base, service: { dist: 'constant', meanMs: 1 } }), 'service.meanMs'],
      // @ts-expect-error jitter is one of none, full, equal, decorrelated
      [() => simulate({ ...base, client: { retries: { max: 1, jitter: 'some' } } }), 'client.retries.jitter'],
      // @ts-expect-error a closed loop needs thinkMs
      [() => simulate({ ...base, arrivals: { process: 'closed', clients: 3 } }), 'arrivals.thinkMs'],
    ];
    for (const [run, path] of cases) expect(thrownScenarioError(run, path).path).toBe(path);
  });

  it('a parsed Scenario is a ScenarioInput, and so is every preset', () => {
    const parsed: Scenario = parseScenario(base);
    const again: ScenarioInput = parsed;
    expect(simulate(again).requests.arrived).toBe(100);
    for (const name of presetNames()) expect(parseScenario(preset(name) satisfies ScenarioInput | undefined)).toBeDefined();
  });

  it('a BalancerChoice is a name or a name with options', () => {
    const choices: BalancerChoice[] = ['round-robin', { name: 'power-of-two', choices: 3 }];
    expect(choices.map((balancer) => simulate(base, { balancer }).label)).toEqual(['round-robin', 'power-of-two choices=3']);
  });
});
