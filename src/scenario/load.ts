/**
 * Loading scenarios from disk (Node only): JSON files, preset names, and trace CSV files
 * referenced as `"arrivals": {"process": "trace", "file": "trace.csv"}` (resolved relative to
 * the scenario file). A trace CSV has a header naming its columns: `timeMs` (required), and
 * optionally `costMs` and `key`; one arrival per line, times ascending. An empirical
 * distribution anywhere in the scenario may read its samples from a CSV column the same way:
 * `{"dist": "empirical", "file": "latencies.csv", "column": "ms"}` (`column` may be left out
 * when the file has one column).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScenarioError, isObject } from '../input/check.js';
import { parseScenario, type Scenario } from './scenario.js';
import { preset, presetNames } from './presets.js';
import { MAX_EMPIRICAL_SAMPLES } from './distribution-spec.js';

/** Reads a file that is not there, or not JSON, as a ScenarioError naming the file. */
export function readScenarioJson(file: string): unknown {
  const fromPreset = preset(file);
  if (fromPreset && !/[./\\]/.test(file)) return fromPreset;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const close = presetNames().filter((p) => editDistance(p, file) <= 2);
    const hint = close.length ? `did you mean ${close.join(' or ')}? ` : '';
    throw new ScenarioError(file, code === 'ENOENT' ? 'no such file or preset' : (code ?? 'unreadable'), `${hint}a readable scenario file or a preset (${presetNames().join(', ')})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(file, 'invalid JSON', `JSON (${(e as Error).message}${jsonErrorAt(text, e as Error)})`);
  }
  if (isObject(json) && isObject(json.arrivals) && json.arrivals.process === 'trace' && typeof json.arrivals.file === 'string') {
    const { file: csv, ...rest } = json.arrivals;
    json = { ...json, arrivals: { ...rest, ...readTraceCsv(resolve(dirname(file), csv as string)) } };
  }
  return withEmpiricalSamples(json, '', dirname(file));
}

/** Replaces every `{"dist": "empirical", "file": ...}` below `node` by one with the file's samples. */
function withEmpiricalSamples(node: unknown, path: string, dir: string): unknown {
  if (Array.isArray(node)) return node.map((item, i) => withEmpiricalSamples(item, `${path}[${i}]`, dir));
  if (!isObject(node)) return node;
  if (node.dist === 'empirical' && typeof node.file === 'string') {
    const { file, column, ...rest } = node;
    if (rest.samplesMs !== undefined) throw new ScenarioError(`${path}.samplesMs`, rest.samplesMs, 'either samplesMs or a file, not both');
    if (column !== undefined && typeof column !== 'string') throw new ScenarioError(`${path}.column`, column, 'a column name of the CSV file');
    return { ...rest, samplesMs: readSampleColumn(resolve(dir, file as string), column, `${path}.file`) };
  }
  // fromEntries keeps a "__proto__" key an own field, for validation to reject like any other.
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withEmpiricalSamples(value, path ? `${path}.${key}` : key, dir)]));
}

/** The numbers (>= 0) of one column of a CSV file with a header. */
function readSampleColumn(file: string, column: string | undefined, at: string): number[] {
  const { header, rows, number } = readCsv(file, at);
  const j = column === undefined ? (header.length === 1 ? 0 : -1) : header.indexOf(column);
  if (j < 0) {
    throw new ScenarioError(`${at.replace(/\.file$/, '')}.column`, column, `one of the columns of ${file}: ${header.join(', ')}`);
  }
  if (rows.length > MAX_EMPIRICAL_SAMPLES) throw new ScenarioError(at, file, `a CSV file of at most ${MAX_EMPIRICAL_SAMPLES} samples`);
  if (rows.length === 0) throw new ScenarioError(at, file, 'a CSV file with at least one sample below its header');
  return rows.map((_, i) => number(i, j));
}

interface Csv {
  header: string[];
  rows: string[][];
  /** The line number in the file of each row. */
  lines: number[];
  /** Row i's cell in column j as a number >= 0 (an integer < 2^31 if `integer`), or a ScenarioError naming line and column. */
  number(i: number, j: number, integer?: boolean): number;
}

/** A CSV file with a header line, split into cells (no quoting: numbers only); blank lines are skipped. */
function readCsv(file: string, at: string): Csv {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(at, file, `a readable CSV file (${(e as NodeJS.ErrnoException).code})`);
  }
  const numbered = text.split(/\r?\n/).map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => l.trim() !== '');
  const header = (numbered.shift()?.l ?? '').split(',').map((h) => h.trim());
  const rows = numbered.map(({ l }) => l.split(',')), lines = numbered.map(({ n }) => n);
  const number = (i: number, j: number, integer = false): number => {
    const cell = rows[i][j], v = Number(cell);
    if (cell === undefined || cell.trim() === '' || !Number.isFinite(v) || v < 0 || (integer && (!Number.isInteger(v) || v > 2 ** 31 - 1))) {
      throw new ScenarioError(`${at} line ${lines[i]} column ${header[j]}`, cell, `${integer ? 'an integer from 0 to 2147483647' : 'a number >= 0'} (${file})`);
    }
    return v;
  };
  return { header, rows, lines, number };
}

/**
 * Where JSON.parse failed, as ": line L column C" (empty when the message already says). Node
 * gives "at position N" for some errors only; otherwise the shortest prefix of `text` that
 * fails for another reason than ending early is searched for (a prefix of valid JSON only
 * ever fails at its end).
 */
function jsonErrorAt(text: string, error: Error): string {
  if (/line \d+ column \d+/.test(error.message)) return '';
  const fails = (k: number) => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (e) {
      // Ending early shows as "end of JSON input", an unterminated string, or a position at the end.
      const m = (e as Error).message, pos = /at position (\d+)/.exec(m);
      return !/end of JSON input|Unterminated string/.test(m) && !(pos && Number(pos[1]) >= k);
    }
  };
  const given = /at position (\d+)/.exec(error.message);
  let at: number;
  if (given) at = Number(given[1]);
  else {
    let lo = 0, hi = text.length; // fails(hi) holds unless the text merely ends early
    if (!fails(hi)) return '';
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fails(mid)) hi = mid;
      else lo = mid + 1;
    }
    at = lo - 1;
  }
  const before = text.slice(0, at).split('\n');
  return `: line ${before.length} column ${before[before.length - 1].length + 1}`;
}

/** Reads and validates a scenario file (or preset name). */
export function loadScenarioFile(file: string): Scenario {
  return parseScenario(readScenarioJson(file));
}

export function readTraceCsv(file: string): { timesMs: number[]; costsMs?: number[]; keys?: number[] } {
  const { header, rows, lines, number } = readCsv(file, 'arrivals.file');
  const col = (name: string) => header.indexOf(name);
  const [t, c, k] = [col('timeMs'), col('costMs'), col('key')];
  if (t < 0) throw new ScenarioError('arrivals.file', header.join(','), `a CSV header with a timeMs column (and optionally costMs, key) in ${file}`);
  const timesMs: number[] = [], costsMs: number[] = [], keys: number[] = [];
  // The rules parseScenario applies to a trace, checked here so an error names the file's line.
  rows.forEach((cells, i) => {
    const time = number(i, t);
    if (timesMs.length > 0 && time < timesMs[timesMs.length - 1]) {
      throw new ScenarioError(`arrivals.file line ${lines[i]} column timeMs`, cells[t], `a time >= the previous line's (${timesMs[timesMs.length - 1]}): arrivals in time order (${file})`);
    }
    timesMs.push(time);
    if (c >= 0) costsMs.push(number(i, c));
    if (k >= 0) keys.push(number(i, k, true));
  });
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
