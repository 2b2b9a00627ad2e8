/** The run table's part for a topology: one row per service, one per edge. */
import type { TopologySummary } from '../model/topology-summary.js';
import { table, fmt, percent, printable } from './format.js';

export function topologyTables(s: TopologySummary): string {
  const services = table([
    ['service', 'servers', 'attempts', 'ok', 'failed', 'dropped', 'rejected', 'timedOut', 'utilization', 'mean ms', 'p99 ms'],
    ...Object.entries(s.services).map(([name, v]) => [
      printable(name), String(v.servers.length), String(v.attempts), String(v.succeeded), String(v.failed), String(v.dropped),
      String(v.rejected), String(v.timedOut), percent(v.utilization), fmt(v.latencyMs.mean), fmt(v.latencyMs.p99),
    ]),
  ]);
  const edges = table([
    ['edge', 'calls', 'attempts', 'retries', 'ok', 'failed', 'timedOut', 'dropped', 'rejected', 'per request', 'mean ms'],
    ...Object.entries(s.edges).map(([name, e]) => [
      printable(name), String(e.calls), String(e.attempts), String(e.retries), String(e.succeeded), String(e.failed),
      String(e.timedOut), String(e.dropped), String(e.rejected), fmt(e.amplification), fmt(e.latencyMs.mean),
    ]),
  ]);
  return `${services}\n${edges}`;
}
