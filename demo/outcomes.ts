/**
 * Which ends a request can come to in a scenario, so the key and the charts list only those:
 * a request is dropped only where a queue is bounded (or sheds load), fails only where servers
 * fail, times out only with a client timeout or deadline, is rejected only when the balancer can
 * run out of servers, and is cancelled only when hedged. A story's kills count as outages. Anything that happens anyway (a reader
 * kills a server by hand) is added when it first happens (`seen`).
 */
import type { Scenario } from '../src/scenario/pool-scenario.js';
import { compileStory, parseStory } from '../src/scenario/story.js';
import type { OutcomeCounter } from './palette.js';

export type Ending = OutcomeCounter | 'cancelled';

export function possibleEndings(written: Scenario): Set<Ending> {
  const servers = written.servers.reduce((n, g) => n + g.count, 0);
  const scenario = written.story ? compileStory(written, parseStory(written.story, servers)) : written;
  const endings = new Set<Ending>(['succeeded']);
  if (scenario.servers.some((g) => g.queueLimit !== undefined || g.discipline === 'adaptive-lifo')) endings.add('dropped');
  const f = scenario.failures;
  const random = f !== undefined && (f.timeBetween !== undefined || (f.zones?.length ?? 0) > 0);
  if (random || (f?.outages.length ?? 0) > 0) endings.add('failed');
  // With no eligible server left (all failed, or ejected by health checks) the balancer rejects:
  // random failures can take every server down; scheduled outages only if they name them all.
  const named = new Set(f?.outages.flatMap((o) => o.servers) ?? []);
  if (random || named.size === servers || scenario.health?.outlier !== undefined) endings.add('rejected');
  const c = scenario.client;
  if (c?.timeoutMs !== undefined || c?.deadlineMs !== undefined) endings.add('timedOut');
  // Cancelled: a hedge that lost the race, or work withdrawn from a server when its client gave up.
  if (c?.hedge !== undefined || (c?.cancel && (c.timeoutMs !== undefined || c.deadlineMs !== undefined))) endings.add('cancelled');
  return endings;
}
