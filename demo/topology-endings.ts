/**
 * Which ends an attempt can come to in a topology, so the key lists only those (as outcomes.ts
 * does for a single pool). Kept with the topology's own file of the built element.
 */
import type { Scenario } from '../src/scenario/pool-scenario.js';
import type { Ending } from './outcomes.js';

/**
 * Services calling services: an attempt is dropped where a queue is bounded, refused (drawn as
 * rejected) at an edge with a breaker or a bulkhead or by a service's concurrency limit, times out
 * on an edge (or the client's) with a timeout or deadline, is withdrawn (cancelled) over an edge
 * with cancel or hedges; it fails at a `fail` step, and a
 * caller's attempt fails when a call it needed did not succeed, whatever the callee's ending.
 */
export function topologyEndings(scenario: Scenario): Set<Ending> {
  const t = scenario.topology!;
  const endings = new Set<Ending>(['succeeded']);
  if (t.services.some((svc) => svc.servers.some((g) => g.queueLimit !== undefined || g.discipline === 'adaptive-lifo'))) endings.add('dropped');
  const policies = [...Object.values(t.calls), ...(scenario.client ? [scenario.client] : [])];
  const limited = t.services.some((svc) => svc.limit !== undefined);
  if (limited || policies.some((c) => 'breaker' in c || ('maxConcurrent' in c && c.maxConcurrent !== undefined))) endings.add('rejected');
  if (policies.some((c) => c.timeoutMs !== undefined || c.deadlineMs !== undefined)) endings.add('timedOut');
  if (policies.some((c) => c.hedge !== undefined || (c.cancel && (c.timeoutMs !== undefined || c.deadlineMs !== undefined)))) endings.add('cancelled');
  if (endings.size > 1 || t.services.some((svc) => svc.work.some((step) => 'fail' in step))) endings.add('failed');
  return endings;
}
