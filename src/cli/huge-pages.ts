/**
 * Large pools on 2 MB pages. A pool of 100,000 servers spreads each event over a dozen distinct
 * pages of server rows, request rows and per-server arrays: with 4 KB pages nearly each is a TLB
 * miss. Linux backs memory with transparent huge pages where the program asks for them (the
 * usual `madvise` setting), and glibc (2.35 on) asks for every block malloc maps from the system
 * when started with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`. A tunable is read when a process
 * starts, so the lbsim command, given a scenario with at least `HUGE_PAGES_FROM` servers, runs
 * itself again with it (once: the child sees it set) and exits as the child does. Results do not
 * depend on it (same events, same draws); only time does (README, "Huge pages").
 *
 * It is not done when the user set `glibc.malloc.hugetlb` (either way), off Linux or glibc (e.g.
 * musl), on glibc older than 2.35, or when the scenario came from standard input (read by this
 * process, it would not reach the child). The library follows the tunable where a host set it
 * (aligned-buffer.ts).
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import type { Scenario } from '../scenario/pool-scenario.js';
import { hugetlbTunable } from '../model/aligned-buffer.js';

/** Scenarios with this many servers or more (all services together) run on huge pages. */
export const HUGE_PAGES_FROM = 10_000;
const TUNABLE = 'glibc.malloc.hugetlb';

/** Servers in the scenario: the pool's, or every service's together. */
export function serversIn(scenario: Scenario): number {
  const groups = scenario.topology ? scenario.topology.services.flatMap((s) => s.servers) : scenario.servers;
  return groups.reduce((sum, g) => sum + g.count, 0);
}

/** What the decision reads of the process (a parameter, so that tests can vary it). */
export interface HostFacts {
  platform: string;
  /** GLIBC_TUNABLES as set, or undefined. */
  tunables: string | undefined;
  /** The C library's version when it is glibc ("2.36"), else undefined. */
  glibc: string | undefined;
}

/**
 * True when a scenario of `servers` servers should run again with huge pages on this host.
 * `facts`: the host's, or a function giving them, called only for a large pool (hostFacts reads a
 * diagnostic report, ~30 ms).
 */
export function wantsHugePages(servers: number, facts: HostFacts | (() => HostFacts), fromStdin: boolean): boolean {
  if (servers < HUGE_PAGES_FROM || fromStdin) return false;
  const host = typeof facts === 'function' ? facts() : facts;
  if (host.platform !== 'linux' || hugetlbTunable(host.tunables) !== undefined) return false;
  const m = /^(\d+)\.(\d+)/.exec(host.glibc ?? '');
  return m !== null && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 35));
}

/** This process's facts (the C library's version from a diagnostic report: ~30 ms, so asked only for large pools on Linux). */
export function hostFacts(): HostFacts {
  const report = process.platform === 'linux' ? process.report?.getReport() : undefined;
  const header = (report as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return { platform: process.platform, tunables: process.env.GLIBC_TUNABLES, glibc: header?.glibcVersionRuntime };
}

/**
 * Runs this command again in a child process with huge pages (same node, flags, arguments,
 * standard streams and environment plus the tunable) and returns its exit code; null when the
 * child could not be started (the caller goes on itself).
 */
export function relaunchWithHugePages(tunables: string | undefined): number | null {
  const env = { ...process.env, GLIBC_TUNABLES: tunables ? `${tunables}:${TUNABLE}=1` : `${TUNABLE}=1` };
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (child.error) return null;
  if (child.status !== null) return child.status;
  return 128 + ((child.signal && constants.signals[child.signal]) || 1); // killed by a signal: as a shell reports it
}
