/**
 * What `run`, `compare` and `validate` say about a scenario's offered load before it runs: one
 * line (ρ, how it was obtained, per group when capacity-blind or weighted spreads load groups
 * unequally) and the warnings of `runWarnings`, both on stderr so JSON and CSV stay clean.
 */
import { offeredLoad, type OfferedLoad } from '../scenario/offered-load.js';
import { runWarnings, rhoText } from '../scenario/run-warnings.js';
import { topologyLoad } from '../scenario/topology-load.js';

/** "offered load (work only) at λ 800/s: web ρ = 0.40, api 0.20, ..." */
export function topologyLoadLine(t: ReturnType<typeof topologyLoad>): string {
  const list = t.services.slice(0, 12).map((s) => `${label(s.name)} ${rhoText(s.rho)}`).join(', ');
  const more = t.services.length > 12 ? `, … (${t.services.length - 12} more)` : '';
  return `offered load per service (work only; slots held while waiting not counted) at λ ${t.closed ? '≤ ' : ''}${t.arrivalRatePerSec}/s${t.closed ? ' (closed loop: an upper bound)' : ''}: ${list}${more}`;
}
import type { Scenario } from '../scenario/scenario.js';
import { fmt } from './format.js';

const num = (x: number) => (Number.isFinite(x) ? fmt(x) : Number.isNaN(x) ? '-' : '∞');
/** Groups named on the line, at most; the rest are counted. */
const MAX_GROUPS_SHOWN = 12;
/** A group name from the scenario file, on one line and at most 40 characters. */
const label = (name: string) => {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
};
const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * `offered load ρ = 0.71 (λ 800/s × E[S] 8.846 ms ÷ capacity 10); spread evenly per server: fast
 * 0.35, standard 0.71, slow 1.42`. Groups are listed only where a spread differs from ρ.
 */
export function offeredLoadLine(load: OfferedLoad): string {
  const closed = load.kind === 'closed';
  const how = load.rate.endsWith(' rate') ? '' : `; λ: ${load.rate}`;
  let line = `offered load ρ ${closed ? '≤' : '='} ${rhoText(load.rho)} (λ ${closed ? '≤ ' : ''}${num(load.arrivalRatePerSec)}/s × ` +
    `E[S] ${num(load.meanServiceMs)} ms ÷ capacity ${num(load.capacity)}${how})`;
  if (!closed && load.peakRho > load.rho && !same(load.peakRho, load.rho)) line += `, peak ρ ${rhoText(load.peakRho)}`;
  const shown = load.groups.slice(0, MAX_GROUPS_SHOWN);
  const more = load.groups.length > shown.length ? `, … (${load.groups.length - shown.length} more groups)` : '';
  const groups = (pick: (g: OfferedLoad['groups'][number]) => number) => shown.map((g) => `${label(g.name)} ${rhoText(pick(g))}`).join(', ') + more;
  const even = load.groups.some((g) => !same(g.evenRho, load.rho));
  const weighted = load.groups.some((g) => !same(g.weightedRho, g.evenRho) && !Number.isNaN(g.weightedRho));
  if (even) line += `; spread evenly per server: ${groups((g) => g.evenRho)}`;
  if (weighted) line += `; by weight: ${groups((g) => g.weightedRho)}`;
  return line;
}

/** Writes the offered-load line (when `line`) and every warning to `err`, each prefixed `lbsim: `; a topology's: each service at ρ ≥ 1 (open arrivals). */
export function reportLoad(scenario: Scenario, err: (text: string) => void, line: boolean): OfferedLoad {
  if (scenario.topology) {
    // Per service; of the single-pool warnings only overload applies, per service.
    const t = topologyLoad(scenario);
    const load = offeredLoad({ ...scenario, topology: undefined });
    if (line) err(`lbsim: ${topologyLoadLine(t)}\n`);
    for (const s of t.closed ? [] : t.services.filter((x) => x.rho >= 1)) {
      err(`lbsim: warning: offered load at ${label(s.name)} ρ = ${rhoText(s.rho)} >= 1 (work only): requests arrive there faster than its servers can serve them, ` +
        'so its queues grow for as long as the run lasts, unless queue limits drop the excess\n');
    }
    return load;
  }
  const load = offeredLoad(scenario);
  if (line) err(`lbsim: ${offeredLoadLine(load)}\n`);
  for (const w of runWarnings(scenario, load)) err(`lbsim: warning: ${w.message}\n`);
  return load;
}
