/**
 * maglev: a lookup table of prime size M (`tableSize`, default 65537, Envoy's default) filled
 * from per-server permutations: offset = h₁(s) mod M, skip = h₂(s) mod (M − 1) + 1, the j-th
 * preference (offset + j·skip) mod M. Servers take turns claiming their next free preferred
 * slot until the table is full (Eisenbud et al., pseudocode listing 1); with unequal weights a
 * server takes its turn only when iteration · w / max w ≥ its target, which then grows by 1
 * (Envoy's weighted Maglev), so shares follow weights. Weight 0 ⇒ no entries. A key goes to
 * table[murmur3(key) mod M]. h₁, h₂: murmur3_x86_32 (hash.ts) of the server id, seeds 2 and 3.
 * Ineligible servers: the table is rebuilt over eligible servers only (O(M log M)); Maglev's
 * disruption on a change is near-minimal, not zero. The fill depends on every member's turn, so
 * a change cannot be patched in place: rebuilds are lazy instead, at the next pick, so that any
 * number of changes at one instant (a zone failing, a panic) cost one build.
 * Source: Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016; Envoy MAGLEV (maglev_lb.cc).
 * Ties: slot collisions go to the server whose turn comes first (id order within a round).
 */
import type { BalancerContext, BalancerFactory } from './balancer.js';
import { ScenarioError, join } from '../input/check.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { tableSize: { type: 'number', integer: true, min: 2, max: 5_000_011, default: 65537 } } as const;
import { hashKey, murmur2x32 } from './hash.js';

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export const createMaglev: BalancerFactory = (ctx, options, path) => {
  const M = readOptions(OPTIONS, options, path).tableSize;
  if (!isPrime(M)) throw new ScenarioError(join(path, 'tableSize'), M, 'a prime number (e.g. 65537, 5003, 211)');
  const { table, rebuild } = createMaglevTable(ctx, M);
  let dirty = false;
  return {
    pick(key) {
      if (dirty) {
        rebuild();
        dirty = false;
      }
      const slot = hashKey(key) % M;
      let s = table[slot];
      if (s >= 0 && ctx.eligible[s] !== 1) {
        rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
        s = table[slot];
      }
      return s;
    },
    rebuild() {
      dirty = true;
    },
  };
};

/** The lookup table (server per slot, -1 when no server qualifies), filled now and by `rebuild`. */
export function createMaglevTable(ctx: BalancerContext, M: number): { table: Int32Array; rebuild(): void } {
  const n = ctx.size, table = new Int32Array(M).fill(-1);
  const offset = new Int32Array(n), skip = new Int32Array(n), target = new Float64Array(n);
  /** Each server's next preferred slot: (offset + j·skip) mod M for its j-th turn. */
  const cursor = new Int32Array(n), members = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    offset[s] = murmur2x32(s, 0, 2) % M;
    skip[s] = (murmur2x32(s, 0, 3) % (M - 1)) + 1;
  }

  function rebuild(): void {
    table.fill(-1);
    let m = 0, maxWeight = 0;
    for (let s = 0; s < n; s++) {
      if (ctx.eligible[s] !== 1 || !(ctx.weights[s] > 0)) continue;
      members[m++] = s;
      cursor[s] = offset[s];
      target[s] = 0;
      if (ctx.weights[s] > maxWeight) maxWeight = ctx.weights[s];
    }
    if (m === 0) return;
    let filled = 0;
    for (let iteration = 1; filled < M; iteration++) {
      for (let i = 0; i < m && filled < M; i++) {
        const s = members[i];
        // In units of max w, so equal weights compare exact integers.
        if (iteration * (ctx.weights[s] / maxWeight) < target[s]) continue;
        target[s] += 1;
        let c = cursor[s];
        while (table[c] >= 0) {
          c += skip[s];
          if (c >= M) c -= M;
        }
        table[c] = s;
        c += skip[s];
        cursor[s] = c >= M ? c - M : c;
        filled++;
      }
    }
  }
  rebuild();
  return { table, rebuild };
}

export const MAGLEV = policy({
  name: 'maglev', keyed: true, description: 'Maglev lookup table (prime size, 65537) of the request key', options: OPTIONS, create: createMaglev,
});
