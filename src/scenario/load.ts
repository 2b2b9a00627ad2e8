/**
 * Loading scenarios from disk (Node only): JSON files, preset names, and trace CSV files
 * referenced as `"arrivals": {"process": "trace", "file": "trace.csv"}` (resolved relative to
 * the scenario file). A trace CSV has a header naming its columns: `timeMs` (required), and
 * optionally `costMs` and `key`; one arrival per line, times ascending.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScenarioError, isObject } from '../input/check.js';
import { parseScenario, type Scenario } from './scenario.js';
import { preset, presetNames } from './presets.js';

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
    // Node 20 says "at position N"; name the line and column too.
    const message = (e as Error).message.replace(/at position (\d+)/, (m, n: string) => {
      const before = text.slice(0, Number(n)).split('\n');
      return `${m}: line ${before.length} column ${before[before.length - 1].length + 1}`;
    });
    throw new ScenarioError(file, 'invalid JSON', `JSON (${message})`);
  }
  if (isObject(json) && isObject(json.arrivals) && json.arrivals.process === 'trace' && typeof json.arrivals.file === 'string') {
    const { file: csv, ...rest } = json.arrivals;
    json = { ...json, arrivals: { ...rest, ...readTraceCsv(resolve(dirname(file), csv as string)) } };
  }
  return json;
}

/** Reads and validates a scenario file (or preset name). */
export function loadScenarioFile(file: string): Scenario {
  return parseScenario(readScenarioJson(file));
}

export function readTraceCsv(file: string): { timesMs: number[]; costsMs?: number[]; keys?: number[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError('arrivals.file', file, `a readable CSV file (${(e as NodeJS.ErrnoException).code})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const [t, c, k] = [col('timeMs'), col('costMs'), col('key')];
  if (t < 0) throw new ScenarioError('arrivals.file', header.join(','), `a CSV header with a timeMs column (and optionally costMs, key) in ${file}`);
  const timesMs: number[] = [], costsMs: number[] = [], keys: number[] = [];
  // The rules parseScenario applies to a trace, checked here so an error names the file's line.
  lines.forEach((line, i) => {
    const cells = line.split(',');
    const where = (name: string) => `arrivals.file line ${i + 2} column ${name}`;
    const cell = (j: number, name: string, integer = false) => {
      const v = Number(cells[j]);
      if (cells[j] === undefined || cells[j].trim() === '' || !Number.isFinite(v) || v < 0 || (integer && (!Number.isInteger(v) || v > 2 ** 31 - 1))) {
        throw new ScenarioError(where(name), cells[j], `${integer ? 'an integer from 0 to 2147483647' : 'a number >= 0'} (${file})`);
      }
      return v;
    };
    const time = cell(t, 'timeMs');
    if (timesMs.length > 0 && time < timesMs[timesMs.length - 1]) {
      throw new ScenarioError(where('timeMs'), cells[t], `a time >= the previous line's (${timesMs[timesMs.length - 1]}): arrivals in time order (${file})`);
    }
    timesMs.push(time);
    if (c >= 0) costsMs.push(cell(c, 'costMs'));
    if (k >= 0) keys.push(cell(k, 'key', true));
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
