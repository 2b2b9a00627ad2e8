/**
 * How `lbsim sweep` and `lbsim merge` print a sweep's rows: an aligned table or Markdown (one line
 * per arm, mean ± 95% half-width over seeds), tidy CSV, JSON or JSON lines (one row per run, or
 * per arm with --aggregate). Everything is a function of the rows alone, so the merge of shards
 * prints byte for byte what the unsharded sweep prints.
 */
import { aggregateSweep, sweepColumns, type ArmRow } from '../experiment/sweep-summary.js';
import { runMetric } from '../experiment/run-metrics.js';
import type { Cell, SweepRow } from '../experiment/sweep.js';
import { csv, fmt, percent, printable, table } from './format.js';
import { UsageError, type Flags } from './flags.js';

export type SweepFormat = 'table' | 'markdown' | 'csv' | 'json' | 'jsonl';

/** The output format from the flags (at most one of --json, --csv, --jsonl, --markdown). */
export function sweepFormat(values: Flags): SweepFormat {
  const chosen = (['json', 'csv', 'jsonl', 'markdown'] as const).filter((f) => values[f]);
  if (chosen.length > 1) throw new UsageError(`${chosen.map((f) => `--${f}`).join(' and ')} exclude each other`);
  if (values.aggregate && (chosen.length === 0 || chosen[0] === 'markdown')) {
    throw new UsageError('--aggregate goes with --json, --csv or --jsonl (the table and Markdown are aggregated already)');
  }
  return chosen[0] ?? 'table';
}

/** Column headers of the metrics in tables. */
const HEADERS: Record<string, string> = {
  meanMs: 'mean ms', p50Ms: 'p50 ms', p90Ms: 'p90 ms', p95Ms: 'p95 ms', p99Ms: 'p99 ms', p999Ms: 'p99.9 ms',
  throughputPerSec: 'throughput/s', goodputPerSec: 'goodput/s', succeededShare: 'ok', failedShare: 'failed',
  timedOutShare: 'timed out', droppedShare: 'dropped', rejectedShare: 'rejected', utilization: 'utilization',
  maxOverMean: 'max/mean load', amplification: 'amplification',
};

/** Metrics shown as percentages. */
const PERCENT = new Set(['succeededShare', 'failedShare', 'timedOutShare', 'droppedShare', 'rejectedShare', 'utilization']);

export function renderSweep(rows: readonly SweepRow[], format: SweepFormat, aggregate: boolean): string {
  const data: readonly Record<string, Cell>[] = aggregate ? aggregateSweep(rows) : rows;
  switch (format) {
    case 'json':
      return JSON.stringify(data, null, 2) + '\n';
    case 'jsonl':
      return data.map((r) => JSON.stringify(r) + '\n').join('');
    case 'csv': {
      const columns = data.length ? Object.keys(data[0]) : [];
      return csv([columns, ...data.map((r) => columns.map((c) => { const v = r[c]; return v === null || v === undefined ? '' : typeof v === 'boolean' ? String(v) : v; }))]);
    }
    default:
      return sweepTable(rows, format === 'markdown');
  }
}

/** The aggregated table (or Markdown table) with its heading line. */
function sweepTable(rows: readonly SweepRow[], markdown: boolean): string {
  const arms = aggregateSweep(rows);
  const { params, metrics } = sweepColumns(rows);
  const seeds = Math.max(...arms.map((a) => a.seeds));
  const name = printable(rows[0]?.sweep ?? 'sweep');
  const head = `${name}: ${arms.length} arm${arms.length === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'} = ${rows.length} run${rows.length === 1 ? '' : 's'}` +
    (seeds > 1 ? ', mean ± 95% CI (Student t over seeds)' : '') + '\n\n';
  const partial = (a: ArmRow) => a.latencySeeds > 0 && a.latencySeeds < a.seeds;
  const cell = (a: ArmRow, m: string) => {
    const mean = a[`${m}_mean`], half = a[`${m}_ci95`];
    if (typeof mean !== 'number') return '-';
    const f = PERCENT.has(m) ? percent : (x: number) => fmt(x);
    return (typeof half === 'number' ? `${f(mean)} ± ${f(half)}` : f(mean)) + (runMetric(m)!.latency && partial(a) ? '*' : '');
  };
  const header = [...params, 'ρ', ...metrics.map((m) => HEADERS[m] ?? m)];
  const body = arms.map((a) => [...params.map((p) => printable(String(a[p]))), a.rho === null ? '-' : fmt(a.rho), ...metrics.map((m) => cell(a, m))]);
  const notes = arms.some(partial)
    ? `*: latency over the seeds where some request succeeded (${arms.filter(partial).map((a) => `arm ${a.arm}: ${a.latencySeeds} of ${a.seeds}`).join(', ')})\n`
    : '';
  const latencyShown = metrics.some((m) => runMetric(m)!.latency);
  const none = latencyShown && arms.some((a) => a.latencySeeds === 0) ? "-: no request succeeded, so there is no latency\n" : '';
  if (!markdown) return head + table([header, ...body]) + notes + none;
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |\n`;
  const align = header.map((_, i) => (i < params.length && rows.length > 0 && typeof rows[0][params[i]] !== 'number' ? ':---' : '---:'));
  return head + line(header) + `|${align.join('|')}|\n` + body.map(line).join('') + (notes || none ? `\n${notes}${none}` : '');
}
