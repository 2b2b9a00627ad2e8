import { describe, expect, it } from 'vitest';
import { offeredLoadLine } from '../../src/cli/load-report.js';
import { offeredLoad, parseScenario } from '../../src/index.js';

const base = {
  stop: { timeMs: 60_000 },
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'round-robin' },
};

describe('offeredLoadLine(load)', () => {
  it('writes a closed loop as an upper bound', () => {
    const closed = parseScenario({ ...base, servers: [{ count: 2 }], arrivals: { process: 'closed', clients: 50, thinkMs: { dist: 'exponential', meanMs: 100 } } });
    expect(offeredLoadLine(offeredLoad(closed))).toMatch(/^offered load ρ ≤ 1\.00 \(λ ≤ 200\/s × E\[S\] 10 ms ÷ capacity 2; λ: closed loop/);
  });

  it('keeps group names from the file on one line, at most 40 characters each', () => {
    const servers = [{ name: 'a\nlbsim: warning: fake', count: 1, speed: 2 }, { name: 'x'.repeat(100), count: 1 }];
    const line = offeredLoadLine(offeredLoad(parseScenario({ ...base, servers })));
    expect(line).not.toContain('\n');
    expect(line).toContain('a?lbsim: warning: fake 0.25');
    expect(line).toContain(`${'x'.repeat(39)}… 0.50`);
  });

  it('names at most 12 groups and counts the rest', () => {
    const servers = Array.from({ length: 20 }, (_, i) => ({ count: 1, speed: 1 + i }));
    const line = offeredLoadLine(offeredLoad(parseScenario({ ...base, servers })));
    expect(line).toContain('group 11 ');
    expect(line).not.toContain('group 12 ');
    expect(line).toContain('… (8 more groups)');
  });
});
