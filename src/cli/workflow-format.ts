/** The run output's part for workflows: each machine's states, the pairs, double successes, invariants with a counterexample. */
import type { WorkflowsSummary } from '../workflow/summary.js';
import { table, fmt, percent, printable } from './format.js';

export function workflowText(w: WorkflowsSummary): string {
  const out: string[] = [`\nworkflows: ${w.instances.started} ${printable(w.start)} instances, ${w.instances.completed} completed, ${w.instances.live} live at the end\n`];
  for (const [name, m] of Object.entries(w.machines)) {
    out.push(`machine ${printable(name)} (service ${printable(m.service)}, ${m.instances} instances)\n`);
    out.push(table([
      ['state', 'entries', 'mean ms', 'p50 ms', 'p99 ms', 'occupancy', 'ended'],
      ...Object.entries(m.states).map(([s, v]) => [
        printable(s), String(v.entries), fmt(v.timeMs.mean), fmt(v.timeMs.p50), fmt(v.timeMs.p99), fmt(v.occupancy), m.endStates[s] ? percent(m.endStates[s].share) : '',
      ]),
    ]));
    const live = Object.entries(m.endStates).filter(([s]) => s.startsWith('live in '));
    if (live.length > 0) out.push(`  still live: ${live.map(([s, v]) => `${v.count} ${printable(s)}`).join(', ')}\n`);
  }
  // Pairs passed through without time (transient, or left at once) are in the JSON summary only.
  // With several invoked machines, a line per machine, each naming it (`pairs` is with the first, that of `duplicates`).
  const lists: [string, WorkflowsSummary['pairs']][] = [['', w.pairs], ...Object.entries(w.pairsWith ?? {})];
  for (const [machine, list] of lists) {
    const pairs = Object.entries(list).filter(([, v]) => v.share >= 0.00005).sort((a, b) => b[1].share - a[1].share);
    const named = w.pairsWith ? ` with ${printable(machine || (w.duplicates?.machine ?? ''))}` : '';
    if (pairs.length > 0) out.push(`pairs${named} (share of instance-time): ${pairs.map(([p, v]) => `${printable(p)} ${percent(v.share)}`).join(', ')}\n`);
  }
  if (w.duplicates) out.push(`${printable(w.duplicates.machine)} succeeded more than once: ${w.duplicates.families} instances (${w.duplicates.extra} extra)\n`);
  for (const [machine, d] of Object.entries(w.duplicatesWith ?? {})) out.push(`${printable(machine)} succeeded more than once: ${d.families} instances (${d.extra} extra)\n`);
  for (const v of w.invariants) {
    out.push(`${printable(v.invariant)}: ${v.violations === 0 ? 'held' : `violated ${v.violations} times (${v.resolved} resolved after mean ${fmt(v.meanMs)} ms, max ${fmt(v.maxMs)} ms; ${v.unresolved} unresolved)`}\n`);
    if (v.example) {
      out.push(`  first: instance ${v.example.instance} at ${fmt(v.example.atMs)} ms, after\n`);
      for (const line of v.example.timeline) out.push(`    ${printable(line)}\n`);
    }
  }
  return out.join('');
}
