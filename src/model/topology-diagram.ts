/**
 * A topology as a Mermaid flowchart, annotated with what a run measured: each service with its
 * servers, slots and utilisation; each edge with attempts per entry request, the share of calls
 * that succeeded and their mean latency (and retries, refusals, timeouts, hedges, lost answers and
 * fallbacks when there were any).
 */
import type { TopologySummary } from './topology-summary.js';

const n3 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : '0');
const pct = (x: number) => `${n3(100 * x)}%`;
/** Text inside a quoted Mermaid label: no quotes, no markup. */
const text = (s: string) => s.replace(/["<>`]/g, '');

export function topologyMermaid(s: TopologySummary): string {
  // Node ids by position (names like user-db and user_db must not meet as one id).
  const index = new Map(Object.keys(s.services).map((name, i) => [name, i]));
  const id = (name: string) => `s${index.get(name)}`;
  const lines = ['flowchart LR', '  client(("client"))'];
  for (const [name, svc] of Object.entries(s.services)) {
    lines.push(`  ${id(name)}["${text(name)}<br/>${svc.servers.length} servers · util ${pct(svc.utilization)}<br/>p99 ${n3(svc.latencyMs.p99)} ms"]`);
  }
  for (const [name, e] of Object.entries(s.edges)) {
    const [from, to] = name.split('->');
    const ok = e.calls > 0 ? e.succeeded / e.calls : 0;
    const extra = [
      e.retries > 0 ? `${e.retries} retries` : '',
      e.refused > 0 ? `${e.refused} refused` : '',
      e.timedOut > 0 ? `${e.timedOut} timed out` : '',
      e.hedges > 0 ? `${e.hedges} hedges` : '',
      e.lost > 0 ? `${e.lost} lost` : '',
      e.fallbacks > 0 ? `${e.fallbacks} fallbacks` : '',
    ].filter(Boolean).join(' · ');
    // An edge no call went over (a call made with a small p) has no success share or latency to show.
    const measured = e.calls > 0 ? `ok ${pct(ok)} · ${n3(e.latencyMs.mean)} ms` : 'no calls';
    const label = `${n3(e.amplification)}/req · ${measured}${extra ? `<br/>${extra}` : ''}`;
    lines.push(`  ${from === "client" ? "client" : id(from)} -->|"${label}"| ${id(to)}`);
  }
  return `${lines.join('\n')}\n`;
}
