/**
 * weighted-round-robin: NGINX's smooth weighted round robin. Every pick, each eligible server's
 * `current += weight`; the server with the largest `current` is picked and its `current -= total`
 * (total = sum of eligible weights). Weights 5, 1, 1 give a a b a c a a: no bursts.
 * Source: NGINX `ngx_http_upstream_round_robin.c` (`ngx_http_upstream_get_peer`).
 * Ties: the lowest server id (NGINX keeps the first maximum found).
 *
 * The definition touches every server on every pick (O(n)); from INDEX_FROM servers the same
 * choices come in O(classes), where a class is the set of eligible servers of one weight. After k
 * picks since the last rebuild, server s of weight w has current = k·w − total·(picks s got).
 * Inside a class every current grows alike, so its largest belongs to the member with the fewest
 * picks, ties to the lowest id: the members take turns in id order, and a class is a turn counter
 * — its next member is the (p mod m)-th of its m members after p picks, with current
 * k·w − total·⌊p / m⌋. A pick compares the class's next members (ties: lowest id) and advances
 * the winner's counter. One class of every eligible server (equal weights) needs no list: its
 * i-th member is the i-th eligible server (the context's eligible index, or i itself when all
 * are), so an instance keeps no per-server array at all — what lets a fleet of 10,000 instances
 * over 10,000 servers run it. Exact when the arithmetic is: while the positive eligible weights are
 * integers up to 2²¹ in at most 64 classes and k·total stays below 2⁵²; otherwise (fractional
 * weights, e.g. during slow start, or very long runs) the policy carries on as the scan from the
 * same currents. Like every policy it is told of eligibility and weight changes by `rebuild`,
 * which restarts the rotation (all currents 0), as before: for one server, O(1) with equal weights
 * (the class's size is the eligible index's count) and a copy within the members' array
 * otherwise; for any, an O(n) pass. The rotation also restarts by itself after `total` picks, when
 * every current is 0 again (each member got exactly its weight in picks), so the counters never grow.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { INDEX_FROM } from './min-index.js';
import { policy } from './options.js';

/** Largest weight and most classes the turn counters take; beyond, the scan (see the header). */
const MAX_WEIGHT = 2 ** 21, MAX_CLASSES = 64;

export const createWeightedRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  return ctx.size >= INDEX_FROM ? indexedWeightedRoundRobin(ctx) : scanWeightedRoundRobin(ctx);
};

/** One pick of the definition over `current` (the scan's state). */
function scanPick(ctx: BalancerContext, current: Float64Array): number {
  const n = ctx.size, eligible = ctx.eligible, w = ctx.weights;
  let best = -1, total = 0;
  for (let s = 0; s < n; s++) {
    if (eligible[s] !== 1 || w[s] <= 0) continue;
    current[s] += w[s];
    total += w[s];
    if (best < 0 || current[s] > current[best]) best = s;
  }
  if (best >= 0) current[best] -= total;
  return best;
}

/** The definition, scanning every server on every pick. */
export function scanWeightedRoundRobin(ctx: BalancerContext): Balancer {
  const current = new Float64Array(ctx.size);
  return {
    pick: () => scanPick(ctx, current),
    rebuild() {
      current.fill(0);
    },
  };
}

/**
 * The same choices from per-weight turn counters (see the header). `pickLimit`: picks after a
 * rebuild from which it carries on as the scan (default: where k·total would near 2⁵²; tests
 * lower it to hand over mid-run).
 */
export function indexedWeightedRoundRobin(ctx: BalancerContext, pickLimit = Infinity): Balancer {
  const n = ctx.size;
  /** The scan's state, made when first needed (fractional weights, many classes, a very long run). */
  let current: Float64Array | null = null;
  /** Members of every class in id order, class g at [start[g], start[g] + len[g]); null: one class of every eligible server. */
  let members: Int32Array | null = null;
  /** Each server's class while listed (-1: none). */
  let classOf: Int8Array | null = null;
  const classWeight = new Float64Array(MAX_CLASSES), start = new Int32Array(MAX_CLASSES), len = new Int32Array(MAX_CLASSES);
  const turns = new Float64Array(MAX_CLASSES);
  let classes = 0, counting = false, listed = false, k = 0, total = 0, kLimit = 0, heaviest = 0;

  /** The i-th member of class g. */
  const member = (g: number, i: number): number => {
    if (listed) return members![start[g] + i];
    const index = ctx.eligibleIndex;
    return index === undefined || index.count === n ? i : index.nth(i);
  };

  /** The class of weight `ws` (a new one if there is room), or -1. */
  const classFor = (ws: number): number => {
    for (let c = 0; c < classes; c++) if (classWeight[c] === ws) return c;
    if (classes === MAX_CLASSES) return -1;
    classWeight[classes] = ws;
    len[classes] = 0;
    return classes++;
  };

  /** Restarts the rotation (every current 0): the classes of the eligible servers with positive weight. */
  const build = (): void => {
    const w = ctx.weights, eligible = ctx.eligible;
    classes = 0; total = 0; k = 0; counting = true; listed = false;
    let last = -1, eligibleCount = 0;
    for (let s = 0; s < n; s++) {
      if (eligible[s] !== 1) continue;
      eligibleCount++;
      const ws = w[s];
      if (!(ws > 0)) continue; // an eligible server of weight 0 is never picked: the members need a list
      const g = !(Number.isInteger(ws) && ws <= MAX_WEIGHT) ? -1 : last >= 0 && classWeight[last] === ws ? last : classFor(ws);
      if (g < 0) {
        counting = false;
        break;
      }
      len[g]++;
      total += ws;
      last = g;
    }
    if (!counting) {
      if (current === null) current = new Float64Array(n);
      else current.fill(0);
      return;
    }
    restart();
    // One class holding every eligible server: its i-th member is the i-th eligible server.
    if (classes === 1 && len[0] === eligibleCount && (ctx.eligibleIndex !== undefined || eligibleCount === n)) return;
    listed = true;
    members ??= new Int32Array(n);
    classOf ??= new Int8Array(n);
    for (let g = 0, at = 0; g < classes; g++) {
      start[g] = at;
      at += len[g];
      len[g] = 0;
    }
    for (let s = 0; s < n; s++) {
      classOf[s] = -1;
      if (eligible[s] !== 1 || !(w[s] > 0)) continue;
      const g = classFor(w[s]);
      classOf[s] = g;
      members[start[g] + len[g]++] = s;
    }
  };

  /** The rotation restarts with the classes as they are (every current 0). */
  const restart = (): void => {
    k = 0;
    turns.fill(0, 0, classes);
    heaviest = 0;
    for (let g = 0; g < classes; g++) if (len[g] > 0 && classWeight[g] > heaviest) heaviest = classWeight[g];
    // Values stay below k·(largest weight) ≤ total·(largest weight) within a period: exact while that is below 2⁵².
    kLimit = Math.min(pickLimit, total * heaviest < 2 ** 52 ? Infinity : Math.floor(2 ** 52 / total));
  };

  /** Where server `s` is or would go in class g's members (ids ascending). */
  const place = (g: number, s: number): number => {
    let lo = start[g], hi = start[g] + len[g];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (members![mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /**
   * Listed classes, server `s` alone changed: out of its old class and into its new one, the
   * classes after each moved by one place (a copy within one array). False when it needs a whole
   * build (a weight the counters cannot take, no room for a new class).
   */
  const move = (s: number): boolean => {
    const ws = ctx.weights[s], joins = ctx.eligible[s] === 1 && ws > 0;
    if (joins && !(Number.isInteger(ws) && ws <= MAX_WEIGHT)) return false;
    let to = -1;
    if (joins) {
      const before = classes;
      to = classFor(ws);
      if (to < 0) return false;
      if (to === before) start[to] = to > 0 ? start[to - 1] + len[to - 1] : 0; // a new class: its list after the others
    }
    const from = classOf![s], list = members!;
    if (from === to) return true;
    const end = start[classes - 1] + len[classes - 1];
    if (from >= 0) {
      const at = place(from, s);
      list.copyWithin(at, at + 1, end);
      len[from]--;
      for (let g = from + 1; g < classes; g++) start[g]--;
      total -= classWeight[from];
    }
    if (to >= 0) {
      const at = place(to, s);
      list.copyWithin(at + 1, at, from >= 0 ? end - 1 : end);
      list[at] = s;
      len[to]++;
      for (let g = to + 1; g < classes; g++) start[g]++;
      total += ws;
    }
    classOf![s] = to;
    return true;
  };

  /** From the counters to the scan after `k` picks: the currents the scan would hold (exact integers). */
  const toScan = (): void => {
    const cur = (current ??= new Float64Array(n));
    cur.fill(0);
    for (let g = 0; g < classes; g++) {
      const m = len[g];
      if (m === 0) continue;
      const round = Math.floor(turns[g] / m), next = turns[g] - round * m;
      for (let i = 0; i < m; i++) cur[member(g, i)] = k * classWeight[g] - total * (round + (i < next ? 1 : 0));
    }
    counting = false;
  };

  build();
  return {
    pick() {
      if (!counting) return scanPick(ctx, current!);
      if (k === total) {
        // A whole period: every member got exactly its weight in picks and every current is 0 again.
        k = 0;
        turns.fill(0, 0, classes);
      } else if (k >= kLimit) {
        toScan();
        return scanPick(ctx, current!);
      }
      const step = k + 1;
      let best = -1, bestValue = 0, bestClass = -1;
      for (let g = 0; g < classes; g++) {
        const m = len[g];
        if (m === 0) continue; // every member left (one-server rebuilds keep the class)
        const round = Math.floor(turns[g] / m);
        const s = member(g, turns[g] - round * m), v = step * classWeight[g] - total * round;
        if (best < 0 || v > bestValue || (v === bestValue && s < best)) {
          best = s; bestValue = v; bestClass = g;
        }
      }
      if (best < 0) return -1;
      if (ctx.eligible[best] !== 1) {
        // Eligibility changed without rebuild() (the model always calls it): carry on as the scan.
        toScan();
        return scanPick(ctx, current!);
      }
      k = step;
      turns[bestClass]++;
      return best;
    },
    rebuild(server = -1) {
      // One server's eligibility changed while the one class is every eligible server (equal
      // weights): still so when it left, or came back with the class's weight — the rotation
      // restarts over the eligible index's count, O(1). Anything else: the whole O(n) build.
      const index = ctx.eligibleIndex, w = ctx.weights[server];
      if (server >= 0 && counting && !listed && classes === 1 && index !== undefined && (ctx.eligible[server] !== 1 || w === classWeight[0])) {
        len[0] = index.count;
        total = len[0] * classWeight[0];
        restart();
        return;
      }
      // Listed classes: that server moves between classes (a copy within the members' array).
      if (server >= 0 && counting && listed && move(server)) {
        restart();
        return;
      }
      build();
    },
  };
}

export const WEIGHTED_ROUND_ROBIN = policy({
  name: 'weighted-round-robin', aliases: ['wrr'], readsOutstanding: false, poolOnly: true, description: "NGINX's smooth weighted round robin", create: createWeightedRoundRobin,
});
