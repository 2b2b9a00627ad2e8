/**
 * The real `lbsim` command, run as a child process from the compiled dist/ (built once here).
 * Small request counts keep the file fast; nothing asserts on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESETS, preset } from '../../src/scenario/presets.js';
import type { Summary } from '../../src/model/summary.js';
import { AGGREGATE_COLUMNS, type AggregateRow } from '../../src/experiment/compare.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const REQUESTS = '20000';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function lbsim(...args: string[]): Result {
  const r = spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the CLI says on stderr about a run's design: the offered load and warnings (tested below). */
const ADVISORY = /^lbsim: (offered load|warning:) .*\n/gm;

/** Exit 0, nothing on stderr but advisory lines (stderr is not a TTY here, so no progress either). */
function ok(...args: string[]): string {
  const r = lbsim(...args);
  expect(r.stderr.replace(ADVISORY, ''), `stderr of lbsim ${args.join(' ')}`).toBe('');
  expect(r.status, `exit code of lbsim ${args.join(' ')}`).toBe(0);
  return r.stdout;
}

/** Exit 2, nothing on stdout, one paragraph on stderr containing every `needle`. */
function badInput(args: string[], ...needles: string[]): string {
  const r = lbsim(...args);
  expect(r.stdout, `stdout of lbsim ${args.join(' ')}`).toBe('');
  expect(r.status, `exit code of lbsim ${args.join(' ')}; stderr: ${r.stderr}`).toBe(2);
  expect(r.stderr.startsWith('lbsim: ')).toBe(true);
  expect(r.stderr.trim()).not.toMatch(/\n\s*\n/);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const needle of needles) expect(r.stderr).toContain(needle);
  return r.stderr;
}

function conserved(s: Summary): void {
  const r = s.requests;
  expect(r.arrived).toBeGreaterThan(0);
  expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
}

let dir = '';

// dist/ is built once for all test files by test/global-setup.ts.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lbsim-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lbsim: successful commands', () => {
  it('--help exits 0 and prints the usage', () => {
    const out = ok('--help');
    expect(out).toContain('Usage:');
    for (const cmd of ['lbsim run', 'lbsim compare', 'lbsim list', 'lbsim validate', 'lbsim diagram']) expect(out).toContain(cmd);
  });

  it('<command> --help exits 0 and prints that command\'s usage line and flags, pointing to --help for the rest', () => {
    for (const cmd of ['run', 'compare', 'list', 'validate', 'diagram', 'preset']) {
      const out = ok(cmd, '--help');
      expect(out.startsWith(`lbsim ${cmd} `)).toBe(true);
      expect(out.endsWith("\n\nRun 'lbsim --help' for every command.\n")).toBe(true);
    }
    expect(ok('compare', 'default', '-h')).toContain("Run 'lbsim --help' for every command.");
    expect(ok('compare', '--help')).toContain('5 = seed 5');
  });

  it('run --json prints a Summary with the fields of DESIGN.md and conserves requests', () => {
    const s = JSON.parse(ok('run', 'default', '--requests', REQUESTS, '--json')) as Summary;
    expect(s).toMatchObject({ scenario: 'default', balancer: 'least-connections', seed: 1 });
    for (const key of ['simTimeMs', 'events', 'throughputPerSec', 'wallMs'] as const) expect(typeof s[key]).toBe('number');
    for (const key of ['arrived', 'succeeded', 'failed', 'timedOut', 'dropped', 'rejected', 'retries', 'inFlight']) {
      expect(s.requests).toHaveProperty(key);
      expect(Number.isInteger(s.requests[key as keyof Summary['requests']])).toBe(true);
    }
    for (const key of ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']) expect(typeof s.latencyMs[key as keyof Summary['latencyMs']]).toBe('number');
    expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p99);
    expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max * 1.01);
    expect(s.servers).toHaveLength(10);
    expect(s.servers.map((v) => v.id)).toEqual([...Array(10).keys()]);
    for (const v of s.servers) {
      expect(v).toHaveProperty('completed');
      expect(v.utilization).toBeGreaterThanOrEqual(0);
      expect(v.utilization).toBeLessThanOrEqual(1);
      expect(Object.keys(v.stateTimeMs).sort()).toEqual(expect.arrayContaining(['busy', 'failed', 'idle', 'recovering']));
    }
    conserved(s);
  });

  it('run --csv prints a header row and one data row', () => {
    const lines = ok('run', 'default', '--requests', '2000', '--csv').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const header = lines[0].split(',');
    const row = lines[1].split(',');
    expect(row).toHaveLength(header.length);
    expect(header).toEqual(expect.arrayContaining(['scenario', 'balancer', 'seed', 'arrived', 'p99Ms']));
    expect(row[header.indexOf('balancer')]).toBe('least-connections');
  });

  it('a run where nothing succeeded has empty latency cells in CSV and no latency in the compare table', () => {
    const file = join(dir, 'collapse.json');
    const overload = preset('overload');
    writeFileSync(file, JSON.stringify({ ...overload, servers: [{ ...overload.servers[0], discipline: 'fifo' }], arrivals: { process: 'poisson', ratePerSec: 104 } }));
    const [header, row] = ok('run', file, '--seed', '1', '--csv').trimEnd().split('\n').map((l) => l.split(','));
    expect(row[header.indexOf('succeeded')]).toBe('0');
    for (const h of ['meanMs', 'p50Ms', 'p99Ms', 'maxMs']) expect(row[header.indexOf(h)]).toBe('');
    const table = ok('compare', file, '--seeds', '1', '--balancers', 'round-robin');
    expect(table).toMatch(/round-robin\s+-\s+-\s+-\s+-\s/);
    expect(table).toContain('no request succeeded');
  });

  it('run takes balancer options as compare does (name:option=value)', () => {
    const s = JSON.parse(ok('run', 'default', '--requests', REQUESTS, '--balancer', 'p2c:choices=3', '--json')) as Summary;
    expect(s.label).toBe('power-of-two choices=3');
    expect(ok('run', 'default', '--requests', REQUESTS, '--balancer', 'p2c:choices=3')).toContain('default · power-of-two choices=3 · seed');
    badInput(['run', 'default', '--balancer', 'p2c:choices'], '--balancer', 'name:option=value');
    badInput(['compare', 'default', '--balancers', 'p2c:choices=3:choices=4'], '--balancers', 'choices is given twice');
  });

  it('the default table names the balancer and shows p99', () => {
    const out = ok('run', 'default', '--requests', '2000', '--balancer', 'p2c');
    expect(out).toContain('power-of-two');
    expect(out).toContain('p99');
  });

  it('compare --json gives one summary per balancer on the same workload', () => {
    const summaries = JSON.parse(ok('compare', 'default', '--requests', REQUESTS, '--balancers', 'round-robin,p2c', '--json')) as Summary[];
    expect(Array.isArray(summaries)).toBe(true);
    expect(summaries.map((s) => s.balancer)).toEqual(['round-robin', 'power-of-two']);
    expect(summaries[0].requests.arrived).toBe(summaries[1].requests.arrived);
    for (const s of summaries) conserved(s);
  });

  it('compare --json and --csv, written run by run, print what one JSON array and one CSV table would', () => {
    const args = ['compare', 'default', '--requests', '2000', '--balancers', 'round-robin,p2c', '--seeds', '1..2', '--workers', '2'];
    const json = ok(...args, '--json');
    const summaries = JSON.parse(json) as Summary[];
    expect(summaries.map((s) => [s.balancer, s.seed])).toEqual([['round-robin', 1], ['round-robin', 2], ['power-of-two', 1], ['power-of-two', 2]]);
    expect(json).toBe(JSON.stringify(summaries, null, 2) + '\n');
    const lines = ok(...args, '--csv').split('\n');
    expect(lines).toHaveLength(6); // a header, 4 runs in the same order, and the final newline
    expect(lines[0].startsWith('scenario,balancer,seed,')).toBe(true);
    expect(lines.slice(1, 5).map((l) => l.split(',').slice(1, 3).join(' '))).toEqual(['round-robin 1', 'round-robin 2', 'power-of-two 1', 'power-of-two 2']);
    expect(lines[5]).toBe('');
  });

  it('compare checks every balancer\'s options before the first run: nothing on stdout', () => {
    badInput(['compare', 'default', '--balancers', 'rr,p2c:choices=0', '--json', '--workers', '1'], 'balancer.choices', 'got 0');
  });

  it('compare with several seeds prints confidence intervals', () => {
    const out = ok('compare', 'default', '--requests', '2000', '--balancers', 'round-robin,p2c', '--seeds', '1..3');
    expect(out).toContain('±');
    expect(out).toContain('round-robin');
    expect(out).toContain('power-of-two');
  });

  it('two runs with the same seed print identical JSON apart from wallMs', () => {
    const args = ['run', 'default', '--requests', '5000', '--seed', '7', '--json'];
    const a = JSON.parse(ok(...args)) as Summary;
    const b = JSON.parse(ok(...args)) as Summary;
    expect(a.seed).toBe(7);
    expect({ ...a, wallMs: 0 }).toEqual({ ...b, wallMs: 0 });
  });

  it('list --json names the six built-in balancers', () => {
    const list = JSON.parse(ok('list', '--json')) as { balancers: { name: string; aliases: string[] }[]; presets: { name: string }[] };
    const names = list.balancers.map((b) => b.name);
    for (const name of ['round-robin', 'random', 'least-connections', 'weighted-round-robin', 'power-of-two', 'join-shortest-queue']) {
      expect(names).toContain(name);
    }
    expect(list.balancers.find((b) => b.name === 'power-of-two')?.aliases).toContain('p2c');
    expect(list.presets.map((p) => p.name)).toEqual(Object.keys(PRESETS));
  });

  it('validate prints ok for a preset and for a scenario file', () => {
    expect(ok('validate', 'default')).toMatch(/^ok/);
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(PRESETS.default.scenario));
    expect(ok('validate', file)).toMatch(/^ok/);
  });

  it('diagram server prints a Mermaid state diagram', () => {
    expect(ok('diagram', 'server').startsWith('stateDiagram-v2')).toBe(true);
    expect(ok('diagram', 'request').startsWith('stateDiagram-v2')).toBe(true);
    expect(ok('diagram', 'topology-attempt')).toContain('in_service --> pending: calls answered; queues again (hold: false)');
  });
});

describe('lbsim: bad input exits 2 with a one-paragraph message and no output', () => {
  it('a missing scenario file is named', () => {
    badInput(['run', join(dir, 'missing-scenario.json')], 'missing-scenario.json');
  });

  it('a file that is not JSON is named', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "name": ');
    badInput(['run', file], 'broken.json', 'JSON');
    writeFileSync(file, '{\n  "name": "x",,\n}\n');
    badInput(['validate', file], 'broken.json', 'line 2 column 15');
  });

  it('an invalid field is named by its path', () => {
    const file = join(dir, 'zero-concurrency.json');
    const scenario = preset('default');
    scenario.servers[0].concurrency = 0;
    writeFileSync(file, JSON.stringify(scenario));
    badInput(['run', file], 'servers[0].concurrency', 'got 0');
    badInput(['validate', file], 'servers[0].concurrency');
  });

  it('an unknown command is named', () => {
    badInput(['frobnicate'], 'frobnicate');
  });

  it('an unknown flag is named', () => {
    badInput(['run', 'default', '--bogus'], '--bogus');
  });

  it('a non-numeric --requests is named', () => {
    badInput(['run', 'default', '--requests', 'abc'], '--requests', 'abc');
  });

  it('a decreasing --seeds range is named', () => {
    badInput(['compare', 'default', '--seeds', '5..1'], '--seeds', '5..1');
  });

  it('an unknown balancer in --balancers is named', () => {
    badInput(['compare', 'default', '--balancers', 'nope'], '--balancers', 'nope');
  });

  it('an unknown --balancer for run is named', () => {
    badInput(['run', 'default', '--balancer', 'nope'], 'nope');
  });

  it('--json and --csv together are refused', () => {
    badInput(['run', 'default', '--json', '--csv'], '--json', '--csv');
  });

  it('an unknown diagram is named', () => {
    badInput(['diagram', 'nope'], 'nope');
  });

  it('a missing scenario argument is reported', () => {
    badInput(['run'], 'scenario');
  });
});

describe('lbsim: flags at their limits', () => {
  it('names the flag when --seed or --requests is out of range, and rejects empty seeds', () => {
    for (const [args, needle] of [
      [['run', 'default', '--seed', '99999999999'], '--seed'],
      [['run', 'default', '--requests', '1e11'], '--requests'],
      [['compare', 'default', '--seeds', '1,,2'], '--seeds'],
    ] as const) {
      const r = spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(needle);
      expect(r.stdout).toBe('');
    }
  });

  it('reports a zero-delay loop as bad input (exit 2), not a hang', () => {
    const file = join(dir, 'stall.json');
    writeFileSync(file, JSON.stringify({
      stop: { timeMs: 1000 },
      servers: [{ count: 1, queueLimit: 0 }],
      arrivals: { process: 'closed', clients: 2, thinkMs: { dist: 'constant', valueMs: 0 } },
      service: { dist: 'constant', valueMs: 5 },
      balancer: { name: 'round-robin' },
    }));
    const r = spawnSync(process.execPath, ['bin/lbsim.js', 'run', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('stopped advancing');
  });
});

describe('lbsim: balancer variants, presets and hints', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8' });

  it('compares one policy under different options with name:option=value', () => {
    const r = cli('compare', 'default', '--requests', '20000', '--balancers', 'p2c,p2c:choices=3:metric=peak-ewma', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((s: Summary) => s.label)).toEqual(['power-of-two', 'power-of-two choices=3 metric=peak-ewma']);
    const bad = cli('compare', 'default', '--balancers', 'p2c:choices');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('name:option=value');
  });

  it('prints a preset as an editable scenario file', () => {
    const r = cli('preset', 'overload');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(PRESETS.overload.scenario);
    expect(cli('preset', 'nope').status).toBe(2);
  });

  it('suggests the preset meant by a typo, and names a flag that belongs to another command', () => {
    expect(cli('run', 'defualt').stderr).toContain('did you mean default?');
    const r = cli('run', 'default', '--seeds', '1..3');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --seeds');
  });
});

describe('lbsim list', () => {
  it('shows each policy\'s options with their defaults', () => {
    const r = spawnSync(process.execPath, ['bin/lbsim.js', 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toContain('options: choices=2, metric=outstanding');
    expect(r.stdout).toContain('options: tableSize=65537');
  });
});

describe('lbsim: offered load and warnings about the run', () => {
  /** A one-server scenario file: Poisson arrivals, exponential 10 ms requests. */
  function file(name: string, ratePerSec: number, stop: unknown, servers: unknown = [{ count: 1 }]): string {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({
      stop, servers, arrivals: { process: 'poisson', ratePerSec }, service: { dist: 'exponential', meanMs: 10 }, balancer: { name: 'round-robin' },
    }));
    return path;
  }

  it('run and compare print one offered-load line on stderr with a table, and none with --json', () => {
    const run = lbsim('run', 'default');
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('lbsim: offered load ρ = 0.90 (λ 900/s × E[S] 10 ms ÷ capacity 10)\n');
    const compared = lbsim('compare', 'heterogeneous', '--requests', '2000', '--balancers', 'rr', '--json');
    expect(compared.stderr).not.toContain('offered load ρ');
    expect(JSON.parse(compared.stdout)[0].balancer).toBe('round-robin');
  });

  it('lists per group the load of an even spread and of a spread by weight where they differ', () => {
    const r = lbsim('compare', 'heterogeneous', '--requests', '2000', '--balancers', 'rr');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('lbsim: offered load ρ = 0.71 (λ 800/s × E[S] 8.846 ms ÷ capacity 10); ' +
      'spread evenly per server: fast 0.35, standard 0.71, slow 1.42; by weight: fast 0.71, standard 0.71, slow 0.71\n');
  });

  it('validate prints the offered load after ok, and says how λ was obtained when it is not a plain rate', () => {
    expect(ok('validate', 'default')).toBe('ok: default, 10 servers, balancer least-connections\noffered load ρ = 0.90 (λ 900/s × E[S] 10 ms ÷ capacity 10)\n');
    expect(ok('validate', 'essay')).toContain('offered load ρ = 0.64 (λ 4/s × E[S] 800 ms ÷ capacity 5; λ: time-weighted mean of the on and off rates), peak ρ 0.96\n');
    expect(lbsim('validate', 'default').stderr).toBe('');
  });

  it('warns of ρ >= 1 on stderr and keeps --json stdout parseable', () => {
    const overloaded = file('overloaded', 150, { timeMs: 2000 });
    for (const format of ['--json', '--csv']) {
      const r = lbsim('run', overloaded, format);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('lbsim: warning: offered load ρ = 1.50 >= 1');
      expect(r.stderr).toContain('servers[].queueLimit');
      expect(r.stderr).not.toContain('offered load ρ = 1.50 (');
      if (format === '--json') expect((JSON.parse(r.stdout) as Summary).requests.arrived).toBeGreaterThan(0);
      else expect(r.stdout.split('\n')[0]).toMatch(/^scenario,balancer,seed,/);
    }
    expect(lbsim('validate', overloaded).stderr).toContain('lbsim: warning: offered load ρ = 1.50 >= 1');
  });

  it('warns when the warm-up takes most of stop.requests, or the whole run', () => {
    const most = lbsim('run', file('warm', 50, { requests: 100, warmupMs: 1600 }), '--json');
    expect(most.stderr).toContain('lbsim: warning: stop.warmupMs (1,600 ms) is expected to discard 80% of the run\'s arrivals');
    expect(JSON.parse(most.stdout)).toHaveProperty('requests');
    const all = lbsim('compare', file('all-warm', 50, { requests: 100, warmupMs: 5000 }), '--balancers', 'rr');
    expect(all.stderr).toContain('lbsim: warning: the run is expected to end inside the warm-up');
    expect(all.status).toBe(0);
  });

  it('warns when the measured window is short against the relaxation time, with the run length to ask for', () => {
    const r = lbsim('run', 'default', '--requests', '2000', '--json');
    expect(r.stderr).toContain('lbsim: warning: the measured window (≈ 1.22 s after the warm-up) is short against the queues\' relaxation time');
    expect(r.stderr).toMatch(/measure at least 20τ ≈ [0-9.]+ s \(stop\.requests ≈ [0-9,]+\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('lbsim compare --aggregate', () => {
  const args = ['compare', 'default', '--requests', '2000', '--balancers', 'rr,p2c', '--seeds', '1..3'];

  it('--json --aggregate gives one row per balancer whose means are those of the runs', () => {
    const runs = JSON.parse(ok(...args, '--json')) as Summary[];
    const rows = JSON.parse(ok(...args, '--json', '--aggregate')) as AggregateRow[];
    expect(rows.map((r) => r.balancer)).toEqual(['round-robin', 'power-of-two']);
    expect(rows[0]).toMatchObject({ scenario: 'default', seeds: 3, latencySeeds: 3 });
    const p99 = runs.slice(0, 3).reduce((a, s) => a + s.latencyMs.p99, 0) / 3;
    expect(rows[0].p99Ms_mean).toBeCloseTo(p99, 6);
    expect(rows[0].p99Ms_ci95).toBeGreaterThan(0);
  });

  it('--csv --aggregate prints a header of tidy names and one row per balancer', () => {
    const lines = ok(...args, '--csv', '--aggregate').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split(',')).toEqual([...AGGREGATE_COLUMNS]);
    expect(lines[0]).toContain('p99Ms_mean,p99Ms_ci95');
    const row = lines[1].split(',');
    expect(row.slice(0, 4)).toEqual(['default', 'round-robin', '3', '3']);
  });

  it('refuses --aggregate without --json or --csv, naming it', () => {
    badInput(['compare', 'default', '--aggregate'], '--aggregate goes with --json or --csv');
  });
});
