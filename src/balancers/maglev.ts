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
 * number of changes at one instant (a zone failing, a panic) cost one build, and the instances
 * of a fleet share one table (SharedTable), filled once per change for all of them.
 * Source: Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016; Envoy MAGLEV (maglev_lb.cc).
 * Ties: slot collisions go to the server whose turn comes first (id order within a round).
 */
import type { BalancerContext, BalancerFactory } from './balancer.js';
import { ScenarioError, join } from '../input/check.js';
import { policy, readOptions } from './options.js';
import { ChangedServers } from './changed-servers.js';

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
  // A table smaller than the pool leaves servers that no slot names: they would never be picked.
  if (M < ctx.size) throw new ScenarioError(join(path, 'tableSize'), M, `a prime at least the pool's ${ctx.size} servers (Maglev takes M > 100 × servers, e.g. ${ctx.size <= 650 ? 65537 : 5_000_011})`);
  const shared = sharedTable(ctx, M), table = shared.table;
  return {
    pick(key) {
      if (shared.stale) shared.sync(ctx);
      const slot = hashKey(key) % M;
      let s = table[slot];
      if (s >= 0 && ctx.eligible[s] !== 1) {
        shared.changed(-1); // eligibility changed without rebuild(): still never return an ineligible server
        shared.sync(ctx);
        s = table[slot];
      }
      return s;
    },
    rebuild(server = -1) {
      shared.changed(server);
    },
    fleetShared: true, // the table is the fleet's: told once per change, not by each instance
  };
};

/** Tables shared by instances over the same weights and eligibility arrays, by size. */
const tables = new WeakMap<Float64Array, WeakMap<Uint8Array, Map<number, SharedTable>>>();

function sharedTable(ctx: BalancerContext, M: number): SharedTable {
  let byEligible = tables.get(ctx.weights);
  if (!byEligible) tables.set(ctx.weights, (byEligible = new WeakMap()));
  let bySize = byEligible.get(ctx.eligible);
  if (!bySize) byEligible.set(ctx.eligible, (bySize = new Map()));
  let table = bySize.get(M);
  if (!table) bySize.set(M, (table = new SharedTable(ctx, M)));
  return table;
}

/**
 * One Maglev table for every instance of a fleet (they read the same eligibility and weights):
 * changes are told (`changed(s)`: only server s's eligibility or weight; -1: any) and the table
 * is filled again at the next `sync` only if eligibility or weights differ from those it was
 * filled with — once per instant, once for the whole fleet (the fill is a function of them alone).
 */
export class SharedTable {
  readonly table: Int32Array;
  stale = false;
  /** Fills so far (for tests and benchmarks). */
  fills = 1;
  private readonly fill: () => void;
  /** Eligibility and weights the table was filled with. */
  private readonly eligible: Uint8Array;
  private readonly weights: Float64Array;
  private readonly told: ChangedServers;

  constructor(ctx: BalancerContext, M: number) {
    const { table, rebuild } = createMaglevTable(ctx, M);
    this.table = table;
    this.fill = rebuild;
    this.eligible = Uint8Array.from(ctx.eligible);
    this.weights = Float64Array.from(ctx.weights);
    this.told = new ChangedServers(ctx.size);
  }

  /** Server s's eligibility or weight changed (-1: any server's may have); applied at the next sync. */
  changed(s: number): void {
    this.stale = true;
    this.told.add(s);
  }

  /** Fills the table again if what it was filled with changed. */
  sync(ctx: BalancerContext): void {
    const told = this.told, pending = told.list;
    let differs = false;
    if (told.all) {
      for (let s = 0; s < ctx.size && !differs; s++) differs = ctx.eligible[s] !== this.eligible[s] || ctx.weights[s] !== this.weights[s];
    } else {
      for (let i = 0; i < told.count && !differs; i++) {
        const s = pending[i];
        differs = ctx.eligible[s] !== this.eligible[s] || ctx.weights[s] !== this.weights[s];
      }
    }
    told.clear();
    this.stale = false;
    if (!differs) return;
    this.fill();
    this.fills++;
    this.eligible.set(ctx.eligible);
    this.weights.set(ctx.weights);
  }
}

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
  name: 'maglev', keyed: true, readsOutstanding: false, description: 'Maglev lookup table (prime size, 65537) of the request key', options: OPTIONS, create: createMaglev,
});
