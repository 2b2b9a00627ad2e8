/**
 * Loading scenarios from disk (Node only): JSON files, preset names, and the CSV files a
 * scenario names where it may (see ScenarioFiles), resolved relative to the scenario file. A
 * trace CSV, `"arrivals": {"process": "trace", "file": "trace.csv"}`, has a header naming its
 * columns: `timeMs` (required), and optionally `costMs` and `key`; one arrival per line, times
 * ascending. An empirical distribution anywhere in the scenario may read its samples from a CSV
 * column: `{"dist": "empirical", "file": "latencies.csv", "column": "ms"}` (`column` may be
 * left out when the file has one column). Files are read only where the validator asks for
 * one (never, say, under `description`), bounded in size (read-text-file.ts), and errors about
 * them name the file, line and column, never their content (input/csv.ts).
 */
import { dirname, resolve } from 'node:path';
import { ScenarioError, type Json } from '../input/check.js';
import { parseJsonText } from '../input/json-text.js';
import { parseCsv, type Csv } from '../input/csv.js';
import { MAX_FILE_BYTES, readTextFile } from './read-text-file.js';
import { parseScenario, MAX_TRACE_ARRIVALS, MAX_TRACE_TIME_MS, type Scenario } from './scenario.js';
import type { ScenarioFiles, TraceColumns } from './scenario-files.js';
import { preset, presetNames } from './presets.js';
import { MAX_EMPIRICAL_SAMPLES } from './distribution-spec.js';

/**
 * The scenario JSON of a file (or preset name), with the CSV files it names read in place
 * (`samplesMs`, `timesMs`...), so that it stands alone. The file is validated on the way (a
 * ScenarioError names the field); a file that is missing or not JSON is one naming the file.
 */
export function readScenarioJson(file: string): unknown {
  const fromPreset = presetJson(file);
  return fromPreset ?? load(file).json;
}

/** Reads and validates a scenario file (or preset name). */
export function loadScenarioFile(file: string): Scenario {
  const fromPreset = presetJson(file);
  return fromPreset ? parseScenario(fromPreset) : load(file).scenario;
}

function presetJson(name: string): unknown {
  return /[./\\]/.test(name) ? undefined : preset(name);
}

function load(file: string): { json: unknown; scenario: Scenario } {
  const text = readTextFile(file, (reason) => {
    if (reason !== 'no such file') return new ScenarioError(file, undefined, `a scenario file: a regular file of at most ${MAX_FILE_MIB} MiB`, reason);
    const close = presetNames().filter((p) => editDistance(p, file) <= 2);
    const hint = close.length ? ` (did you mean ${close.join(' or ')}?)` : '';
    return new ScenarioError(file, undefined, `a readable scenario file or a preset name${hint}; presets: ${presetNames().join(', ')}`, 'no such file or preset');
  });
  let json = parseJsonText(text, file);
  const dir = dirname(file);
  const read: { at: string; value: Json }[] = [];
  // A file named at several distributions is read once; each distribution still holds its own
  // copy of the samples in a run, so their total is bounded (a bimodal tree of 256 leaves in each
  // of many zones could otherwise name one 64 MiB file thousands of times).
  const columns = new Map<string, number[]>();
  let samplesInAll = 0;
  const files: ScenarioFiles = {
    samples(csv, column, at) {
      const path = resolve(dir, csv), key = `${path}\u0000${column ?? ''}`;
      let samplesMs = columns.get(key);
      if (!samplesMs) columns.set(key, (samplesMs = readSampleColumn(path, column, at)));
      samplesInAll += samplesMs.length;
      if (samplesInAll > MAX_FILE_SAMPLES_IN_ALL) {
        throw new ScenarioError(`${at}.file`, csv, `at most ${MAX_FILE_SAMPLES_IN_ALL} samples from files in all (each distribution that names a file holds its own copy of its samples): this one brings the total to ${samplesInAll}`);
      }
      read.push({ at, value: { dist: 'empirical', samplesMs } });
      return samplesMs;
    },
    trace(csv, at) {
      const columns = readTraceCsv(resolve(dir, csv), `${at}.file`);
      read.push({ at, value: { process: 'trace', ...columns } });
      return columns;
    },
  };
  const scenario = parseScenario(json, files);
  for (const { at, value } of read) json = replaceAt(json, at, value);
  return { json, scenario };
}

const MAX_FILE_MIB = MAX_FILE_BYTES / 1024 / 1024;
/** Samples read from files for all of a scenario's empirical distributions together (ten full ones). */
export const MAX_FILE_SAMPLES_IN_ALL = 10 * MAX_EMPIRICAL_SAMPLES;

/** `json` with the value at path `at` ("failures.zones[0].repair", as the validator names it) replaced by `value`. */
function replaceAt(json: unknown, at: string, value: unknown): unknown {
  const keys = [...at.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
  let node = json as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[keys[keys.length - 1]] = value;
  return json;
}

/** A CSV file, bounded (size, rows), for the field at path `at`. */
function readCsvFile(file: string, at: string, maxRows: number): Csv {
  const text = readTextFile(file, (reason) => new ScenarioError(at, file, `a CSV file: a regular file of at most ${MAX_FILE_MIB} MiB`, `${JSON.stringify(file)}, ${reason}`));
  return parseCsv(text, at, file, maxRows);
}

/** The numbers (>= 0) of one column of a CSV file with a header, for the distribution at `at`. */
function readSampleColumn(file: string, column: string | undefined, at: string): number[] {
  const fileAt = `${at}.file`;
  const csv = readCsvFile(file, fileAt, MAX_EMPIRICAL_SAMPLES);
  const j = column === undefined ? (csv.header.length === 1 ? 0 : -1) : csv.header.indexOf(column);
  if (j < 0) {
    // The header's names are the file's content: counted, not shown.
    const n = csv.header.length;
    throw new ScenarioError(`${at}.column`, column, column === undefined
      ? `a column name: ${file} has ${n} columns`
      : `the name of one of the ${n} column(s) in the header line of ${file}`);
  }
  const samples: number[] = [];
  csv.forEachRow((cells, line) => samples.push(csv.number(cells, j, line, {}, column)));
  if (samples.length === 0) throw new ScenarioError(fileAt, file, `a CSV file with at least one sample below its header (${file})`, 'a file with no data rows');
  return samples;
}

/** A trace CSV file's columns (see above); errors name `at` (the trace's `file` field), the line and the column. */
export function readTraceCsv(file: string, at = 'arrivals.file'): TraceColumns {
  const csv = readCsvFile(file, at, MAX_TRACE_ARRIVALS);
  const names = ['timeMs', 'costMs', 'key'];
  const [t, c, k] = names.map((name) => csv.header.indexOf(name));
  if (t < 0) throw new ScenarioError(at, file, `a CSV header line with a timeMs column (and optionally costMs, key) (${file})`, 'a header line without a timeMs column');
  const other = csv.header.findIndex((name) => !names.includes(name));
  if (other >= 0) throw csv.error(csv.headerLine, other, 'a column name other than timeMs, costMs and key', 'only the columns timeMs, costMs and key');
  const timesMs: number[] = [], costsMs: number[] = [], keys: number[] = [];
  const rule = { max: MAX_TRACE_TIME_MS, maxReason: 'about 31 years: beyond it float64 milliseconds are too coarse for a service time to change them' };
  // The rules parseScenario applies to a trace, checked here so that an error names the file's line.
  const rows = csv.forEachRow((cells, line) => {
    const time = csv.number(cells, t, line, rule, 'timeMs');
    if (timesMs.length > 0 && time < timesMs[timesMs.length - 1]) {
      throw csv.error(line, t, "a time before the previous row's", 'arrivals in time order', 'timeMs');
    }
    timesMs.push(time);
    if (c >= 0) costsMs.push(csv.number(cells, c, line, {}, 'costMs'));
    if (k >= 0) keys.push(csv.number(cells, k, line, { integer: true, max: 2 ** 31 - 1 }, 'key'));
  });
  if (rows === 0) throw new ScenarioError(at, file, `a trace CSV file with at least one arrival below its header (${file})`, 'a file with no data rows');
  return { timesMs, ...(c >= 0 ? { costsMs } : {}), ...(k >= 0 ? { keys } : {}) };
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
