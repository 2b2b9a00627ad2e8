/**
 * The fuzz corpus (fuzz-corpus.json): hostile scenario files, one class of defect each, with a
 * short reason. Every entry goes through loadScenarioFile and through the CLI's main()
 * in-process; a sample through the real command. An entry expecting "reject" must end in a
 * ScenarioError at its `path` ("<file>": the scenario file itself) and exit 2 with one `lbsim:`
 * message naming it; one expecting "run" must run, bounded, and conserve requests. No message
 * may quote a file: the corpus marks file content it must not leak with SECRET.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thrownScenarioError } from '../scenario-error.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { simulate } from '../../src/experiment/simulate.js';
import { main } from '../../src/cli/main.js';
import type { Summary } from '../../src/model/summary.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

interface Entry {
  reason: string;
  expect: 'reject' | 'run';
  /** Where the error must point (or start: "service" covers "service.a.a"). */
  path?: string;
  /** The file: `scenario` as JSON, raw `text`, `base64` bytes, or `over` merged into BASE (minus `omit`), or generated. */
  scenario?: unknown;
  text?: string;
  base64?: string;
  over?: Record<string, unknown>;
  omit?: string[];
  generate?: { kind: 'servers' | 'samples' | 'deep' | 'deep-description' | 'bimodal'; count?: number; depth?: number };
  /** Files written beside the scenario (CSV files it names). */
  files?: Record<string, string>;
}

/** A small valid scenario that `over` entries change. */
const BASE = {
  name: 'fuzz',
  stop: { requests: 200 },
  servers: [{ count: 2 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 5 },
  balancer: { name: 'round-robin' },
};

const corpus = JSON.parse(readFileSync(join(ROOT, 'test/scenario/fuzz-corpus.json'), 'utf8')) as Entry[];

function fileText(entry: Entry): string | Buffer {
  if (entry.text !== undefined) return entry.text;
  if (entry.base64 !== undefined) return Buffer.from(entry.base64, 'base64');
  if ('scenario' in entry) return JSON.stringify(entry.scenario);
  const json: Record<string, unknown> = { ...BASE, ...entry.over };
  for (const key of entry.omit ?? []) delete json[key];
  const g = entry.generate;
  if (!g) return JSON.stringify(json);
  switch (g.kind) {
    case 'servers':
      return JSON.stringify({ ...json, servers: Array.from({ length: g.count! }, () => ({})) });
    case 'samples':
      return JSON.stringify({ ...json, service: { dist: 'empirical', samplesMs: new Array(g.count!).fill(1) } });
    case 'deep':
      return '['.repeat(g.depth!) + ']'.repeat(g.depth!);
    case 'deep-description':
      return `{"description": ${'['.repeat(g.depth!)}${']'.repeat(g.depth!)}, ${JSON.stringify(json).slice(1)}`;
    case 'bimodal': {
      let dist: unknown = { dist: 'constant', valueMs: 1 };
      for (let i = 0; i < g.depth!; i++) dist = { dist: 'bimodal', p: 0.5, a: dist, b: { dist: 'constant', valueMs: 2 } };
      return JSON.stringify({ ...json, service: dist });
    }
  }
}

function conserved(s: Summary, label: string): void {
  const r = s.requests;
  expect(r.arrived, label).toBeGreaterThan(0);
  expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight, label).toBe(r.arrived);
}

const noLeak = (text: string, label: string) => {
  expect(text, label).not.toContain('SECRET');
  expect(text, label).not.toContain('hunter2');
};

let dir = '';
const files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lbsim-fuzz-'));
  corpus.forEach((entry, i) => {
    const at = join(dir, `e${i}`);
    mkdirSync(at);
    for (const [name, text] of Object.entries(entry.files ?? {})) writeFileSync(join(at, name), text);
    writeFileSync(join(at, 'scenario.json'), fileText(entry));
    files.push(join(at, 'scenario.json'));
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const wantPath = (entry: Entry, file: string) => (entry.path === '<file>' ? file : entry.path!);
const label = (entry: Entry, i: number) => `corpus entry ${i}: ${entry.reason}`;

describe('the fuzz corpus', () => {
  it('has a reason, an expectation and a path to blame for every entry, and covers both outcomes', () => {
    for (const [i, e] of corpus.entries()) {
      expect(e.reason, `entry ${i}`).toMatch(/\w/);
      expect(['reject', 'run']).toContain(e.expect);
      if (e.expect === 'reject') expect(typeof e.path, label(e, i)).toBe('string');
    }
    expect(corpus.filter((e) => e.expect === 'run').length).toBeGreaterThan(5);
    expect(corpus.filter((e) => e.expect === 'reject').length).toBeGreaterThan(50);
  });

  it('loadScenarioFile rejects each malformed entry with a ScenarioError at its path, quoting no file', () => {
    corpus.forEach((entry, i) => {
      if (entry.expect !== 'reject') return;
      const e = thrownScenarioError(() => loadScenarioFile(files[i]), label(entry, i));
      const want = wantPath(entry, files[i]);
      expect(e.path === want || e.path.startsWith(`${want}.`) || e.path.startsWith(`${want} line`), `${label(entry, i)}: ${e.message}`).toBe(true);
      expect(e.message.split('\n')).toHaveLength(1);
      noLeak(e.message, label(entry, i));
    });
  });

  it('loadScenarioFile and simulate run each valid-but-nasty entry to its end, conserving requests', () => {
    corpus.forEach((entry, i) => {
      if (entry.expect !== 'run') return;
      conserved(simulate(loadScenarioFile(files[i])), label(entry, i));
    });
  });

  it('the CLI (main, in-process) exits 2 naming the path for each malformed entry, 0 with a conserving run for the others', async () => {
    for (const [i, entry] of corpus.entries()) {
      const cli = async (...args: string[]) => {
        let out = '', err = '';
        const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
        return { code, out, err };
      };
      if (entry.expect === 'reject') {
        const r = await cli('validate', files[i]);
        expect(r.code, `${label(entry, i)}: ${r.err}`).toBe(2);
        expect(r.err.startsWith(`lbsim: ${wantPath(entry, files[i])}`), `${label(entry, i)}: ${r.err}`).toBe(true);
        expect(r.out).toBe('');
        noLeak(r.err, label(entry, i));
      } else {
        expect((await cli('validate', files[i])).code, label(entry, i)).toBe(0);
        const r = await cli('run', files[i], '--json');
        expect(r.code, `${label(entry, i)}: ${r.err}`).toBe(0);
        conserved(JSON.parse(r.out) as Summary, label(entry, i));
        // The table prints the scenario's name: no escape sequence or line break of its own reaches the terminal.
        const t = await cli('run', files[i]);
        expect(t.code, label(entry, i)).toBe(0);
        expect(t.out.split('\n')[0], label(entry, i)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(t.err, label(entry, i)).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      }
    }
  });

  it('the lbsim command (a child process, bounded in time) agrees on a sample of entries', () => {
    const sample = corpus.map((entry, i) => ({ entry, i })).filter(({ entry, i }) => i % 9 === 0 || (entry.expect === 'run' && i % 3 === 0));
    expect(sample.length).toBeGreaterThan(8);
    for (const { entry, i } of sample) {
      const args = entry.expect === 'reject' ? ['validate', files[i]] : ['run', files[i], '--json'];
      const r = spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${label(entry, i)}: ${r.stderr}`).toBe(entry.expect === 'reject' ? 2 : 0);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      noLeak(r.stderr, label(entry, i));
      if (entry.expect === 'run') conserved(JSON.parse(r.stdout) as Summary, label(entry, i));
    }
  });
});
