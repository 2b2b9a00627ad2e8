/**
 * Experiment files against the validator, the CLI and the JSON Schema. The corpus
 * (fuzz-corpus.json beside this file) holds hostile experiment files, one class of defect each:
 * an entry expecting "reject" must end in a ScenarioError at its `path` ("<file>": the file
 * itself), through loadExperimentFile + sweep and through `lbsim sweep` (exit 2, one message
 * naming the path); one expecting "run" must run and report every run. The schema must refuse
 * every rejected entry except those marked `"schema": true` (what it cannot see: that a path fits
 * the scenario, that an arm is valid, file contents, counts), and accept the rest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioError } from '../../src/index.js';
import { loadExperimentFile } from '../../src/experiment/load-experiment.js';
import { experimentSchema, SCENARIO_SCHEMA_REF } from '../../src/experiment/experiment-schema.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';
import { sweep } from '../../src/experiment/sweep.js';
import { main } from '../../src/cli/main.js';

interface Entry {
  reason: string;
  expect: 'reject' | 'run';
  path?: string;
  /** The schema accepts it (the validator alone can tell). */
  schema?: boolean;
  experiment?: unknown;
  text?: string;
}

const root = join(import.meta.dirname, '../..');
const corpus = JSON.parse(readFileSync(join(import.meta.dirname, 'fuzz-corpus.json'), 'utf8')) as Entry[];
const dir = mkdtempSync(join(tmpdir(), 'lbsim-experiment-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileOf = (i: number) => join(dir, `entry-${i}.json`);
corpus.forEach((e, i) => writeFileSync(fileOf(i), e.text ?? JSON.stringify(e.experiment)));

// The experiment schema refers to the scenario schema beside it by file name, as editors resolve it.
const ajv = new Ajv({ allErrors: true, strictTypes: false });
ajv.addSchema(scenarioSchema(), SCENARIO_SCHEMA_REF);
const validate = ajv.compile(experimentSchema());

/** The ScenarioError that loading and running entry `i` ends in, or the rows. */
async function outcome(i: number): Promise<ScenarioError | unknown[]> {
  try {
    return await sweep(loadExperimentFile(fileOf(i)), { workers: 1 });
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
}

describe('schema/experiment.schema.json', () => {
  it('is the schema the code generates (regenerate: lbsim schema --experiment > schema/experiment.schema.json)', () => {
    expect(readFileSync(join(root, 'schema/experiment.schema.json'), 'utf8')).toBe(JSON.stringify(experimentSchema(), null, 2) + '\n');
  });

  it('accepts the examples', () => {
    for (const file of readdirSync(join(root, 'examples/experiments')).filter((f) => f.endsWith('.json'))) {
      expect(validate(JSON.parse(readFileSync(join(root, 'examples/experiments', file), 'utf8'))), file).toBe(true);
    }
  });

  it.each(corpus.filter((e) => e.text === undefined).map((e) => [e.reason, e] as const))('judges "%s" as the validator does', (_reason, e) => {
    expect(validate(e.experiment)).toBe(e.expect === 'run' || e.schema === true);
  });
});

describe('the experiment corpus', () => {
  it('holds at least 50 entries, each with a reason, rejections with a path', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    for (const e of corpus) {
      expect(e.reason.length).toBeGreaterThan(0);
      if (e.expect === 'reject') expect(typeof e.path).toBe('string');
    }
  });

  it.each(corpus.map((e, i) => [e.reason, i] as const))('%s', async (_reason, i) => {
    const e = corpus[i];
    const path = e.path === '<file>' ? fileOf(i) : e.path;
    const result = await outcome(i);
    let out = '', err = '';
    const code = await main(['sweep', fileOf(i), '--workers', '1'], { out: (t) => (out += t), err: (t) => (err += t), progress: false });
    if (e.expect === 'reject') {
      expect(result, 'a ScenarioError').toBeInstanceOf(ScenarioError);
      expect((result as ScenarioError).path).toBe(path);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.startsWith(`lbsim: ${path || '(root)'}: `), err).toBe(true);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    } else {
      expect(Array.isArray(result)).toBe(true);
      expect((result as unknown[]).length).toBeGreaterThan(0);
      expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
  });
});
