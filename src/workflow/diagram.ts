/**
 * The combined state model as a Mermaid stateDiagram-v2: the start machine's states, the machine
 * it invokes drawn inside the invoking state (Payment inside PaymentPending), each transition
 * annotated with how often a run took it and its share of the transitions out of its state.
 */
import { compileMachine, type CompiledMachine } from './machine.js';
import type { WorkflowConfig } from './world.js';
import type { WorkflowsSummary } from './summary.js';
import { edgeName } from './summary.js';

const n3 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : '0');
/** Label text Mermaid takes: no colon or line break, and < > as its entity codes. */
const label = (s: string) => s.replace(/[:;\n\r]/g, ' ').replace(/</g, '#lt;').replace(/>/g, '#gt;');

export function workflowMermaid(config: WorkflowConfig, summary: WorkflowsSummary): string {
  const names = [config.start, ...Object.keys(config.machines).filter((n) => n !== config.start)];
  const machines = names.map((n) => compileMachine(config.machines[n].machine, `workflows.machines.${n}.machine`));
  const root = machines[0];
  // An invoked machine's state sharing its id with a state of the start machine or of another invoked machine is prefixed with its machine's name.
  const idsOf = (mi: number) => new Set(machines[mi].names.slice(1).map((p) => p.replace(/\./g, '_')));
  const taken = machines.map((_, mi) => idsOf(mi));
  const prefixed = (mi: number, s: number): string => {
    const base = machines[mi].names[s].replace(/\./g, '_');
    return mi > 0 && taken.some((ids, other) => other !== mi && ids.has(base)) ? `${names[mi]}_${base}` : base;
  };
  // Mermaid's state ids are global: a nested state's flattened path (A.B as A_B) may still meet another state's key (A_B); the later one gets a suffix.
  const used = new Set<string>();
  const ids = machines.map((m, mi) => m.names.map((_, s) => {
    if (s === 0) return prefixed(mi, s);
    let id = prefixed(mi, s);
    for (let k = 2; used.has(id); k++) id = `${prefixed(mi, s)}_${k}`;
    used.add(id);
    return id;
  }));
  const idOf = (mi: number, s: number): string => ids[mi][s];
  const lines = ['stateDiagram-v2'];
  const aliases: string[] = [];
  const edges = (mi: number, parent: number, indent: string) => {
    const m = machines[mi], counts = summary.machines[names[mi]]?.transitions ?? {};
    const out = new Map<number, number>();
    for (let t = 0; t < m.source.length; t++) out.set(m.source[t], (out.get(m.source[t]) ?? 0) + (counts[edgeName(m, t)] ?? 0));
    for (let t = 0; t < m.source.length; t++) {
      if (m.parent[m.source[t]] !== parent) continue;
      // A transition to the machine itself ("#order") re-enters it: drawn to its initial state (the root is no state of the diagram).
      const from = idOf(mi, m.source[t]), to = m.target[t] > 0 ? idOf(mi, m.target[t]) : m.target[t] === 0 ? idOf(mi, m.initial[0]) : from;
      const n = counts[edgeName(m, t)] ?? 0, total = out.get(m.source[t]) ?? 0;
      const what = m.labels[t] === 'always' ? '' : `${label(m.labels[t])} · `;
      lines.push(`${indent}${from} --> ${to}: ${what}${n}${total > 0 ? ` (${n3((100 * n) / total)}%)` : ''}`);
    }
  };
  /** State `s` of machine `mi` with its children (and, for the invoking state, the invoked machine). */
  const block = (mi: number, s: number, indent: string) => {
    const m = machines[mi];
    const kids = m.names.map((_, k) => k).filter((k) => m.parent[k] === s);
    const id = idOf(mi, s);
    if (id !== m.names[s].replace(/\./g, '_')) aliases.push(`    state "${m.names[s].split('.').pop()}" as ${id}`);
    // A machine invoked from several states is drawn once, inside the first (Mermaid's state ids are global, and its counts are the machine's).
    const invoked = mi === 0 && m.invokeSrc[s] && m.invokeSrc.indexOf(m.invokeSrc[s]) === s ? names.indexOf(m.invokeSrc[s]) : -1;
    if (kids.length === 0 && invoked < 0) return;
    lines.push(`${indent}state ${id} {`);
    const inner = `${indent}    `;
    if (kids.length > 0) {
      lines.push(`${inner}[*] --> ${idOf(mi, m.initial[s])}`);
      for (const k of kids) block(mi, k, inner);
      edges(mi, s, inner);
      for (const k of kids) if (m.final[k]) lines.push(`${inner}${idOf(mi, k)} --> [*]`);
    }
    if (invoked > 0) machineBody(invoked, kids.length > 0 ? `${inner}` : inner, kids.length > 0);
    lines.push(`${indent}}`);
  };
  const machineBody = (mi: number, indent: string, wrap: boolean) => {
    const m: CompiledMachine = machines[mi];
    let at = indent;
    if (wrap) {
      lines.push(`${indent}state ${names[mi]} {`);
      at = `${indent}    `;
    }
    lines.push(`${at}[*] --> ${idOf(mi, m.initial[0])}`);
    const top = m.names.map((_, k) => k).filter((k) => m.parent[k] === 0);
    for (const k of top) block(mi, k, at);
    edges(mi, 0, at);
    for (const k of top) if (m.final[k]) lines.push(`${at}${idOf(mi, k)} --> [*]`);
    if (wrap) lines.push(`${indent}}`);
  };
  machineBody(0, '    ', false);
  return `${[lines[0], ...aliases, ...lines.slice(1)].join('\n')}\n`;
}
