/**
 * What a run measured of its workflows (`TopologySummary.workflows`): per machine, instances, each
 * state's entries, time in it (mean, p50, p99 per visit) and mean occupancy (instances in it on
 * average over the run), transition counts and end states; for the start machine and the machine
 * it invokes, the share of instance-time in each pair of states; double successes of the invoked
 * machine; invariants with their violations and the first counterexample's timeline.
 */
import { r9 } from '../model/summary.js';
import { BUCKETS, type WorkflowWorld } from './world.js';

export interface WorkflowStateSummary {
  entries: number;
  timeMs: { mean: number; p50: number; p99: number };
  /** Instances in the state on average over the run. */
  occupancy: number;
}

export interface WorkflowMachineSummary {
  service: string;
  instances: number;
  states: Record<string, WorkflowStateSummary>;
  /** "From --event--> To" (a targetless transition "From --event--> (stays)"): times taken. */
  transitions: Record<string, number>;
  /** Instances in each state over time: the mean per bucket of `bucketMs` from time 0 (the last one as far as the run went). */
  occupancyOverTime: { bucketMs: number; states: Record<string, number[]> };
  /** Where instances ended (a final state, or where they were when their family ended) and still were at the end of the run ("live"). */
  endStates: Record<string, { count: number; share: number }>;
}

export interface InvariantSummary {
  invariant: string;
  /** Times it was violated; of them resolved (the states left, or reached late) and unresolved (the instance or the run ended inconsistent). */
  violations: number;
  resolved: number;
  unresolved: number;
  /** How long resolved violations lasted, ms. */
  meanMs: number;
  maxMs: number;
  /** The first violation: its instance (numbered from 1 in order of arrival), when, and the transitions that led there. */
  example?: { instance: number; atMs: number; timeline: string[] };
}

export interface WorkflowsSummary {
  start: string;
  instances: { started: number; completed: number; live: number };
  machines: Record<string, WorkflowMachineSummary>;
  /** "OrderState|PaymentState" ("-": no payment yet): share of the start machine's instance-time. */
  pairs: Record<string, { share: number; entries: number }>;
  /** With a start machine that invokes more than one machine: the pairs with each of the others (`pairs` is with the first), by machine. */
  pairsWith?: Record<string, Record<string, { share: number; entries: number }>>;
  /** Families in which the invoked machine reached an ok state more than once (double authorizations), and the extra ones. */
  duplicates: { machine: string; families: number; extra: number } | null;
  /** With a start machine that invokes more than one machine: the same for each of the others (`duplicates` is for the first), by machine. */
  duplicatesWith?: Record<string, { families: number; extra: number }>;
  invariants: InvariantSummary[];
}

export function summarizeWorkflows(world: WorkflowWorld): WorkflowsSummary {
  world.finish();
  const model = world.model, now = model.sim.now;
  // Families created before the warm-up's end count in no figure; occupancy is over the rest of the run.
  const windowMs = now - Math.min(now, model.config.stop.warmupMs);
  const machines: Record<string, WorkflowMachineSummary> = {};
  // Instances still running at the end (not in a final state), by machine and state: an order
  // already final whose family waits for a late answer is completed, not live.
  const liveIn = world.machines.map((inst) => {
    const out = new Map<number, number>();
    for (let row = 0; row < inst.capacity; row++) if (inst.aliveOf(row) === 1 && world.measured(inst.index, row)) out.set(inst.leafOf(row), (out.get(inst.leafOf(row)) ?? 0) + 1);
    return out;
  });
  world.flushTimes();
  world.stats.forEach((st, mi) => {
    const m = st.m, inst = world.machines[mi];
    // Time in the states live instances are in now (not yet counted).
    const openMs = new Float64Array(m.names.length);
    for (let row = 0; row < inst.capacity; row++) {
      if (inst.aliveOf(row) === 0 || inst.leafOf(row) < 0 || !world.measured(mi, row)) continue;
      for (let s = inst.leafOf(row); s > 0; s = m.parent[s]) if (m.final[s] === 0) openMs[s] += now - inst.sinceOf(row, m.depth[s]);
    }
    const states: Record<string, WorkflowStateSummary> = {};
    m.names.forEach((name, s) => {
      if (s === 0) return;
      const h = st.timeHistograms[s], n = h.count;
      states[name] = {
        entries: st.entries[s],
        timeMs: { mean: n > 0 ? r9(histMean(st.stateTimeMs[s], n)) : 0, p50: r9(h.quantile(0.5)), p99: r9(h.quantile(0.99)) },
        occupancy: windowMs > 0 ? r9((st.stateTimeMs[s] + openMs[s]) / windowMs) : 0,
      };
    });
    const transitions: Record<string, number> = {};
    for (let t = 0; t < m.source.length; t++) {
      if (st.transitions[t] > 0) transitions[edgeName(m, t)] = (transitions[edgeName(m, t)] ?? 0) + st.transitions[t];
    }
    const ends: [string, number][] = [];
    m.names.forEach((name, s) => {
      if (st.ended[s] > 0) ends.push([name, st.ended[s]]);
    });
    for (const [s, n] of liveIn[mi]) ends.push([`live in ${m.names[s]}`, n]);
    const total = ends.reduce((a, [, n]) => a + n, 0);
    const endStates: Record<string, { count: number; share: number }> = {};
    for (const [name, n] of ends) endStates[name] = { count: n, share: total > 0 ? r9(n / total) : 0 };
    const used = Math.min(BUCKETS, Math.ceil(now / world.bucketMs));
    const over: Record<string, number[]> = {};
    m.names.forEach((name, s) => {
      if (s === 0) return;
      over[name] = Array.from({ length: used }, (_, b) => r9(world.series[mi][s * BUCKETS + b] / (Math.min(now, (b + 1) * world.bucketMs) - b * world.bucketMs)));
    });
    machines[world.names[mi]] = {
      service: model.services[st.service].name, instances: st.created, states, transitions, endStates,
      occupancyOverTime: { bucketMs: world.bucketMs, states: over },
    };
  });
  const pairs: Record<string, { share: number; entries: number }> = {};
  const root = world.machines[0].m;
  const child = world.paired > 0 ? world.machines[world.paired].m : null;
  const width = child ? child.names.length + 1 : 1;
  const totalPairMs = world.pairTimeMs.reduce((a, b) => a + b, 0);
  for (let p = 0; p < world.pairTimeMs.length; p++) {
    if (world.pairEntries[p] === 0) continue;
    const a = Math.floor(p / width), b = p % width;
    pairs[`${root.names[a]}|${b === 0 ? '-' : child!.names[b - 1]}`] = { share: totalPairMs > 0 ? r9(world.pairTimeMs[p] / totalPairMs) : 0, entries: world.pairEntries[p] };
  }
  const pairsWith: Record<string, Record<string, { share: number; entries: number }>> = {};
  world.morePaired.forEach((ci, k) => {
    const cm = world.machines[ci].m, w = cm.names.length + 1, out: Record<string, { share: number; entries: number }> = {};
    const times = world.morePairTimeMs[k], total = times.reduce((a, b) => a + b, 0);
    for (let p = 0; p < times.length; p++) {
      if (world.morePairEntries[k][p] === 0) continue;
      const a = Math.floor(p / w), b = p % w;
      out[`${root.names[a]}|${b === 0 ? '-' : cm.names[b - 1]}`] = { share: total > 0 ? r9(times[p] / total) : 0, entries: world.morePairEntries[k][p] };
    }
    pairsWith[world.names[ci]] = out;
  });
  return {
    start: world.names[0],
    instances: { started: world.started, completed: world.completed, live: [...liveIn[0].values()].reduce((a, n) => a + n, 0) },
    machines,
    pairs,
    ...(world.morePaired.length > 0 ? { pairsWith } : {}),
    duplicates: world.paired > 0 ? { machine: world.names[world.paired], families: world.duplicateFamilies[world.paired], extra: world.extraOk[world.paired] } : null,
    ...(world.morePaired.length > 0 ? { duplicatesWith: Object.fromEntries(world.morePaired.map((ci) => [world.names[ci], { families: world.duplicateFamilies[ci], extra: world.extraOk[ci] }])) } : {}),
    invariants: world.invariants.map((v) => {
      const out: InvariantSummary = {
        invariant: v.text, violations: v.count, resolved: v.resolved, unresolved: v.unresolved,
        meanMs: v.resolved > 0 ? r9(v.totalMs / v.resolved) : 0, maxMs: r9(v.maxMs),
      };
      if (v.example) out.example = { instance: v.example.instance, atMs: r9(v.example.atMs), timeline: v.example.timeline };
      return out;
    }),
  };
}

const histMean = (totalMs: number, n: number) => totalMs / n;

/** A transition as text: "From --event--> To". */
export function edgeName(m: import('./machine.js').CompiledMachine, t: number): string {
  return `${m.names[m.source[t]]} --${m.labels[t]}--> ${m.target[t] >= 0 ? m.names[m.target[t]] : '(stays)'}`;
}
