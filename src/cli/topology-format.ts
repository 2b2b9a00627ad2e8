/** The run table's part for a topology: one row per service, one per edge. */
import type { TopologySummary } from '../model/topology-summary.js';
import { table, fmt, percent, printable } from './format.js';

export function topologyTables(s: TopologySummary): string {
  const services = table([
    ['service', 'servers', 'attempts', 'ok', 'failed', 'dropped', 'rejected', 'cancelled', 'abandoned', 'utilization', 'wasted s', 'mean ms', 'p99 ms'],
    ...Object.entries(s.services).map(([name, v]) => [
      printable(name), String(v.servers.length), String(v.attempts), String(v.succeeded), String(v.failed), String(v.dropped),
      String(v.rejected), String(v.cancelled), String(v.abandoned), percent(v.utilization), fmt(v.wastedWorkMs / 1000), fmt(v.latencyMs.mean), fmt(v.latencyMs.p99),
    ]),
  ]);
  const edges = table([
    ['edge', 'calls', 'attempts', 'retries', 'refused', 'ok', 'failed', 'timedOut', 'dropped', 'rejected', 'cancelled', 'per request', 'mean ms'],
    ...Object.entries(s.edges).map(([name, e]) => [
      printable(name), String(e.calls), String(e.attempts), String(e.retries), String(e.refused), String(e.succeeded), String(e.failed),
      String(e.timedOut), String(e.dropped), String(e.rejected), String(e.cancelled), fmt(e.amplification), fmt(e.latencyMs.mean),
    ]),
  ]);
  const breakers = Object.entries(s.edges).filter(([, e]) => e.breaker).map(([name, e]) => {
    const t = e.breaker!.stateTimeMs;
    const moves = Object.entries(e.breaker!.transitions).map(([k, n]) => `${k} ${n}`).join(', ');
    return `breaker ${printable(name)}: closed ${fmt(t.closed / 1000)} s, open ${fmt(t.open / 1000)} s, half-open ${fmt(t['half-open'] / 1000)} s${moves ? `; ${moves}` : ''}\n`;
  }).join('') + Object.entries(s.edges).filter(([, e]) => e.bulkhead).map(([name, e]) => {
    const t = e.bulkhead!.stateTimeMs;
    const moves = Object.entries(e.bulkhead!.transitions).map(([k, n]) => `${k} ${n}`).join(', ');
    return `bulkhead ${printable(name)}: open ${fmt(t.open / 1000)} s, full ${fmt(t.full / 1000)} s${moves ? `; ${moves}` : ''}\n`;
  }).join('');
  // Hedges, lost answers and fallbacks, on the edges that had any; degraded answers end to end.
  const edgeNotes = Object.entries(s.edges).filter(([, e]) => e.hedges + e.lost + e.fallbacks > 0).map(([name, e]) =>
    `edge ${printable(name)}: ${[e.hedges > 0 ? `${e.hedges} hedges` : '', e.lost > 0 ? `${e.lost} answers lost` : '', e.fallbacks > 0 ? `${e.fallbacks} fallbacks` : ''].filter(Boolean).join(', ')}\n`,
  ).join('');
  const degraded = s.degraded > 0 ? `degraded: ${s.degraded} requests succeeded with a fallback below\n` : '';
  // Concurrency limits and failures, on the services that have them.
  const serviceNotes = Object.entries(s.services).map(([name, v]) => {
    const parts: string[] = [];
    if (v.limit) {
      parts.push(`${v.limit.kind} limit mean ${fmt(v.limit.meanLimit)} (${fmt(v.limit.lowest)} to ${fmt(v.limit.highest)}), ${v.limit.refused} refused, ` +
        `at the limit ${fmt(v.limit.stateTimeMs['at-limit'] / 1000)} s per server` + (v.limit.increases + v.limit.decreases > 0 ? ` (AIMD +${v.limit.increases} −${v.limit.decreases})` : ''));
    }
    const f = v.failures;
    if (f && f.observed + f.sentToFailed > 0) {
      parts.push(`${f.observed} failures, ${f.aborted} attempts ended by them, ${f.sentToFailed} sent to a server down` +
        (f.detected > 0 ? `, detected after ${fmt(f.detectionDelayMs)} ms on average` : ''));
    }
    return parts.length > 0 ? `service ${printable(name)}: ${parts.join('; ')}\n` : '';
  }).join('');
  // One line per entry (scenarios with `entries`): its own requests, end to end.
  const entries = Object.entries(s.entries ?? {}).map(([name, x]) => {
    const failed = x.failed + x.timedOut + x.dropped + x.rejected;
    return `entry ${printable(name)}: ${x.arrived} requests, ${x.succeeded} ok (${percent(x.arrived > 0 ? x.succeeded / x.arrived : 0)}), ${failed} failed, mean ${fmt(x.latencyMs.mean)} ms, p99 ${fmt(x.latencyMs.p99)} ms\n`;
  }).join('');
  return `${entries}${services}\n${edges}${breakers}${edgeNotes}${serviceNotes}${degraded}`;
}
