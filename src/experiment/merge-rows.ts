/**
 * Merging the rows of a sharded sweep: every shard's JSON lines (`lbsim sweep --shard i/n
 * --jsonl`) back into the rows of the unsharded sweep, in run order. The rows must come from one
 * sweep (same name, run count, columns and — for shards — the experiment's fingerprint, see
 * fingerprint.ts) and cover every run exactly once; anything else is a
 * ScenarioError naming the file and line, so a missing or repeated shard cannot pass unnoticed.
 */
import { ScenarioError, isObject } from '../input/check.js';
import type { SweepRow } from './sweep.js';

/** One file's text of JSON lines, and its name for errors. */
export interface RowSource {
  name: string;
  text: string;
}

const INTEGER_FIELDS = ['run', 'runs', 'arm', 'seed'] as const;

export function mergeRows(sources: readonly RowSource[]): SweepRow[] {
  const rows: SweepRow[] = [];
  const where = new Map<number, string>();
  let first: { keys: string; sweep: string; runs: number; at: string; experiment: unknown } | undefined;
  for (const { name, text } of sources) {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const at = `${name}:${i + 1}`;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new ScenarioError(at, undefined, 'a JSON object on each line (lbsim sweep --jsonl output)', 'a line that is not JSON');
      }
      if (!isObject(row) || typeof row.sweep !== 'string') throw new ScenarioError(at, undefined, 'a row of lbsim sweep --jsonl (an object with "sweep", "run", "runs", "arm", "seed")', 'something else');
      for (const f of INTEGER_FIELDS) {
        if (!(Number.isInteger(row[f]) && (row[f] as number) >= 0)) throw new ScenarioError(`${at}.${f}`, row[f], 'an integer >= 0');
      }
      for (const [k, v] of Object.entries(row)) {
        if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v))) throw new ScenarioError(`${at}.${k}`, v, 'a number, string, boolean or null');
      }
      const keys = JSON.stringify(Object.keys(row));
      const experiment = row.experiment;
      if (!first) first = { keys, sweep: row.sweep, runs: row.runs as number, at, experiment };
      else if (keys !== first.keys || row.sweep !== first.sweep || row.runs !== first.runs || experiment !== first.experiment) {
        throw new ScenarioError(at, undefined, `rows of one sweep (as at ${first.at}: "${first.sweep}", ${first.runs} runs, the same columns and experiment fingerprint)`, 'a row of another sweep');
      }
      delete row.experiment; // the shard's fingerprint: not part of the sweep's rows
      const run = row.run as number;
      if (run >= first.runs) throw new ScenarioError(`${at}.run`, run, `a run number below runs (${first.runs})`);
      const seen = where.get(run);
      if (seen !== undefined) throw new ScenarioError(`${at}.run`, run, `each run once (it is at ${seen} already): a shard given twice?`);
      where.set(run, at);
      rows.push(row as SweepRow);
    });
  }
  if (!first) throw new ScenarioError(sources.map((s) => s.name).join(', '), undefined, 'at least one row of lbsim sweep --jsonl', 'no rows');
  if (rows.length < first.runs) {
    const missing: number[] = [];
    for (let r = 0; r < first.runs && missing.length < 5; r++) if (!where.has(r)) missing.push(r);
    throw new ScenarioError('merge', `${rows.length} of ${first.runs} runs`, `every run of the sweep "${first.sweep}" (missing runs ${missing.join(', ')}${first.runs - rows.length > missing.length ? ', …' : ''}): a shard is missing`);
  }
  return rows.sort((a, b) => a.run - b.run);
}
