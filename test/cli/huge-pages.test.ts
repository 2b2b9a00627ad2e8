import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUGE_PAGES_FROM, hostFacts, serversIn, wantsHugePages } from '../../src/cli/huge-pages.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { preset } from '../../src/scenario/presets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const linux = (glibc: string | undefined, tunables?: string) => ({ platform: 'linux', glibc, tunables });

describe('huge pages for large pools (the lbsim command)', () => {
  it('counts the servers of a pool, and of every service of a topology together', () => {
    expect(serversIn(parseScenario(preset('jsq16')))).toBe(16);
    const topology = parseScenario(preset('three-tier'));
    expect(serversIn(topology)).toBe(topology.topology!.services.reduce((n, s) => n + s.servers.reduce((m, g) => m + g.count, 0), 0));
  });

  it('runs again on huge pages from HUGE_PAGES_FROM servers, on Linux with glibc 2.35 or later, unless the user chose or the scenario is not a regular file', () => {
    expect(wantsHugePages(HUGE_PAGES_FROM, linux('2.36'), false)).toBe(true);
    expect(wantsHugePages(HUGE_PAGES_FROM - 1, linux('2.36'), false)).toBe(false);
    expect(wantsHugePages(1e6, linux('2.35'), false)).toBe(true);
    expect(wantsHugePages(1e6, linux('3.0'), false)).toBe(true);
    expect(wantsHugePages(1e6, linux('2.34'), false)).toBe(false); // the tunable came with 2.35
    expect(wantsHugePages(1e6, linux(undefined), false)).toBe(false); // musl
    expect(wantsHugePages(1e6, { platform: 'darwin', glibc: undefined, tunables: undefined }, false)).toBe(false);
    expect(wantsHugePages(1e6, linux('2.36', 'glibc.malloc.hugetlb=0'), false)).toBe(false); // the user's choice stands
    expect(wantsHugePages(1e6, linux('2.36', 'glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1'), false)).toBe(false); // already on (the child)
    expect(wantsHugePages(1e6, linux('2.36', 'glibc.malloc.arena_max=1'), false)).toBe(true);
    expect(wantsHugePages(1e6, linux('2.36'), true)).toBe(false); // a pipe: read here, runs here
  });

  it('the relaunched command prints what it prints in one process and exits as it does', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lbsim-huge-'));
    const file = path.join(dir, 'big.json'), mod = path.join(dir, 'tell.mjs');
    const scenario = { seed: 3, stop: { requests: 3000 }, servers: [{ count: HUGE_PAGES_FROM }], arrivals: { process: 'poisson', ratePerSec: 500_000 }, service: { dist: 'exponential', meanMs: 10 }, balancer: { name: 'random' } };
    writeFileSync(file, JSON.stringify(scenario));
    // A --require module is imported by every process that runs the command: it says which it is.
    writeFileSync(mod, "process.stderr.write(`tunables=${process.env.GLIBC_TUNABLES ?? ''}\\n`);\n");
    const lbsim = (env: Record<string, string>, ...args: string[]) => {
      const { GLIBC_TUNABLES: _, ...rest } = process.env;
      return spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000, env: { ...rest, ...env } });
    };
    const relaunches = wantsHugePages(HUGE_PAGES_FROM, { ...hostFacts(), tunables: undefined }, false);
    const on = lbsim({}, 'compare', file, '--balancers', 'random', '--json', '--workers', '1', '--require', mod);
    const off = lbsim({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'compare', file, '--balancers', 'random', '--json', '--workers', '1', '--require', mod);
    expect([on.status, off.status], `${on.stderr} ${off.stderr}`).toEqual([0, 0]);
    const summary = (out: string) => JSON.stringify(JSON.parse(out), (k, v) => (k === 'wallMs' ? undefined : v));
    expect(summary(on.stdout)).toBe(summary(off.stdout));
    const told = (err: string) => err.split('\n').filter((l) => l.startsWith('tunables='));
    expect(told(on.stderr)).toEqual(relaunches ? ['tunables=', 'tunables=glibc.malloc.hugetlb=1'] : ['tunables=']);
    expect(told(off.stderr)).toEqual(['tunables=glibc.malloc.hugetlb=0']);
    // A run that fails after the relaunch: its exit code and its message, once.
    writeFileSync(file, JSON.stringify({ ...scenario, stop: { requests: 3000, maxEvents: 100 } }));
    const failed = lbsim({}, 'run', file);
    expect(failed.status).toBe(2);
    expect(failed.stderr.match(/^lbsim: stop\.maxEvents/gm)?.length).toBe(1);
    expect(failed.stderr.match(/^lbsim: offered load/gm)?.length).toBe(1);
    expect(failed.stdout).toBe('');
  }, 240_000);
});
