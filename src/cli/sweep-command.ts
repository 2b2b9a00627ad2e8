/**
 * `lbsim sweep <experiment.json | scenario.json | preset> [--set path=v1,v2 ...]`: every arm of
 * the grid on every seed, on a pool of worker threads, printed as a table (mean ± 95% CI), Markdown,
 * tidy CSV, JSON or JSON lines; `--shard i/n` runs a slice and writes its JSON lines for `merge`.
 */
import { fingerprint } from '../experiment/fingerprint.js';
import { availableParallelism } from 'node:os';
import { ScenarioError } from '../input/check.js';
import { MAX_REQUESTS } from '../scenario/scenario.js';
import { parseExperiment, type Experiment, type ExperimentInput } from '../experiment/experiment.js';
import { readExperimentOrScenario } from '../experiment/load-experiment.js';
import { sweep, MAX_SHARDS, type Shard } from '../experiment/sweep.js';
import { MAX_WORKERS } from '../experiment/run-pool.js';
import { importModules } from '../experiment/modules.js';
import { parseSeedsText } from '../experiment/seeds-text.js';
import { UsageError, integerFlag, onePositional, options, str, strs, type Io } from './flags.js';
import { renderSweep, sweepFormat } from './sweep-output.js';
import { progressBar } from './progress.js';
import { plotFlag, writePlot } from './plot-file.js';
import { sweepChart } from '../experiment/chart-specs.js';

export const SWEEP_HELP = `Runs every combination of grid values (an arm) on every seed and prints one row per arm.
The first argument is an experiment file (JSON with "scenario", "grid", "seeds", "requests",
"metrics"; see the README), or a scenario file or preset to which --set adds a grid.
  --set path=v1,v2,...  a grid axis: a scenario path and its values, e.g. --set arrivals.ratePerSec=600,900,
                 --set balancer=round-robin,p2c:choices=3, --set load=0.5..0.95:0.05 (from..to:step;
                 load sets the arrival rate to that share of Σ count × concurrency × speed / E[S]);
                 repeat for more axes (the first varies slowest); on an experiment, adds or replaces axes
  --seeds 1..10  seeds every arm runs (a range, a list 1,2,3 or one seed)
  --requests N   arrivals per run
  --metrics a,b  what to report (default meanMs,p50Ms,p99Ms,succeededShare): meanMs, p50Ms, p90Ms,
                 p95Ms, p99Ms, p999Ms, throughputPerSec, goodputPerSec, succeededShare, failedShare,
                 timedOutShare, droppedShare, rejectedShare, utilization, maxOverMean, amplification
  --workers N    worker threads (default: the machine's cores); results are the same for every N
  --require m.mjs  a module each worker (and this process) imports first, e.g. one registering a
                 custom balancer; repeatable
  --shard i/n    run only the runs whose number is i−1 modulo n and write their JSON lines (one
                 machine of n); lbsim merge turns the shards' files into the unsharded output
  --csv | --json | --jsonl  one tidy row per run (--jsonl: one JSON object per line); with
                 --aggregate one row per arm (<metric>_mean, <metric>_ci95)
  --markdown     the table as Markdown
  --plot out.svg a chart: p50 and p99 latency against the first numeric axis (load, say), a line per
                 value of the other axes (the balancer) with its 95% band, as a standalone SVG`;

/** `--set path=values`: the grid axis it gives. */
export function parseSet(text: string): [string, unknown[] | { from: number; to: number; step: number }] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ScenarioError('--set', text, 'path=value[,value...] (e.g. arrivals.ratePerSec=600,900) or path=from..to:step');
  const path = text.slice(0, eq), raw = text.slice(eq + 1);
  const num = '(-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?)';
  const range = new RegExp(`^${num}\\.\\.${num}:${num}$`, 'i').exec(raw);
  if (range) return [path, { from: Number(range[1]), to: Number(range[2]), step: Number(range[3]) }];
  return [path, raw.split(',').map((v) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v; // a plain string such as round-robin or p2c:choices=3
    }
  })];
}

/** "i/n" → {index, count}. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new ScenarioError('--shard', text, `i/n with 1 <= i <= n <= ${MAX_SHARDS} (the i-th of n shards, e.g. 1/4)`);
  }
  return { index, count };
}

/** --workers: an integer from 1 to MAX_WORKERS; default the machine's cores. */
export function workersFlag(value: string | undefined): number {
  return integerFlag(value, '--workers', 1, MAX_WORKERS) ?? availableParallelism();
}

export async function sweepCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = options(args, {
    set: 'strings', seeds: 'string', requests: 'string', metrics: 'string', workers: 'string', require: 'strings', shard: 'string',
    json: 'boolean', csv: 'boolean', jsonl: 'boolean', markdown: 'boolean', aggregate: 'boolean', plot: 'string',
  });
  const shardText = str(values.shard);
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  if (shard && (values.json || values.csv || values.markdown || values.aggregate || values.plot !== undefined)) {
    throw new UsageError('--shard writes JSON lines (--jsonl) for lbsim merge: print tables, CSV and charts from the merge');
  }
  const format = shard ? 'jsonl' : sweepFormat(values);
  const plot = plotFlag(str(values.plot));
  const modules = strs(values.require);
  await importModules(modules);
  const source = onePositional(positionals, 'experiment file, scenario file or preset name');
  const read = readExperimentOrScenario(source);
  const input: ExperimentInput = 'experiment' in read ? read.experiment : { scenario: read.scenario as ExperimentInput['scenario'] };
  const grid = { ...(input.grid ?? {}) };
  for (const text of strs(values.set)) {
    const [path, axis] = parseSet(text);
    delete grid[path]; // a --set replaces the axis and moves it last
    grid[path] = axis;
  }
  const experiment: Experiment = parseExperiment({
    ...input,
    grid,
    ...(values.seeds !== undefined ? { seeds: parseSeedsText(str(values.seeds)!, '--seeds') } : {}),
    ...(values.requests !== undefined ? { requests: integerFlag(str(values.requests), '--requests', 1, MAX_REQUESTS) } : {}),
    ...(values.metrics !== undefined ? { metrics: str(values.metrics)!.split(',').map((m) => m.trim()) } : {}),
  });
  const progress = progressBar(io, experiment.name);
  let rows;
  try {
    rows = await sweep(experiment, { workers: workersFlag(str(values.workers)), require: modules, shard, onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.stop();
  }
  // A shard's rows carry the sweep's fingerprint: lbsim merge refuses rows of another sweep.
  if (shard) rows = rows.map((row) => ({ ...row, experiment: fingerprint(experiment) }));
  io.out(renderSweep(rows, format, Boolean(values.aggregate)));
  return plot === undefined || (await writePlot(plot, sweepChart(rows), io)) ? 0 : 1;
}

