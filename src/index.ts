// The public API of lbsim. Named exports only; each concept lives in its own module.
export { Simulation, SimulationStalledError, type Handler } from './engine/simulation.js';
export { EventQueue } from './engine/event-queue.js';
export { Xoshiro128, createStream, type Rng } from './random/rng.js';
export { createDistribution, DISTRIBUTIONS, type Distribution, type DistributionSpec } from './random/distributions.js';
export { createArrivals, ARRIVAL_PROCESSES, type ArrivalSpec, type ArrivalProcess } from './model/arrivals.js';
export { Model, EventKind, type ModelConfig, type ModelObserver, type FailureConfig, type ClosedLoopSpec, type KeySpec } from './model/model.js';
export { ServerPool, type ServerSpec } from './model/server-pool.js';
export { RequestTable } from './model/request-table.js';
export {
  SERVER_MACHINE, REQUEST_MACHINE, ATTEMPT_MACHINE, ServerState, RequestState, AttemptState, SERVER_STATE_NAMES,
  REQUEST_STATE_NAMES, ATTEMPT_STATE_NAMES, toMermaid, IllegalTransitionError, type StateMachine,
} from './model/states.js';
export { backoffMs, RetryBudget, JITTERS, type ClientConfig, type RetryConfig, type HedgeConfig, type Jitter } from './model/client.js';
export { HealthView, type HealthConfig } from './model/health.js';
export { DISCIPLINES, type DisciplineName } from './model/server-pool.js';
export { summarize, SERVERS_LISTED, TOP_SERVERS, type Summary, type ServerSummary, type ServerStats, type Spread } from './model/summary.js';
export { Histogram } from './metrics/histogram.js';
export { Welford } from './metrics/welford.js';
export {
  registerBalancer, getBalancer, balancerNames, listBalancers,
  type Balancer, type BalancerContext, type BalancerFactory, type BalancerInfo, type OpenServers,
} from './balancers/index.js';
export { parseScenario, toModelConfig, withBalancer, type Scenario, type ServerGroup } from './scenario/scenario.js';
export { parseDistribution } from './scenario/distribution-spec.js';
export type { ScenarioFiles, TraceColumns } from './scenario/scenario-files.js';
export { ScenarioError } from './input/check.js';
export { RunLimitError } from './model/run-limit-error.js';
export { PRESETS, preset, presetNames, type PresetName, type PresetInfo } from './scenario/presets.js';
export { scenarioSchema, type JsonSchema } from './scenario/scenario-schema.js';
export type {
  ScenarioInput, BalancerChoice, BalancerInput, DistributionInput, ArrivalsInput, StopInput, ServerGroupInput, KeysInput,
  FailuresInput, FailureRates, HealthInput, ClientInput, TopologyInput, EntryInput, ServiceInput, StepInput,
} from './scenario/scenario-input.js';
export { TopologyModel, type TopologyConfig, type ServiceConfig, type StepConfig } from './model/topology.js';
export { summarizeTopology, type TopologySummary, type ServiceSummary, type EdgeSummary } from './model/topology-summary.js';
export { offeredLoad, type OfferedLoad, type GroupLoad } from './scenario/offered-load.js';
export { runWarnings, relaxationTimeMs, type RunWarning } from './scenario/run-warnings.js';
export { loadScenarioFile, readScenarioJson, readTraceCsv } from './scenario/load.js';
export { simulate, createModel, createTopologyModel, isTopology, prepareScenario, type SimulateOptions } from './experiment/simulate.js';
export { compare, comparisonRows, aggregateRows, AGGREGATE_COLUMNS, type CompareOptions, type ComparisonRow, type AggregateRow } from './experiment/compare.js';
export { confidenceInterval, type Interval } from './experiment/confidence.js';
export { sweep, replicate, type SweepRow, type SweepOptions, type ReplicateOptions, type Shard, type Cell } from './experiment/sweep.js';
export { parseExperiment, experimentArms, DEFAULT_METRICS, type Experiment, type ExperimentInput, type RangeInput, type Arm } from './experiment/experiment.js';
export { aggregateSweep, sweepColumns, type ArmRow } from './experiment/sweep-summary.js';
export { loadExperimentFile } from './experiment/load-experiment.js';
export { RUN_METRICS, type RunMetric } from './experiment/run-metrics.js';
export { runSimulations, type PoolOptions, type SimulationTask } from './experiment/run-pool.js';
export { runWithTimeSeries, MAX_WINDOWS, type TimeSeries, type TimeSeriesPoint } from './experiment/timeseries.js';
export { latencyCdf, type CdfPoint } from './metrics/latency-cdf.js';
export { sweepChart, runChart, type ChartSpec } from './experiment/chart-specs.js';
export { renderSvg } from './experiment/render-svg.js';
export { experimentSchema } from './experiment/experiment-schema.js';
