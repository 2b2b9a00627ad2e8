/**
 * `lbsim merge a.jsonl b.jsonl ...`: the JSON lines of a sweep's shards, merged into exactly the
 * output the unsharded sweep prints (table, Markdown, CSV, JSON or JSON lines).
 */
import { ScenarioError } from '../input/check.js';
import { MAX_FILE_BYTES, readTextFile } from '../scenario/read-text-file.js';
import { mergeRows } from '../experiment/merge-rows.js';
import { UsageError, options, str, type Io } from './flags.js';
import { plotFlag, writePlot } from './plot-file.js';
import { sweepChart } from '../experiment/chart-specs.js';
import { renderSweep, sweepFormat } from './sweep-output.js';

export const MERGE_HELP = `Merges the JSON lines of a sharded sweep (lbsim sweep ... --shard i/n > i.jsonl on each machine)
into the output the unsharded sweep gives, byte for byte. Every run must be present exactly once.
  --csv | --json | --jsonl  one tidy row per run; with --aggregate one row per arm
  --markdown     the table as Markdown
  --plot out.svg the sweep's chart, as lbsim sweep --plot draws it`;

export async function mergeCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = options(args, { json: 'boolean', csv: 'boolean', jsonl: 'boolean', markdown: 'boolean', aggregate: 'boolean', plot: 'string' });
  const format = sweepFormat(values);
  const plot = plotFlag(str(values.plot));
  if (positionals.length === 0) throw new UsageError('expected the JSON lines files of the shards, got none');
  const sources = positionals.map((name) => ({
    name,
    text: readTextFile(name, (reason) => new ScenarioError(name, undefined, `a JSON lines file of lbsim sweep --shard: a regular file of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB`, reason)),
  }));
  const rows = mergeRows(sources);
  io.out(renderSweep(rows, format, Boolean(values.aggregate)));
  return plot === undefined || (await writePlot(plot, sweepChart(rows), io)) ? 0 : 1;
}
