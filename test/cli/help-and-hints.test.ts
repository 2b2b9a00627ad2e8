/**
 * What a newcomer reads from the CLI when asking for help or getting something wrong: each
 * command's --help alone (not followed by the general usage), diagram's list of machines whole,
 * a mistyped preset's hint, an experiment file given to validate, run, compare or diagram, the presets' stated
 * load, and a --plot path that cannot be written, refused before the run prints anything.
 * In-process (main), as test/workflow/cli.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, USAGE } from '../../src/cli/main.js';
import { plotFlag } from '../../src/cli/plot-file.js';
import { offeredLoad, parseScenario, preset, PRESETS } from '../../src/index.js';

const cli = async (...args: string[]) => {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
  return { code, out, err };
};

/** Exit 2, nothing on stdout, one line on stderr starting `lbsim: <path>: `. */
async function refused(args: string[], path: string) {
  const r = await cli(...args);
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.startsWith(`lbsim: ${path}: `), r.err).toBe(true);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  return r.err;
}

/** The machines `lbsim diagram <name>` prints, as the usage line lists them. */
const MACHINES = /lbsim diagram <([a-z|-]+)>/.exec(USAGE)![1].split('|');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lbsim-hints-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('help', () => {
  it('every command\'s --help is its usage line and flags, not followed by the general usage', async () => {
    for (const cmd of ['run', 'compare', 'sweep', 'merge', 'list', 'validate', 'diagram', 'preset', 'schema']) {
      const r = await cli(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.out.startsWith(`lbsim ${cmd} `), cmd).toBe(true);
      expect(r.out, cmd).not.toContain('Usage:');
      expect(r.out, cmd).not.toContain(USAGE.split('\n')[0]);
      expect(r.out.endsWith("\n\nRun 'lbsim --help' for every command.\n"), cmd).toBe(true);
    }
    expect((await cli('--help')).out).toBe(USAGE);
  });

  it('diagram --help and diagram\'s error name every machine it prints, and topology and workflow', async () => {
    expect(MACHINES).toEqual(['server', 'request', 'attempt', 'breaker', 'bulkhead', 'limit', 'shedding', 'topology-call', 'topology-attempt']);
    const help = (await cli('diagram', '--help')).out;
    const said = /Prints a state machine \(([^)]*)\)/.exec(help)![1];
    expect(said).toBe('server, request, attempt, breaker, bulkhead, limit, shedding, topology-call or topology-attempt');
    expect(help).toContain('"topology <scenario>"');
    expect(help).toContain('"workflow <scenario>"');
    for (const name of MACHINES) {
      const r = await cli('diagram', name);
      expect(r.code, name).toBe(0);
      expect(r.out.startsWith('stateDiagram-v2\n'), name).toBe(true);
    }
    const err = await refused(['diagram', 'nope'], 'diagram');
    for (const name of MACHINES) expect(err).toContain(`"${name}"`);
    expect(err).toContain('"topology <scenario>" or "workflow <scenario>"');
  });
});

describe('hints', () => {
  it('a mistyped preset: a readable sentence with the hint after what was expected', async () => {
    const err = await refused(['validate', 'defualt'], 'defualt');
    expect(err).toMatch(/^lbsim: defualt: got no such file or preset, expected a readable scenario file or a preset name \(did you mean default\?\); presets: default, heterogeneous, /);
    expect(err).not.toContain('expected did you mean');
    // Without a close name, no hint.
    expect(await refused(['run', 'zzzzzzzz'], 'zzzzzzzz')).toMatch(/expected a readable scenario file or a preset name; presets: default, /);
  });

  it('an experiment file given to validate, run, compare or diagram points to lbsim sweep', async () => {
    const file = join(dir, 'experiment.json');
    writeFileSync(file, JSON.stringify({ scenario: 'default', grid: { load: [0.5, 0.9] }, seeds: '1..2' }));
    for (const cmd of [['validate'], ['run'], ['compare'], ['diagram', 'topology'], ['diagram', 'workflow']]) {
      const err = await refused([...cmd, file], 'scenario');
      expect(err).toBe(`lbsim: scenario: got "default", expected a scenario file, not an experiment (this one has the experiment's "scenario", "grid", "seeds"): run it with lbsim sweep ${file}\n`);
    }
    // A scenario with a stray "scenario" field is a scenario with a field too many.
    const stray = join(dir, 'stray.json');
    writeFileSync(stray, JSON.stringify({ ...preset('default'), scenario: 'x' }));
    expect(await refused(['validate', stray], 'scenario')).toContain('expected no such field');
  });
});

describe('presets and --plot', () => {
  it('heterogeneous says the offered load it has', async () => {
    const rho = offeredLoad(parseScenario(preset('heterogeneous'))).rho;
    expect(rho).toBeCloseTo(0.70765, 4); // 800/s × 8.846 ms ÷ capacity 10
    expect(PRESETS.heterogeneous.description).toContain(`offered load ρ = ${rho.toFixed(2)}`);
    expect((await cli('list')).out).toMatch(/heterogeneous +servers of three speeds .*, offered load ρ = 0\.71\n/);
  });

  it('a --plot file in no directory, or a directory, is refused before anything runs (run, sweep, merge)', async () => {
    const missing = join(dir, 'no-such-dir', 'out.svg');
    const expected = `lbsim: --plot: got "${missing}", expected an SVG file to write in an existing directory (there is no directory ${join(dir, 'no-such-dir')})\n`;
    expect(await refused(['run', 'default', '--requests', '100', '--plot', missing], '--plot')).toBe(expected);
    expect(await refused(['sweep', 'default', '--set', 'load=0.5', '--requests', '100', '--workers', '1', '--plot', missing], '--plot')).toBe(expected);
    expect(await refused(['merge', join(dir, 'none.jsonl'), '--plot', missing], '--plot')).toBe(expected);
    expect(await refused(['run', 'default', '--requests', '100', '--plot', dir], '--plot')).toContain('expected an SVG file to write, not a directory');
    expect(await refused(['run', 'default', '--requests', '100', '--plot', ''], '--plot')).toContain('expected the path of an SVG file to write');
    const r = await cli('run', 'default', '--requests', '100', '--plot', join(dir, 'ok.svg'));
    expect(r.code).toBe(0);
  });

  it('a --plot file in a directory nobody may create files in is refused before anything runs (was exit 1 after the table)', async () => {
    // /proc/self: a directory where not even root may create a file (access W_OK: EPERM).
    expect(await refused(['run', 'default', '--requests', '100', '--plot', '/proc/self/out.svg'], '--plot'))
      .toBe('lbsim: --plot: got "/proc/self/out.svg", expected an SVG file in a directory this user may write to (/proc/self is not)\n');
  });

  it('a --plot file that permissions allow but a write refuses (/proc/version) is refused before anything runs (was exit 1 after the table)', async () => {
    // As root access(W_OK) allows /proc/version; its write fails with EIO. As another user it is read-only.
    const expected = /^lbsim: --plot: got "\/proc\/version", expected an SVG file this user may write \((writing to it fails: EIO|this one is read-only to it)\)\n$/;
    expect(await refused(['run', 'default', '--requests', '100', '--plot', '/proc/version'], '--plot')).toMatch(expected);
    expect(await refused(['sweep', 'default', '--set', 'load=0.5', '--requests', '100', '--workers', '1', '--plot', '/proc/version'], '--plot')).toMatch(expected);
  });

  it('checking --plot leaves an existing file as it was and creates none', () => {
    const existing = join(dir, 'keep.svg');
    writeFileSync(existing, 'keep');
    expect(plotFlag(existing)).toBe(existing);
    expect(readFileSync(existing, 'utf8')).toBe('keep');
    const fresh = join(dir, 'fresh.svg');
    expect(plotFlag(fresh)).toBe(fresh);
    expect(existsSync(fresh)).toBe(false);
  });
});
