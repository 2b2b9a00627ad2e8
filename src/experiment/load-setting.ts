/**
 * An experiment's `load` axis: the arrival rate that makes the offered load
 * ρ = λ · E[S] / Σ count × concurrency × speed equal a given value (see scenario/offered-load.ts
 * for λ, E[S] and capacity). Poisson and constant arrivals get `ratePerSec` = ρ · capacity / E[S];
 * on-off and ramp arrivals keep their shape, every rate scaled by the same factor.
 */
import { ScenarioError, type Json } from '../input/check.js';
import { offeredLoad } from '../scenario/offered-load.js';
import type { Scenario } from '../scenario/scenario.js';

/** Largest load accepted (ρ = 100: a hundred times the pool's capacity). */
export const MAX_LOAD = 100;

const round9 = (x: number) => Number(x.toPrecision(9));

/**
 * `json` (the scenario as written; `scenario` its parsed form) with its arrival rate set for
 * offered load `load`; a ScenarioError naming `at` when the arrivals have no rate to set.
 */
export function withLoad(json: Json, scenario: Scenario, load: number, at: string): Json {
  if (scenario.topology) {
    throw new ScenarioError(at, load, 'a single pool: the services of a topology each have their own offered load (set arrivals.ratePerSec instead)');
  }
  const arrivals = scenario.arrivals;
  if (arrivals.process === 'trace' || arrivals.process === 'closed') {
    throw new ScenarioError(at, load, `a scenario with open arrivals (poisson, constant, on-off or ramp) to set the rate of; its arrivals are "${arrivals.process}"`);
  }
  const offered = offeredLoad(scenario);
  if (!(Number.isFinite(offered.meanServiceMs) && offered.meanServiceMs > 0)) {
    throw new ScenarioError(at, load, `a scenario whose requests have a finite, positive mean cost (E[S] is ${offered.meanServiceMs} ms)`);
  }
  const out = { ...json };
  switch (arrivals.process) {
    case 'poisson':
    case 'constant':
      out.arrivals = { ...arrivals, ratePerSec: round9(((load * offered.capacity) / offered.meanServiceMs) * 1000) };
      break;
    case 'on-off': {
      const f = load / offered.rho;
      out.arrivals = { ...arrivals, ratePerSec: round9(arrivals.ratePerSec * f), offRatePerSec: round9(arrivals.offRatePerSec * f) };
      break;
    }
    case 'ramp': {
      const f = load / offered.rho;
      out.arrivals = { ...arrivals, fromPerSec: round9(arrivals.fromPerSec * f), toPerSec: round9(arrivals.toPerSec * f) };
      break;
    }
  }
  return out;
}
