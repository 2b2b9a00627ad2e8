/** `lbsim sweep` and `lbsim merge`, called in this process (main with captured output). */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'lbsim-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lbsim(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), progress: false });
  return { code, out, err };
}

const SMALL = ['--requests', '2000', '--workers', '1'];

describe('lbsim sweep', () => {
  it('sweeps a preset over --set axes and prints mean ± 95% CI per arm', async () => {
    const r = await lbsim('sweep', 'default', '--set', 'arrivals.ratePerSec=600,900', '--set', 'balancer=round-robin,p2c:choices=3', '--seeds', '1..3', ...SMALL);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('default: 4 arms × 3 seeds = 12 runs, mean ± 95% CI (Student t over seeds)');
    expect(lines[2]).toMatch(/^arrivals\.ratePerSec\s+balancer\s+ρ\s+mean ms\s+p50 ms\s+p99 ms\s+ok$/);
    expect(lines.slice(3, 7).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['600', 'round-robin', '0.6'], ['600', 'power-of-two choices=3', '0.6'], ['900', 'round-robin', '0.9'], ['900', 'power-of-two choices=3', '0.9'],
    ]);
    expect(lines[3]).toMatch(/\d ± \d/);
  });

  it('runs an experiment file whose scenario is a file beside it, and --set adds an axis', async () => {
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ name: 'base', stop: { requests: 1000 }, servers: [{ count: 4 }], arrivals: { process: 'poisson', ratePerSec: 300 }, service: { dist: 'exponential', meanMs: 10 }, balancer: { name: 'random' } }));
    writeFileSync(join(dir, 'exp.json'), JSON.stringify({ name: 'exp', scenario: 'base.json', grid: { load: { from: 0.5, to: 0.7, step: 0.1 } }, seeds: [1, 2], metrics: ['meanMs', 'utilization'] }));
    const r = await lbsim('sweep', join(dir, 'exp.json'), '--set', 'balancer=random,jsq', '--csv', '--workers', '1');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['sweep', 'run', 'runs', 'arm', 'load', 'balancer', 'rho', 'seed', 'meanMs', 'utilization']);
    expect(rows.length).toBe(1 + 3 * 2 * 2);
    expect(rows.slice(1, 5).map((r) => r.slice(0, 8))).toEqual([
      ['exp', '0', '12', '0', '0.5', 'random', '0.5', '1'], ['exp', '1', '12', '0', '0.5', 'random', '0.5', '2'],
      ['exp', '2', '12', '1', '0.5', 'join-shortest-queue', '0.5', '1'], ['exp', '3', '12', '1', '0.5', 'join-shortest-queue', '0.5', '2'],
    ]);
  });

  it('prints one JSON object per run with --jsonl, and per arm with --aggregate', async () => {
    const r = await lbsim('sweep', 'default', '--set', 'load=0.5,0.8', '--seeds', '1,2', '--jsonl', ...SMALL);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.run, x.load, x.seed])).toEqual([[0, 0.5, 1], [1, 0.5, 2], [2, 0.8, 1], [3, 0.8, 2]]);
    const agg = await lbsim('sweep', 'default', '--set', 'load=0.5,0.8', '--seeds', '1,2', '--json', '--aggregate', '--metrics', 'p99Ms', ...SMALL);
    expect(JSON.parse(agg.out).map((a: Record<string, unknown>) => Object.keys(a))).toEqual(Array(2).fill(['sweep', 'arm', 'load', 'rho', 'seeds', 'latencySeeds', 'p99Ms_mean', 'p99Ms_ci95']));
  });

  it('prints the table as Markdown', async () => {
    const r = await lbsim('sweep', 'default', '--set', 'balancer=random,p2c', '--markdown', ...SMALL);
    expect(r.out.split('\n').slice(0, 6)).toEqual([
      'default: 2 arms × 1 seed = 2 runs', '',
      '| balancer | ρ | mean ms | p50 ms | p99 ms | ok |', '|:---|---:|---:|---:|---:|---:|',
      expect.stringMatching(/^\| random \| 0\.9 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 100\.00% \|$/),
      expect.stringMatching(/^\| power-of-two \| 0\.9 \| /),
    ]);
  });

  it('exits 2 naming the flag or the grid path of a bad value', async () => {
    const cases: [string[], RegExp][] = [
      [['--set', 'arrivals.ratePerSec'], /^lbsim: --set: got "arrivals\.ratePerSec", expected path=value/],
      [['--set', 'servers[0].count=2,0'], /^lbsim: grid\["servers\[0\]\.count"\]\[1\]: got 0, expected an integer from 1 to 1000000\n$/],
      [['--set', 'balancer=p2c:choice=3'], /^lbsim: grid\["balancer"\]\[0\]: got "p2c:choice=3", expected options of power-of-two/],
      [['--metrics', 'p98Ms'], /^lbsim: metrics\[0\]: got "p98Ms", expected a metric/],
      [['--shard', '3/2'], /^lbsim: --shard: got "3\/2", expected i\/n with 1 <= i <= n/],
      [['--shard', '1/2', '--csv'], /^lbsim: --shard writes JSON lines/],
      [['--workers', '0'], /^lbsim: --workers: got "0", expected an integer from 1 to 256/],
      [['--require', './no-such-module.mjs'], /^lbsim: --require: got "\.\/no-such-module\.mjs", expected a module that can be imported/],
    ];
    for (const [flags, message] of cases) {
      const r = await lbsim('sweep', 'default', ...flags, '--requests', '1000');
      expect(r.err, flags.join(' ')).toMatch(message);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.out).toBe('');
    }
  });
});

describe('lbsim merge', () => {
  it('merges the shards of a sweep into the table the unsharded sweep prints, byte for byte', async () => {
    const args = ['sweep', 'default', '--set', 'load=0.6,0.9', '--set', 'balancer=random,p2c', '--seeds', '1..3', ...SMALL];
    const whole = await lbsim(...args);
    const files = [];
    for (const i of [1, 2, 3, 4]) {
      const shard = await lbsim(...args, '--shard', `${i}/4`);
      expect(shard.code).toBe(0);
      files.push(join(dir, `shard-${i}.jsonl`));
      writeFileSync(files[i - 1], shard.out);
    }
    const merged = await lbsim('merge', files[2], files[0], files[3], files[1]);
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    expect((await lbsim('merge', files[0], files[1], '--csv')).err).toMatch(/^lbsim: merge: got "6 of 12 runs", expected every run of the sweep "default" \(missing runs 2, 3, 6, 7, 10, …\): a shard is missing/);
    expect((await lbsim('merge', files[0], files[0])).err).toMatch(/shard-1\.jsonl:1\.run: got 0, expected each run once/);
  });
});

describe('--plot and --timeseries', () => {
  it('sweep --plot and merge --plot write the same standalone SVG chart', async () => {
    const args = ['sweep', 'default', '--set', 'load=0.5,0.9', '--set', 'balancer=random,p2c', '--seeds', '1,2', ...SMALL];
    const file = join(dir, 'sweep.svg');
    expect((await lbsim(...args, '--plot', file)).code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    writeFileSync(join(dir, 'all.jsonl'), (await lbsim(...args, '--shard', '1/1')).out);
    expect((await lbsim('merge', join(dir, 'all.jsonl'), '--plot', join(dir, 'merged.svg'))).code).toBe(0);
    expect(readFileSync(join(dir, 'merged.svg'), 'utf8')).toBe(svg);
    expect((await lbsim(...args, '--shard', '1/2', '--plot', file)).err).toMatch(/^lbsim: --shard writes JSON lines/);
  });

  it('run --timeseries prints one CSV row per window, and run --plot draws the series', async () => {
    const r = await lbsim('run', 'default', '--requests', '5000', '--timeseries', '1000', '--csv');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('fromMs,toMs,throughputPerSec,p50Ms,p90Ms,p99Ms,queueLength,inService,utilization,idle,busy,failed,recovering');
    expect(lines[1]).toMatch(/^0,1000,/);
    const json = JSON.parse((await lbsim('run', 'default', '--requests', '5000', '--timeseries', '1000', '--json')).out);
    expect(json.timeseries.points).toHaveLength(lines.length - 1);
    const file = join(dir, 'run.svg');
    const plotted = await lbsim('run', 'default', '--requests', '5000', '--plot', file, '--json');
    expect(plotted.code).toBe(0);
    expect(JSON.parse(plotted.out).timeseries).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toContain('>share of requests</text>');
    expect((await lbsim('run', 'default', '--timeseries', '0')).err).toMatch(/^lbsim: --timeseries: got "0", expected a window in ms/);
    const topology = await lbsim('run', 'three-tier', '--requests', '500', '--timeseries', '100', '--csv');
    expect(topology.code).toBe(0);
    const head = topology.out.split('\n')[0];
    expect(head).toMatch(/^fromMs,toMs,throughputPerSec,.*,recovering,web\.okPerSec,web\.errorsPerSec,web\.queueLength,web\.utilization,web\.failed,api\.okPerSec/);
    expect((await lbsim('run', 'three-tier', '--requests', '500', '--timeseries', '100')).out).toMatch(/per service \(attempts ok\/s.*\n.*web ok\/s/);
    // A directory that does not exist is bad input, found before the run prints anything.
    const unwritable = await lbsim('run', 'default', '--requests', '1000', '--plot', join(dir, 'no-such-dir', 'x.svg'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.out).toBe('');
    expect(unwritable.err).toMatch(/^lbsim: --plot: got ".*x\.svg", expected an SVG file to write in an existing directory \(there is no directory .*no-such-dir\)\n$/);
  });
});
