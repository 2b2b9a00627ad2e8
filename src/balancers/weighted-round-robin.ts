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
 * the winner's counter; from TREE_FROM classes a kinetic tournament over the classes (kinetic-max.ts)
 * finds the winner instead, recomputing a few nodes besides the winner's path per pick (3–7 at
 * 100–100,000 classes, measured): a class's current is a line in k,
 * knocked down by `total` after each round of its members, and its next member is its tie.
 * One class of every eligible server (equal weights) needs no list: its
 * i-th member is the i-th eligible server (the context's eligible index, or i itself when all
 * are), so an instance keeps no per-server array at all — what lets a fleet of 10,000 instances
 * over 10,000 servers run it. Exact when the arithmetic is: while the positive eligible weights are
 * integers up to 2²¹ (any number of classes) and k·heaviest + total stays below 2⁵²; otherwise (fractional
 * weights, e.g. during slow start, or very long runs) the policy carries on as the scan from the
 * same currents. Like every policy it is told of eligibility and weight changes by `rebuild`,
 * which restarts the rotation (all currents 0), as before: for one server's eligibility, O(1)
 * with equal weights (the class's size is the eligible index's count) and otherwise a copy
 * within its class's members (each class keeps room for its ineligible servers), O(1) for the
 * tournament's restart; for a new whole weight, a copy across the classes between; for any
 * server, an O(n) pass. The rotation also restarts by itself after `total` picks, when
 * every current is 0 again (each member got exactly its weight in picks), so the counters never grow.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { INDEX_FROM } from './min-index.js';
import { KineticMax } from './kinetic-max.js';
import { lowerBound } from './eligible.js';
import { policy } from './options.js';

/** Largest weight the turn counters take; beyond, the scan (see the header). */
const MAX_WEIGHT = 2 ** 21;
/** Classes from which a pick asks a kinetic tournament over the classes instead of comparing each. */
export const TREE_FROM = 24;

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
 * rebuild from which it carries on as the scan (default: where k·heaviest + total would near 2⁵²; tests
 * lower it to hand over mid-run).
 */
export function indexedWeightedRoundRobin(ctx: BalancerContext, pickLimit = Infinity): Balancer & { readonly scanning: boolean } {
  const n = ctx.size;
  /** The scan's state, made when first needed (fractional weights, many classes, a very long run). */
  let current: Float64Array | null = null;
  /** Members of every class in id order, class g at [start[g], start[g] + len[g]); null: one class of every eligible server. */
  let members: Int32Array | null = null;
  /** Each server's class while listed (-1: none), and the class of its weight at the last build, eligible or not (-1: none). */
  let classOf: Int32Array | null = null, homeOf: Int32Array | null = null;
  /**
   * Per class: weight, members' place, count and room (its servers, eligible or not: a server
   * leaving or coming back moves only its class's members), picks since the rotation restarted
   * (grown as classes come).
   */
  let classWeight = new Float64Array(8), start = new Int32Array(8), len = new Int32Array(8), room = new Int32Array(8), turns = new Float64Array(8);
  const classByWeight = new Map<number, number>();
  /**
   * From TREE_FROM classes: class g's current after k picks is k·w − total·(rounds done), a line
   * in k knocked down by `total` at the end of each round of its members, its tie its next member;
   * until it moves after a restart (`tree.moved`) its turns are 0 and its tie its first member.
   */
  let tree: KineticMax | null = null;
  /** The tournament's structure, kept across builds; `tree` is it while in use. */
  let grove: KineticMax | null = null;
  let classes = 0, counting = false, listed = false, k = 0, total = 0, kLimit = 0, heaviest = 0;

  /** The i-th member of class g. */
  const member = (g: number, i: number): number => {
    if (listed) return members![start[g] + i];
    const index = ctx.eligibleIndex;
    return index === undefined || index.count === n ? i : index.nth(i);
  };

  /** The class of weight `ws` (a new one, after the others, if none has it). */
  const classFor = (ws: number): number => {
    const c = classByWeight.get(ws);
    if (c !== undefined) return c;
    if (classes === classWeight.length) {
      const grown = 2 * classes;
      classWeight = grownTo(classWeight, grown);
      start = grownTo(start, grown);
      len = grownTo(len, grown);
      room = grownTo(room, grown);
      turns = grownTo(turns, grown);
    }
    classWeight[classes] = ws;
    len[classes] = 0;
    room[classes] = 0;
    classByWeight.set(ws, classes);
    return classes++;
  };

  /**
   * Restarts the rotation (every current 0): the classes of the servers with positive weight,
   * eligible or not (an ineligible one has room in its class), the eligible ones its members.
   */
  const build = (): void => {
    const w = ctx.weights, eligible = ctx.eligible;
    classes = 0; total = 0; k = 0; counting = true; listed = false;
    classByWeight.clear();
    let last = -1, eligibleCount = 0;
    for (let s = 0; s < n; s++) {
      const on = eligible[s] === 1, ws = w[s];
      if (on) eligibleCount++;
      if (!(ws > 0)) continue; // weight 0 is never picked (an eligible one: the members need a list)
      if (!(Number.isInteger(ws) && ws <= MAX_WEIGHT)) {
        if (!on) continue; // no room for it: a whole weight later takes room (relocate)
        counting = false;
        break;
      }
      const g = last >= 0 && classWeight[last] === ws ? last : classFor(ws);
      room[g]++;
      if (on) {
        len[g]++;
        total += ws;
      }
      last = g;
    }
    if (!counting) {
      if (current === null) current = new Float64Array(n);
      else current.fill(0);
      return;
    }
    tree = null;
    restart();
    // One class holding every eligible server: its i-th member is the i-th eligible server.
    if (classes === 1 && len[0] === eligibleCount && (ctx.eligibleIndex !== undefined || eligibleCount === n)) return;
    listed = true;
    members ??= new Int32Array(n);
    classOf ??= new Int32Array(n);
    homeOf ??= new Int32Array(n);
    for (let g = 0, at = 0; g < classes; g++) {
      start[g] = at;
      at += room[g];
      len[g] = 0;
    }
    for (let s = 0; s < n; s++) {
      classOf[s] = -1;
      const g = w[s] > 0 ? (classByWeight.get(w[s]) ?? -1) : -1;
      homeOf[s] = g;
      if (g < 0 || eligible[s] !== 1) continue;
      classOf[s] = g;
      members[start[g] + len[g]++] = s;
    }
    plant();
    if (tree !== null) restart();
  };

  /** Every class's turns back to 0 (with the tournament: O(1), read through `turnsOf`). */
  const restartTurns = (): void => {
    if (tree !== null) tree.restart();
    else turns.fill(0, 0, classes);
  };

  /** Class g's picks since the rotation restarted. */
  const turnsOf = (g: number): number => (tree !== null && !tree.moved(g) ? 0 : turns[g]);

  /** The rotation restarts with the classes as they are (every current 0). */
  const restart = (): void => {
    k = 0;
    restartTurns();
    heaviest = 0;
    if (tree !== null) {
      const g = tree.steepest();
      if (g >= 0) heaviest = classWeight[g];
    } else {
      for (let g = 0; g < classes; g++) if (len[g] > 0 && classWeight[g] > heaviest) heaviest = classWeight[g];
    }
    // After k picks every current lies in [−total, k·heaviest] (the winner had the largest of
    // currents summing to total > 0 before it lost total), so every value the counters, the
    // tournament and the scan's hand-over compute is an integer of magnitude at most
    // k·heaviest + total: exact while that is below 2⁵². k never passes total (the period).
    kLimit = Math.min(pickLimit, total * heaviest + total < 2 ** 52 ? Infinity : Math.floor((2 ** 52 - total) / heaviest));
  };

  /** The tournament over the classes (listed classes, TREE_FROM or more), else none; `restart` follows. */
  const plant = (): void => {
    if (!listed || classes < TREE_FROM) {
      tree = null;
      return;
    }
    tree = grove ??= new KineticMax();
    tree.build(classes, (g) => classWeight[g], firstMember, (g) => len[g] > 0);
  };

  /** Class g's first member (-1: none). */
  const firstMember = (g: number): number => (len[g] > 0 ? members![start[g]] : -1);

  /** Class g's first member or presence changed: the tournament's fresh tree follows. */
  const firstChanged = (g: number): void => {
    if (tree === null || g >= tree.size) return; // (a class made since: plant() follows)
    tree.changed(g, classWeight[g], firstMember(g), len[g] > 0);
  };

  /** Where server `s` is or would go in class g's members (ids ascending). */
  const place = (g: number, s: number): number => lowerBound(members!, start[g], start[g] + len[g], s);

  /**
   * One slot of room from class h (its last slot free: the server leaving it is not among its
   * members; h = -1: the free slots after every class) to class t, the classes between moving by
   * one slot (a copy within the members' array).
   */
  const relocate = (h: number, t: number): void => {
    const list = members!;
    if (h < 0) {
      if (t + 1 < classes) list.copyWithin(start[t + 1] + 1, start[t + 1], start[classes - 1] + room[classes - 1]);
      for (let g = t + 1; g < classes; g++) start[g]++;
    } else if (h < t) {
      list.copyWithin(start[h + 1] - 1, start[h + 1], start[t] + len[t]);
      for (let g = h + 1; g <= t; g++) start[g]--;
      room[h]--;
    } else {
      list.copyWithin(start[t + 1] + 1, start[t + 1], start[h] + room[h] - 1);
      for (let g = t + 1; g <= h; g++) start[g]++;
      room[h]--;
    }
    room[t]++;
  };

  /**
   * Listed classes, server `s` alone changed: out of its class's members or back in, within the
   * class's room (a copy within the class); a new whole weight takes its room to that weight's
   * class (a copy across the classes between). 0 when it needs a whole build (a weight the
   * counters cannot take), 2 when it made a class (the tournament is planted anew), else 1.
   */
  const move = (s: number): number => {
    const ws = ctx.weights[s], joins = ctx.eligible[s] === 1 && ws > 0, whole = ws > 0 && Number.isInteger(ws) && ws <= MAX_WEIGHT;
    if (joins && !whole) return 0;
    const from = classOf![s], list = members!, stays = from >= 0 && joins && classWeight[from] === ws;
    let home = homeOf![s], made = 1;
    if (from >= 0 && !stays) {
      const at = place(from, s);
      list.copyWithin(at, at + 1, start[from] + len[from]);
      len[from]--;
      total -= classWeight[from];
      classOf![s] = -1;
      firstChanged(from);
    }
    if (whole && (home < 0 || classWeight[home] !== ws)) {
      const before = classes, to = classFor(ws);
      if (to === before) {
        start[to] = to > 0 ? start[to - 1] + room[to - 1] : 0; // a new class: no room yet, after the others
        made = 2;
      }
      relocate(home, to);
      homeOf![s] = home = to;
    }
    if (joins && !stays) {
      const at = place(home, s);
      list.copyWithin(at + 1, at, start[home] + len[home]);
      list[at] = s;
      len[home]++;
      total += ws;
      classOf![s] = home;
      if (made === 1) firstChanged(home);
    }
    return made;
  };

  /** From the counters to the scan after `k` picks: the currents the scan would hold (exact integers). */
  const toScan = (): void => {
    const cur = (current ??= new Float64Array(n));
    cur.fill(0);
    for (let g = 0; g < classes; g++) {
      const m = len[g];
      if (m === 0) continue;
      const done = turnsOf(g), round = Math.floor(done / m), next = done - round * m;
      for (let i = 0; i < m; i++) cur[member(g, i)] = k * classWeight[g] - total * (round + (i < next ? 1 : 0));
    }
    counting = false;
  };

  /** The pick at time `step` from the tournament: the class ahead, its next member; its line then moves. */
  const treePick = (t: KineticMax, step: number): number => {
    t.advance(step);
    const g = t.winner();
    if (g < 0) return -1;
    const m = len[g], done = turnsOf(g) + 1, round = Math.floor(done / m), best = t.tieOf(g);
    if (ctx.eligible[best] !== 1) {
      // Eligibility changed without rebuild() (the model always calls it): carry on as the scan.
      toScan();
      return scanPick(ctx, current!);
    }
    k = step;
    turns[g] = done;
    t.setLine(g, -total * round, members![start[g] + done - round * m], step);
    return best;
  };

  build();
  return {
    /** Whether it carries on as the scan (for tests: integer weights should not). */
    get scanning() {
      return !counting;
    },
    pick() {
      if (!counting) return scanPick(ctx, current!);
      if (k === total) {
        // A whole period: every member got exactly its weight in picks and every current is 0 again.
        k = 0;
        restartTurns();
      } else if (k >= kLimit) {
        toScan();
        return scanPick(ctx, current!);
      }
      const step = k + 1;
      if (tree !== null) return treePick(tree, step);
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
      // Listed classes: that server leaves or rejoins its class's members, or takes its room to
      // its new weight's class; the rotation restarts, O(1) with the tournament.
      const moved = server >= 0 && counting && listed ? move(server) : 0;
      if (moved !== 0) {
        if (moved === 2) plant();
        restart();
        return;
      }
      build();
    },
  };
}

/** `a` copied into a new array of `size` elements. */
function grownTo<T extends Float64Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (size: number) => T)(size);
  b.set(a);
  return b;
}

export const WEIGHTED_ROUND_ROBIN = policy({
  name: 'weighted-round-robin', aliases: ['wrr'], readsOutstanding: false, poolOnly: true, description: "NGINX's smooth weighted round robin", create: createWeightedRoundRobin,
});
