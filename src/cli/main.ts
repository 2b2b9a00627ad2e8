/**
 * The `lbsim` command: parse arguments, call the library, print. Results go to stdout, progress
 * (only when stderr is a terminal) and errors to stderr. Exit codes: 0 success, 2 bad input
 * (a one-paragraph message naming the field), 1 internal error or output that cannot be written
 * (bin/lbsim.js reports that: stdout's errors arrive after main returns).
 */
import { readFileSync } from 'node:fs';
import { ScenarioError } from '../input/check.js';
import { SimulationStalledError } from '../engine/simulation.js';
import { MAX_REQUESTS, type Scenario } from '../scenario/scenario.js';

const MAX_SEED = 2 ** 32 - 1;
import { PRESETS, preset, presetNames } from '../scenario/presets.js';
import { scenarioSchema } from '../scenario/scenario-schema.js';
import { simulate, prepareScenario } from '../experiment/simulate.js';
import { CompareAccumulator, AGGREGATE_COLUMNS, balancerList, type AggregateRow, type ComparisonRow } from '../experiment/compare.js';
import { reportLoad, offeredLoadLine, topologyLoadLine } from './load-report.js';
import { topologyLoad } from '../scenario/topology-load.js';
import type { Interval } from '../experiment/confidence.js';
import type { Summary } from '../model/summary.js';
import { balancerNames, getBalancer, listBalancers } from '../balancers/index.js';
import { DISTRIBUTIONS } from '../random/distributions.js';
import { ARRIVAL_PROCESSES } from '../model/arrivals.js';
import { SERVER_MACHINE, REQUEST_MACHINE, ATTEMPT_MACHINE, toMermaid, type StateMachine } from '../model/states.js';
import { table, csv, fmt, percent, printable } from './format.js';
import { topologyTables } from './topology-format.js';
import { workflowText } from './workflow-format.js';
import { workflowMermaid } from '../workflow/diagram.js';
import { topologyMermaid } from '../model/topology-diagram.js';
import { BREAKER_MACHINE } from '../model/circuit-breaker.js';
import { BULKHEAD_MACHINE } from '../model/bulkhead.js';
import { LIMIT_MACHINE } from '../model/concurrency-limit.js';
import { SHEDDING_MACHINE } from '../model/shedding.js';
import { TOPOLOGY_CALL_MACHINE, TOPOLOGY_ATTEMPT_MACHINE } from '../model/topology-machines.js';
import type { TopologySummary } from '../model/topology-summary.js';
import { parseBalancerChoice as parseBalancerChoiceAt } from '../experiment/balancer-choice.js';
import { parseSeedsText } from '../experiment/seeds-text.js';
import { UsageError, options, str, strs, onePositional, integerFlag, type Io, type Flags } from './flags.js';
import { sweepCommand, SWEEP_HELP, workersFlag } from './sweep-command.js';
import { timeseriesFlag, suggestedWindowMs, seriesCsv, seriesTable } from './run-series.js';
import { plotFlag, writePlot } from './plot-file.js';
import { scenarioArg } from './scenario-arg.js';
import { runChart } from '../experiment/chart-specs.js';
import { experimentSchema } from '../experiment/experiment-schema.js';
import { progressBar } from './progress.js';
import { forEachSimulation, WorkerThreadError } from '../experiment/run-pool.js';
import { importModules } from '../experiment/modules.js';
import { mergeCommand, MERGE_HELP } from './merge-command.js';
import { serversIn } from './huge-pages.js';

export const USAGE = `lbsim — discrete-event simulation of load balancers

Usage:
  lbsim run <scenario.json|preset> [--balancer NAME[:option=value...]] [--requests N] [--seed S] [--json|--csv] [--timeseries MS] [--plot out.svg] [--per-server]
  lbsim compare <scenario.json|preset> [--balancers a,b,c] [--seeds 1..10] [--requests N] [--workers N] [--json|--csv [--aggregate]]
  lbsim sweep <experiment.json|scenario|preset> [--set path=v1,v2...] [--seeds 1..10] [--workers N] [--shard i/n] [--csv|--json|--jsonl|--markdown]
  lbsim merge <shard.jsonl...> [--csv|--json|--jsonl|--markdown]   the table of a sharded sweep
  lbsim list [--json]                     balancers, distributions, arrival processes, presets
  lbsim validate <scenario.json|preset>   check a scenario; prints "ok" or what is wrong
  lbsim diagram <server|request|attempt|breaker|bulkhead|limit|shedding|topology-call|topology-attempt>  a state machine as Mermaid stateDiagram-v2
  lbsim diagram topology <scenario.json|preset>   services and calls as a Mermaid flowchart, measured
  lbsim diagram workflow <scenario.json|preset>   a workflow's combined state model as Mermaid, measured
  lbsim preset <name>                     print a preset as a scenario file to edit
  lbsim schema [--experiment]             the JSON Schema of scenario (or experiment) files, for editors
  lbsim --help | --version

compare runs every balancer on the same workload (common random numbers); with several seeds
each cell is mean ± 95% confidence half-width over seeds. Exit codes: 0 ok, 2 bad input, 1 bug or
output that cannot be written.
`;

/** The machines `lbsim diagram <name>` prints. */
const DIAGRAM_MACHINES = new Map<string, StateMachine>([
  ['server', SERVER_MACHINE], ['request', REQUEST_MACHINE], ['attempt', ATTEMPT_MACHINE], ['breaker', BREAKER_MACHINE], ['bulkhead', BULKHEAD_MACHINE], ['limit', LIMIT_MACHINE], ['shedding', SHEDDING_MACHINE],
  ['topology-call', TOPOLOGY_CALL_MACHINE], ['topology-attempt', TOPOLOGY_ATTEMPT_MACHINE],
]);
const diagramNames = [...DIAGRAM_MACHINES.keys()];

/** What `lbsim <command> --help` says about the command's arguments, after its usage line. */
const COMMAND_HELP: Record<string, string> = {
  run: `Runs one scenario (a JSON file or a preset name) and prints its Summary.
  --balancer NAME[:option=value...]  replace the scenario's balancer, e.g. p2c:choices=3
  --requests N   stop after N arrivals (overrides stop.requests)
  --seed S       the seed of every random stream (default: the scenario's)
  --json | --csv the Summary as JSON, or as one CSV row with a header; a table otherwise
  --timeseries MS  also the run's time series, one row per window of MS ms of simulated time
                 (throughput, p50/p90/p99 latency, queue length, in service, utilisation, servers by
                 state at its end): after the table, as the CSV (instead of the Summary), or as the
                 Summary's "timeseries" field in JSON (with the latency CDF)
  --plot out.svg the time series (window: --timeseries, else about 100 over the run) and the latency
                 CDF as a standalone SVG chart
  --per-server   every server in the Summary however many (above 10,000 servers: the 20 busiest and
                 the spread of each figure over the pool, "serverStats")
The offered load (ρ) goes to stderr with a table; warnings about the run's design (ρ >= 1, a
warm-up that takes most arrivals, a window short against the queues' relaxation time) always.`,
  compare: `Runs every balancer on the same workload (common random numbers) and prints one row each.
  --balancers a,b,c  which (default: all); each may carry options: p2c:choices=3:metric=peak-ewma
  --seeds 1..10  replications: a range (1..10 = ten seeds), a list (1,2,3) or one seed (5 = seed 5
                 only); with more than one, cells are mean ± 95% confidence half-width
  --requests N   arrivals per run
  --json | --csv every run's Summary (JSON array, or one CSV row per run and balancer)
  --aggregate    with --json or --csv: one row per balancer instead, each metric's mean over seeds
                 and 95% confidence half-width (p99Ms_mean, p99Ms_ci95, ...), as the table shows
  --workers N    worker threads (default: the machine's cores); results are the same for every N
  --require m.mjs  a module each worker (and this process) imports first, e.g. one registering a
                 custom balancer; repeatable`,
  list: `Lists balancers (with aliases and option defaults), distributions, arrival processes and presets.
  --json   the same as JSON`,
  validate: 'Checks a scenario file or preset: prints "ok" and its offered load (warnings on stderr), or the field that is wrong, its value and what was expected (exit 2).',
  diagram: `Prints a state machine (${diagramNames.slice(0, -1).join(', ')} or ${diagramNames.at(-1)}) as a Mermaid stateDiagram-v2, or, with
"topology <scenario>", runs a scenario of services calling services and prints it as a Mermaid flowchart
annotated with what was measured (attempts per request, success share and latency of each edge), or, with
"workflow <scenario>", runs a scenario with workflows and prints their combined state model (the invoked
machine inside the invoking state) with each transition's count and share of the transitions out of its state.
  --requests N   arrivals of the run (topology, workflow)
  --seed S       seed of the run (topology, workflow)`,
  preset: 'Prints a preset as a scenario file to copy and edit: lbsim preset default > mine.json',
  sweep: SWEEP_HELP,
  merge: MERGE_HELP,
  schema: `Prints the JSON Schema (draft-07) of scenario files, the one the package ships as
schema/scenario.schema.json: lbsim schema > scenario.schema.json, then "$schema": "./scenario.schema.json"
in a scenario file gives editors completion and checks as you type.
  --experiment   the schema of experiment files instead (schema/experiment.schema.json, for lbsim sweep)`,
};

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  progress: Boolean(process.stderr.isTTY),
};

/**
 * What the process running the command offers beyond its streams (bin/lbsim.js gives it; a
 * program calling `main` need not). `largePool`: told the servers of a scenario about to run and
 * where it came from (file or preset name) before anything is printed; returns an exit code when
 * it ran the command elsewhere (huge-pages.ts: again, with huge pages), null to go on here.
 */
export interface CliHost {
  largePool?(servers: number, source: string): number | null;
}

export async function main(argv: readonly string[], io: Io = defaultIo, host: CliHost = {}): Promise<number> {
  try {
    return await command(argv, io, host);
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof UsageError || e instanceof SimulationStalledError) {
      io.err(`lbsim: ${e.message}\n${e instanceof UsageError ? "Run 'lbsim --help' for usage.\n" : ''}`);
      return 2;
    }
    if (e instanceof WorkerThreadError) {
      io.err(`lbsim: ${e.message}\n`);
      return 1;
    }
    io.err(`lbsim: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 1;
  }
}

function command(argv: readonly string[], io: Io, host: CliHost): number | Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    case '--version':
    case '-v': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      io.out(`${pkg.version}\n`);
      return 0;
    }
    case 'run':
    case 'compare':
    case 'sweep':
    case 'merge':
    case 'list':
    case 'validate':
    case 'diagram':
    case 'preset':
    case 'schema':
      if (rest.includes('--help') || rest.includes('-h')) {
        // `lbsim compare --help`: this command's usage line and flags (lbsim --help lists every command).
        const line = USAGE.split('\n').find((l) => l.startsWith(`  lbsim ${cmd} `));
        io.out(`${line ? `${line.trim()}\n\n` : ''}${COMMAND_HELP[cmd]}\n\nRun 'lbsim --help' for every command.\n`);
        return 0;
      }
      return subcommand(cmd, rest, io, host);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)} (commands: run, compare, sweep, merge, list, validate, diagram, preset, schema)`);
  }
}

function subcommand(cmd: string, rest: readonly string[], io: Io, host: CliHost): number | Promise<number> {
  switch (cmd) {
    case 'run':
      return run(rest, io, host);
    case 'compare':
      return compareCommand(rest, io, host);
    case 'sweep':
      return sweepCommand(rest, io);
    case 'merge':
      return mergeCommand(rest, io);
    case 'list':
      return list(rest, io);
    case 'validate':
      return validate(rest, io);
    case 'diagram':
      return diagram(rest, io);
    case 'schema':
      return schemaCommand(rest, io);
    default:
      return presetCommand(rest, io);
  }
}

/** "1..10" or "1,2,5" → seeds (at most MAX_SEEDS, each once). */
export function parseSeeds(value: string): number[] {
  return parseSeedsText(value, '--seeds');
}

/** Hashing policies route by request key: without `keys` every request maps to one server. */
function warnKeyless(scenario: { keys?: unknown }, names: readonly string[], io: Io): void {
  if (scenario.keys !== undefined) return;
  const keyed = names.filter((n) => getBalancer(n)?.keyed).map((n) => getBalancer(n)!.name);
  if (keyed.length) io.err(`lbsim: note: ${keyed.join(', ')} route by request key, and this scenario has no "keys": every request has key 0 and goes to one server\n`);
}

function format(values: Flags): 'json' | 'csv' | 'table' {
  if (values.json && values.csv) throw new UsageError('--json and --csv exclude each other');
  return values.json ? 'json' : values.csv ? 'csv' : 'table';
}

async function run(args: readonly string[], io: Io, host: CliHost): Promise<number> {
  const { values, positionals } = options(args, { balancer: 'string', requests: 'string', seed: 'string', json: 'boolean', csv: 'boolean', timeseries: 'string', plot: 'string', 'per-server': 'boolean' });
  const out = format(values);
  const plot = plotFlag(str(values.plot));
  const file = onePositional(positionals, 'scenario file or preset name');
  const scenario = scenarioArg(file);
  const relaunched = host.largePool?.(serversIn(scenario), file) ?? null;
  if (relaunched !== null) return relaunched;
  const flag = str(values.balancer);
  const target = flag === undefined ? undefined : serviceChoice(flag.trim(), scenario, '--balancer');
  const balancer = target?.service === undefined ? target?.choice : undefined;
  const services = target?.service !== undefined ? { [target.service]: target.choice } : undefined;
  warnKeyless(scenario, [balancer === undefined ? scenario.balancer.name : typeof balancer === 'string' ? balancer : balancer.name], io);
  const seed = integerFlag(str(values.seed), '--seed', 0, MAX_SEED);
  const requests = integerFlag(str(values.requests), '--requests', 1, MAX_REQUESTS);
  const series = timeseriesFlag(str(values.timeseries));
  const perServer = values['per-server'] === true;
  reportLoad(withRequests(scenario, requests), io.err, out === 'table');
  const windowMs = series ?? (plot !== undefined ? suggestedWindowMs(withRequests(scenario, requests)) : undefined);
  if (windowMs === undefined) {
    const summary = simulate(scenario, { balancer, seed, requests, perServer, ...(services ? { services } : {}) });
    if (out === 'json') io.out(JSON.stringify(summary, null, 2) + '\n');
    else if (out === 'csv') io.out(csv(summaryCsv([summary])));
    else io.out(runTable(summary));
    return 0;
  }
  const summary = simulate(scenario, { balancer, seed, requests, timeseries: { windowMs }, perServer, ...(services ? { services } : {}) });
  const { timeseries, ...rest } = summary;
  if (out === 'json') io.out(JSON.stringify(series !== undefined ? summary : rest, null, 2) + '\n');
  else if (out === 'csv') io.out(series !== undefined ? seriesCsv(timeseries) : csv(summaryCsv([rest])));
  else io.out(runTable(rest) + (series !== undefined ? seriesTable(timeseries) : ''));
  return plot === undefined || (await writePlot(plot, runChart(summary), io)) ? 0 : 1;
}

async function compareCommand(args: readonly string[], io: Io, host: CliHost): Promise<number> {
  const { values, positionals } = options(args, {
    balancers: 'string', seeds: 'string', requests: 'string', json: 'boolean', csv: 'boolean', aggregate: 'boolean', workers: 'string', require: 'strings',
  });
  const out = format(values);
  if (values.aggregate && out === 'table') throw new UsageError('--aggregate goes with --json or --csv (the table is aggregated already)');
  const workers = workersFlag(str(values.workers));
  const modules = strs(values.require);
  await importModules(modules);
  const file = onePositional(positionals, 'scenario file or preset name');
  const scenario = scenarioArg(file);
  const relaunched = host.largePool?.(serversIn(scenario), file) ?? null;
  if (relaunched !== null) return relaunched;
  const targets = str(values.balancers)?.split(',').map((item) => serviceChoice(item.trim(), scenario, '--balancers'));
  const service = targets?.[0]?.service;
  if (targets?.some((t) => t.service !== service)) throw new ScenarioError('--balancers', str(values.balancers), 'policies for one service at a time: all of the form svc=policy for the same svc, or none');
  const choices = balancerList(targets?.map((t) => t.choice) ?? balancerNames(), '--balancers');
  warnKeyless(scenario, choices.map((c) => (typeof c === 'string' ? c : c.name)), io);
  const seedText = str(values.seeds);
  const seeds = seedText !== undefined ? parseSeeds(seedText) : [scenario.seed];
  const requests = integerFlag(str(values.requests), '--requests', 1, MAX_REQUESTS);
  reportLoad(withRequests(scenario, requests), io.err, out === 'table');
  const runOptions = (balancer: (typeof choices)[number], seed: number) =>
    service === undefined ? { balancer, seed, requests } : { services: { [service]: balancer }, seed, requests };
  // A balancer's options are checked before any run, so that bad input prints nothing on stdout.
  for (const balancer of choices) prepareScenario(scenario, runOptions(balancer, seeds[0]));
  const task = (i: number) => ({ scenario, options: runOptions(choices[Math.floor(i / seeds.length)], seeds[i % seeds.length]) });
  // Runs arrive in task order: a row per run is printed as it comes, the rest folded into aggregates.
  const runs = new CompareAccumulator(), rowPerRun = !values.aggregate && out !== 'table';
  let printed = 0, lo = Infinity, hi = -Infinity;
  const each = (s: Summary) => {
    if (out === 'json' && rowPerRun) io.out(`${printed === 0 ? '[\n' : ',\n'}  ${JSON.stringify(s, null, 2).replace(/\n/g, '\n  ')}`);
    else if (out === 'csv' && rowPerRun) io.out(csv(printed === 0 ? [SUMMARY_COLUMNS.map(([h]) => h), summaryCsvRow(s)] : [summaryCsvRow(s)]));
    else runs.add(s);
    printed++;
    lo = Math.min(lo, s.requests.arrived);
    hi = Math.max(hi, s.requests.arrived);
  };
  const progress = progressBar(io, scenario.name);
  try {
    await forEachSimulation(choices.length * seeds.length, task, each, { workers, require: modules, onProgress: (done, total) => progress.update(done, total) });
  } catch (e) {
    // Every run before the failing one was handed over: the message says which run it is.
    if ((e instanceof ScenarioError || e instanceof SimulationStalledError) && printed < choices.length * seeds.length) {
      const item = str(values.balancers)?.split(',')[Math.floor(printed / seeds.length)].trim() ?? choices[Math.floor(printed / seeds.length)];
      e.message = `${e.message} (in the run of ${item}, seed ${seeds[printed % seeds.length]})`;
    }
    throw e;
  } finally {
    progress.stop();
  }
  if (out === 'json') io.out(rowPerRun ? '\n]\n' : JSON.stringify(runs.aggregateRows(), null, 2) + '\n');
  else if (out === 'csv') {
    if (!rowPerRun) io.out(csv(aggregateCsv(runs.aggregateRows())));
  } else io.out(compareTable(scenario.name, runs.comparisonRows(), { lo, hi }, seeds.length, scenario.arrivals.process === 'closed'));
  return 0;
}

/**
 * A `--balancer`/`--balancers` item: a policy (`p2c:choices=3`), or in a topology `svc=policy`
 * for service `svc` (the text before the first "=" has no ":" and names a service).
 */
function serviceChoice(item: string, scenario: Scenario, flag: string): { service?: string; choice: ReturnType<typeof parseBalancerChoice> } {
  const eq = item.indexOf('=');
  const head = eq > 0 ? item.slice(0, eq) : '';
  if (eq > 0 && !head.includes(':')) {
    const names = scenario.topology?.services.map((svc) => svc.name);
    if (!names) throw new ScenarioError(flag, item, 'a policy (svc=policy is for scenarios of services calling services)');
    if (!names.includes(head)) throw new ScenarioError(flag, item, `svc=policy with svc one of the services: ${names.join(', ')}`);
    return { service: head, choice: parseBalancerChoice(item.slice(eq + 1), flag) };
  }
  return { choice: parseBalancerChoice(item, flag) };
}

/** A `--balancers` item (or `run --balancer`): see experiment/balancer-choice.ts. */
export function parseBalancerChoice(item: string, flag = '--balancers'): string | ({ name: string } & Record<string, unknown>) {
  return parseBalancerChoiceAt(item, flag);
}

const SUMMARY_COLUMNS: [string, (s: Summary) => string | number][] = [
  ['scenario', (s) => s.scenario], ['balancer', (s) => s.balancer], ['seed', (s) => s.seed],
  ['arrived', (s) => s.requests.arrived], ['succeeded', (s) => s.requests.succeeded], ['failed', (s) => s.requests.failed],
  ['timedOut', (s) => s.requests.timedOut], ['dropped', (s) => s.requests.dropped], ['rejected', (s) => s.requests.rejected],
  ['retries', (s) => s.requests.retries], ['inFlight', (s) => s.requests.inFlight], ['label', (s) => s.label],
  ['meanMs', (s) => s.latencyMs.mean], ['p50Ms', (s) => s.latencyMs.p50], ['p90Ms', (s) => s.latencyMs.p90],
  ['p95Ms', (s) => s.latencyMs.p95], ['p99Ms', (s) => s.latencyMs.p99], ['p999Ms', (s) => s.latencyMs.p999],
  ['maxMs', (s) => s.latencyMs.max], ['throughputPerSec', (s) => s.throughputPerSec],
  ['maxOverMean', (s) => s.imbalance.maxOverMean], ['attempts', (s) => s.client.attempts], ['hedges', (s) => s.client.hedges],
  ['amplification', (s) => s.client.amplification], ['wastedWorkMs', (s) => s.client.wastedWorkMs],
  ['goodputPerSec', (s) => s.client.goodputPerSec], ['failuresObserved', (s) => s.failures.observed],
  ['sentToFailed', (s) => s.failures.sentToFailed], ['simTimeMs', (s) => s.simTimeMs], ['events', (s) => s.events],
  ['wallMs', (s) => s.wallMs],
];

/** Latency columns stay empty (a missing value) for a run where no request succeeded. */
const LATENCY_COLUMNS = new Set(['meanMs', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'p999Ms', 'maxMs']);

/** One CSV row per balancer: `aggregateRows`, null as an empty cell. */
function aggregateCsv(aggregated: readonly AggregateRow[]): (string | number)[][] {
  const rows = aggregated as unknown as Record<string, string | number | null>[];
  return [[...AGGREGATE_COLUMNS], ...rows.map((r) => AGGREGATE_COLUMNS.map((c) => r[c] ?? ''))];
}

/** The scenario with `stop.requests` replaced when the command line gives one. */
function withRequests(scenario: Scenario, requests: number | undefined): Scenario {
  return requests === undefined ? scenario : { ...scenario, stop: { ...scenario.stop, requests } };
}

/** One CSV row per run (tidy data: one observation per row). */
function summaryCsv(summaries: readonly Summary[]): (string | number)[][] {
  return [SUMMARY_COLUMNS.map(([h]) => h), ...summaries.map(summaryCsvRow)];
}

/** A run's CSV row (SUMMARY_COLUMNS). */
function summaryCsvRow(s: Summary): (string | number)[] {
  return SUMMARY_COLUMNS.map(([h, f]) => (s.requests.succeeded === 0 && LATENCY_COLUMNS.has(h) ? '' : f(s)));
}

function runTable(s: Summary): string {
  const r = s.requests;
  const head =
    `${printable(s.scenario)} · ${s.label} · seed ${s.seed} · ${r.arrived.toLocaleString('en')} requests · ` +
    `${fmt(s.simTimeMs / 1000)} s simulated in ${fmt(s.wallMs / 1000)} s\n\n`;
  const counts = table([
    ['arrived', 'succeeded', 'failed', 'timedOut', 'dropped', 'rejected', 'inFlight', 'throughput/s'],
    [r.arrived, r.succeeded, r.failed, r.timedOut, r.dropped, r.rejected, r.inFlight].map(String).concat(fmt(s.throughputPerSec)),
  ]);
  const l = s.latencyMs;
  const latency = r.succeeded > 0
    ? table([
        ['latency ms', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'],
        ['', ...[l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map((x) => fmt(x))],
      ])
    : 'latency: no request succeeded\n';
  const note = r.arrived === 0 ? 'note: no request arrived after the warm-up (stop.warmupMs), so the request counts are empty\n\n' : '';
  const shown = s.servers.slice(0, 20);
  const failing = s.servers.some((v) => v.stateTimeMs.failed > 0 || v.stateTimeMs.recovering > 0);
  const servers = table([
    ['server', 'completed', 'dropped', 'utilization', 'mean queue', 'idle s', 'busy s', ...(failing ? ['failed s', 'recovering s'] : [])],
    ...shown.map((v) => [String(v.id), String(v.completed), String(v.dropped), percent(v.utilization), fmt(v.meanQueueLength),
      fmt(v.stateTimeMs.idle / 1000), fmt(v.stateTimeMs.busy / 1000),
      ...(failing ? [fmt(v.stateTimeMs.failed / 1000), fmt(v.stateTimeMs.recovering / 1000)] : [])]),
  ]);
  const st = s.serverStats, spread = (x: { mean: number; p50: number; p90: number; p99: number; max: number }, f: (v: number) => string) =>
    `mean ${f(x.mean)}, p50 ${f(x.p50)}, p90 ${f(x.p90)}, p99 ${f(x.p99)}, max ${f(x.max)}`;
  const more = st
    ? `(the ${st.listed} busiest of ${st.count.toLocaleString('en')} servers; every server: --per-server --json)\n` +
      `utilization over the servers: ${spread(st.utilization, percent)}\ncompleted per server: ${spread(st.completed, fmt)}\n`
    : s.servers.length > shown.length ? `(${s.servers.length - shown.length} more servers: use --json)\n` : '';
  const c = s.client, f = s.failures;
  const client = r.retries > 0 || r.timedOut > 0 || c.hedges > 0 || c.wastedWorkMs > 0
    ? `clients: ${c.attempts} attempts (${fmt(c.amplification)} per request), ${r.retries} retries, ${c.hedges} hedges, ` +
      `${fmt(c.wastedWorkMs / 1000)} s of wasted work; goodput ${fmt(c.goodputPerSec)}/s of ${fmt(c.serverThroughputPerSec)}/s served\n`
    : '';
  const failures = f.observed > 0 || f.sentToFailed > 0
    ? `failures: ${f.observed} observed, ${f.sentToFailed} attempts sent to a server that was down` +
      (f.detected > 0 ? `, detected after ${fmt(f.detectionDelayMs)} ms on average` : '') +
      (f.returned > 0 ? `, traffic back ${fmt(f.trafficReturnDelayMs)} ms after repair (mean over ${f.returned} repair${f.returned === 1 ? '' : 's'} that got traffic)` : '') + '\n'
    : '';
  if ('services' in s) {
    const w = (s as TopologySummary).workflows;
    return `${head}${note}${counts}\n${latency}\n${topologyTables(s as TopologySummary)}${client}${failures}${w ? workflowText(w) : ''}`;
  }
  return `${head}${note}${counts}\n${latency}\n${servers}${more}load spread: max/mean ${fmt(s.imbalance.maxOverMean)}, cv ${fmt(s.imbalance.cv)}\n${client}${failures}`;
}

/** The table of `compare`: `rows` per balancer, runs of `lo` to `hi` arrivals. */
function compareTable(name: string, rows: readonly ComparisonRow[], { lo, hi }: { lo: number; hi: number }, seeds: number, closed: boolean): string {
  const cell = (i: Interval, f: (x: number) => string = fmt) => (i.n > 1 ? `${f(i.mean)} ± ${f(i.halfWidth)}` : f(i.mean));
  // Latency of succeeded requests: over the seeds that had any (marked * when not all did).
  const partial = (r: ComparisonRow) => r.mean.n > 0 && r.mean.n < r.seeds;
  const count = lo === hi ? lo.toLocaleString('en') : `${lo.toLocaleString('en')}–${hi.toLocaleString('en')}`;
  const head = `${printable(name)}: ${count} requests per run, ${seeds} seed${seeds > 1 ? 's' : ''}${seeds > 1 ? ' (mean ± 95% CI)' : ''}, ` +
    (closed ? 'closed loop: arrivals follow responses, so they differ by balancer\n\n' : 'same workload for every balancer\n\n');
  const body = table([
    ['balancer', 'mean ms', 'p50 ms', 'p99 ms', 'p99.9 ms', 'ok', 'lost', 'max/mean load'],
    ...rows.map((r: ComparisonRow) => {
      const latency = (i: Interval) => (i.n === 0 ? '-' : cell(i) + (partial(r) ? '*' : ''));
      return [r.balancer, latency(r.mean), latency(r.p50), latency(r.p99), latency(r.p999), cell(r.successRate, percent), cell(r.lossRate, percent), cell(r.maxOverMean)];
    }),
  ]);
  const partly = rows.filter(partial);
  const notes =
    (rows.some((r) => r.successRate.mean < 0.999) ? 'ok: succeeded / arrived; lost: dropped or rejected / arrived\n' : '') +
    (partly.length > 0
      ? `*: latency over the seeds where some request succeeded (${partly.map((r) => `${r.balancer} ${r.mean.n} of ${r.seeds}`).join(', ')}); '-': none did\n`
      : rows.some((r) => r.mean.n === 0) ? "-: no request succeeded, so there is no latency\n" : '');
  return head + body + notes;
}

function list(args: readonly string[], io: Io): number {
  const { values, positionals } = options(args, { json: 'boolean' });
  if (positionals.length) throw new UsageError(`list takes no arguments, got ${positionals.join(' ')}`);
  const balancers = listBalancers().map((b) => ({
    name: b.name, aliases: b.aliases ?? [], options: b.options, defaults: b.defaults ?? {}, description: b.description,
  }));
  const optionText = (b: (typeof balancers)[number]) =>
    b.options.map((o) => (o in b.defaults ? `${o}=${b.defaults[o]}` : o)).join(', ');
  const presets = Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.description }));
  if (values.json) {
    io.out(JSON.stringify({ balancers, distributions: DISTRIBUTIONS, arrivals: [...ARRIVAL_PROCESSES, 'closed'], presets }, null, 2) + '\n');
    return 0;
  }
  io.out('Balancers:\n');
  io.out(table(balancers.map((b) => [`  ${b.name}${b.aliases.length ? ` (${b.aliases.join(', ')})` : ''}`, b.description, b.options.length ? `options: ${optionText(b)}` : '']), true));
  io.out(`\nDistributions: ${DISTRIBUTIONS.join(', ')}\nArrival processes: ${[...ARRIVAL_PROCESSES, 'closed'].join(', ')}\n\nPresets:\n`);
  io.out(table(presets.map((p) => [`  ${p.name}`, p.description]), true));
  return 0;
}

function validate(args: readonly string[], io: Io): number {
  const { positionals } = options(args, {});
  const file = onePositional(positionals, 'scenario file or preset name');
  const scenario = scenarioArg(file);
  if (scenario.topology) {
    const t = scenario.topology, servers = t.services.reduce((n, svc) => n + svc.servers.reduce((m, g) => m + g.count, 0), 0);
    io.out(`ok: ${printable(scenario.name)}, ${t.services.length} services, ${servers} servers, entry ${printable(t.entry)}\n`);
    io.out(`${topologyLoadLine(topologyLoad(scenario))}\n`);
    reportLoad(scenario, io.err, false); // its warnings
    return 0;
  }
  const servers = scenario.servers.reduce((n, g) => n + g.count, 0);
  io.out(`ok: ${scenario.name}, ${servers} server${servers === 1 ? '' : 's'}, balancer ${scenario.balancer.name}\n`);
  io.out(`${offeredLoadLine(reportLoad(scenario, io.err, false))}\n`);
  return 0;
}

function presetCommand(args: readonly string[], io: Io): number {
  const { positionals } = options(args, {});
  const name = onePositional(positionals, 'preset name');
  const scenario = preset(name);
  if (!scenario) throw new ScenarioError('preset', name, `one of ${presetNames().join(', ')}`);
  io.out(JSON.stringify(scenario, null, 2) + '\n');
  return 0;
}

function schemaCommand(args: readonly string[], io: Io): number {
  const { values, positionals } = options(args, { experiment: 'boolean' });
  if (positionals.length > 0) throw new UsageError(`schema takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  io.out(JSON.stringify(values.experiment ? experimentSchema() : scenarioSchema(), null, 2) + '\n');
  return 0;
}

function diagram(args: readonly string[], io: Io): number {
  const { positionals, values } = options(args, { requests: 'string', seed: 'string' });
  if (positionals[0] === 'topology') {
    if (positionals.length !== 2) throw new UsageError('lbsim diagram topology <scenario.json|preset>');
    const scenario = scenarioArg(positionals[1]);
    if (!scenario.topology) throw new ScenarioError('services', undefined, 'a scenario of services calling services (with "services")');
    const requests = integerFlag(str(values.requests), '--requests', 1, MAX_REQUESTS);
    const seed = integerFlag(str(values.seed), '--seed', 0, MAX_SEED);
    io.out(topologyMermaid(simulate(scenario as never, { requests, seed }) as TopologySummary));
    return 0;
  }
  if (positionals[0] === 'workflow') {
    if (positionals.length !== 2) throw new UsageError('lbsim diagram workflow <scenario.json|preset>');
    const scenario = scenarioArg(positionals[1]);
    if (!scenario.workflows) throw new ScenarioError('workflows', undefined, 'a scenario with workflows (machines living in its services)');
    const requests = integerFlag(str(values.requests), '--requests', 1, MAX_REQUESTS);
    const seed = integerFlag(str(values.seed), '--seed', 0, MAX_SEED);
    io.out(workflowMermaid(scenario.workflows, (simulate(scenario as never, { requests, seed }) as TopologySummary).workflows!));
    return 0;
  }
  const which = onePositional(positionals, `machine name (${diagramNames.join(', ')}), "topology <scenario>" or "workflow <scenario>"`);
  const machine = DIAGRAM_MACHINES.get(which);
  if (!machine) throw new ScenarioError('diagram', which, `${diagramNames.map((n) => `"${n}"`).join(', ')}, "topology <scenario>" or "workflow <scenario>"`);
  io.out(toMermaid(machine));
  return 0;
}
