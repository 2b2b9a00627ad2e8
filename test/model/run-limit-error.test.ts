/** RunLimitError: the bound's field and limit, and simulated times to the microsecond. */
import { describe, expect, it } from 'vitest';
import { RunLimitError, simulate, type ScenarioInput } from '../../src/index.js';
import { thrownScenarioError } from '../scenario-error.js';

describe('RunLimitError(path, limit, message)', () => {
  it('prints simulated times to at most 3 decimals, keeping the field, the limit and other numbers', () => {
    const e = new RunLimitError('stop.maxEvents', 1000, 'the run handled 1,000 events by 12345.678901234 ms of simulated time; at 0.5 ms, 7 ms and 1e+21 ms');
    expect(e.message).toBe('stop.maxEvents: the run handled 1,000 events by 12345.679 ms of simulated time; at 0.5 ms, 7 ms and 1e+21 ms');
    expect(e.path).toBe('stop.maxEvents');
    expect(e.value).toBe(1000);
    expect(new RunLimitError('stop.timeMs', 1, 'at 2.0000001 ms').message).toBe('stop.timeMs: at 2 ms');
  });

  it('a run stopped by stop.maxEvents at a time with a long fraction says it to the microsecond', () => {
    const scenario: ScenarioInput = {
      servers: [{ count: 1 }], arrivals: { process: 'poisson', ratePerSec: 1000 }, balancer: { name: 'round-robin' },
      service: { dist: 'exponential', meanMs: 1 }, stop: { requests: 1000, maxEvents: 77 },
    };
    const e = thrownScenarioError(() => simulate(scenario));
    expect(e.message).toMatch(/^stop\.maxEvents: the run handled 77 events, the limit set, by \d+(\.\d{1,3})? ms of simulated time /);
  });
});
