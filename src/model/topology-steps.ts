/** A service's handler steps: as configured (targets by service name), and compiled (targets as edge indices). */
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';

/** A handler step, as configured (targets by service name). */
export type StepConfig =
  | { work: DistributionSpec }
  /** The attempt fails here with probability `fail` (an error answer: a bug, a declined payment). */
  | { fail: number }
  /** `fallback`: a call that fails (its edge's policy gave up) is answered by a fallback, and the attempt goes on degraded. */
  | { call: string; p?: number; hold?: boolean; fallback?: boolean }
  | { parallel: string[]; need: 'all' | 'any' | number; p?: number; hold?: boolean; fallback?: boolean };

/** Step kinds. */
export const WORK = 0, CALL = 1, PARALLEL = 2, FAIL = 3;

/** A step compiled: its kind, duration, the edges it calls, how many must succeed, slot held or not, fallback or not. */
export interface Step {
  kind: number;
  dist: Distribution | null;
  edges: number[];
  need: number;
  hold: boolean;
  p: number;
  fallback: boolean;
}

/** Compiles `step`; `edgeOf` gives the index of the edge to a service named in it. */
export function compileStep(step: StepConfig, edgeOf: (to: string) => number): Step {
  if ('work' in step) return { kind: WORK, dist: createDistribution(step.work), edges: [], need: 0, hold: true, p: 1, fallback: false };
  if ('fail' in step) return { kind: FAIL, dist: null, edges: [], need: 0, hold: true, p: step.fail, fallback: false };
  if ('call' in step) return { kind: CALL, dist: null, edges: [edgeOf(step.call)], need: 1, hold: step.hold ?? true, p: step.p ?? 1, fallback: step.fallback ?? false };
  const edges = step.parallel.map(edgeOf);
  const need = step.need === 'all' ? edges.length : step.need === 'any' ? 1 : step.need;
  return { kind: PARALLEL, dist: null, edges, need, hold: step.hold ?? true, p: step.p ?? 1, fallback: step.fallback ?? false };
}
