/** Seeds written as text, as `--seeds` and an experiment's `"seeds"` take them: "1..10" or "1,2,5". */
import { ScenarioError } from '../input/check.js';
import { MAX_SEEDS, seedsList } from './compare.js';

/** "1..10" or "1,2,5" → seeds (at most MAX_SEEDS, each once), or a ScenarioError naming `path`. */
export function parseSeedsText(value: string, path: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  let seeds: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a >= MAX_SEEDS) throw new ScenarioError(path, value, `a range a..b with a <= b and at most ${MAX_SEEDS} seeds`);
    seeds = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    seeds = value.split(',', MAX_SEEDS + 1).map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  }
  if (seeds.length > MAX_SEEDS || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 2 ** 32 - 1)) {
    throw new ScenarioError(path, value, `seeds as a range "1..10" or a list "1,2,3" of at most ${MAX_SEEDS} integers in [0, 2^32)`);
  }
  return seedsList(seeds, path);
}
