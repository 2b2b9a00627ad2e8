import { doubled } from './doubled.js';

/**
 * Earliest-deadline-first scheduler over server ids, as Envoy's `edf_scheduler.h`: an entry of
 * weight w added at virtual time t gets deadline t + 1/w; picking pops the earliest deadline,
 * moves the virtual time to it, and re-adds the entry with its (possibly new) weight.
 * Ties: FIFO — equal deadlines pop in the order they were added (Envoy's `order_offset_`).
 * A binary heap in parallel typed arrays (deadline, insertion order, server); no allocation.
 */
export class EdfScheduler {
  size = 0;
  /** Virtual time: the deadline of the last pick. */
  time = 0;
  private order = 0;
  private deadline: Float64Array;
  private seq: Float64Array;
  private item: Int32Array;

  /** Room for `capacity` entries; `insert` grows it when full. */
  constructor(capacity: number) {
    this.deadline = new Float64Array(Math.max(capacity, 1));
    this.seq = new Float64Array(Math.max(capacity, 1));
    this.item = new Int32Array(Math.max(capacity, 1));
  }

  clear(): void {
    this.size = 0;
    this.time = 0;
    this.order = 0;
  }

  /** Adds `server` with `weight` > 0 at the current virtual time. */
  add(server: number, weight: number): void {
    this.insert(server, this.time + 1 / weight, this.order++);
  }

  /** Adds `server` with deadline `d` and insertion order `q` given (a schedule kept in parts: least-request-weighted's sparse one). */
  insert(server: number, d: number, q: number): void {
    if (this.size === this.item.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(d, q, this.deadline[p], this.seq[p])) break;
      this.move(p, i);
      i = p;
    }
    this.set(i, server, d, q);
  }

  /** The server with the earliest deadline, or -1 when empty. */
  peek(): number {
    return this.size > 0 ? this.item[0] : -1;
  }

  /** The earliest entry's deadline and insertion order (when not empty). */
  get firstDeadline(): number {
    return this.deadline[0];
  }

  get firstOrder(): number {
    return this.seq[0];
  }

  /** Pops the earliest entry, advances the virtual time to its deadline, re-adds it with `weight`. */
  advance(weight: number): void {
    const server = this.item[0];
    this.time = this.deadline[0];
    this.sift(server, this.time + 1 / weight, this.order++, this.size);
  }

  /** Removes the earliest entry (without moving the virtual time). */
  pop(): void {
    const last = --this.size;
    this.sift(this.item[last], this.deadline[last], this.seq[last], last);
  }

  /** Puts entry (server, d, q) at the top's place and moves it down among the first `n` entries. */
  private sift(server: number, d: number, q: number, n: number): void {
    const deadline = this.deadline, seq = this.seq;
    let i = 0;
    for (let c = 1; c < n; c = 2 * i + 1) {
      if (c + 1 < n && less(deadline[c + 1], seq[c + 1], deadline[c], seq[c])) c++;
      if (!less(deadline[c], seq[c], d, q)) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, server, d, q);
  }

  private grow(): void {
    this.deadline = doubled(this.deadline);
    this.seq = doubled(this.seq);
    this.item = doubled(this.item);
  }

  private move(from: number, to: number): void {
    this.deadline[to] = this.deadline[from];
    this.seq[to] = this.seq[from];
    this.item[to] = this.item[from];
  }

  private set(i: number, server: number, d: number, q: number): void {
    this.deadline[i] = d;
    this.seq[i] = q;
    this.item[i] = server;
  }
}

/** Deadline order, then insertion order. */
export function less(d1: number, q1: number, d2: number, q2: number): boolean {
  return d1 < d2 || (d1 === d2 && q1 < q2);
}

/**
 * The same schedule for a pool whose membership changes restart it (edf-round-robin): one entry
 * per server in a tournament tree over server ids, each node holding the earliest (deadline,
 * order) below it. A restart puts every member back at deadline 1/w: done lazily (the root takes
 * its subtree's restart minimum and the mark goes down a path only when a pick or a change walks
 * it), so that a server joining, leaving or changing weight costs O(log n) where EdfScheduler
 * is refilled in O(n log n). Orders: a restarted entry's is its server id, a re-queued one's
 * n + the picks since the restart, so equal deadlines pop in the order EdfScheduler's FIFO gives
 * (restart adds in id order, then re-queues in pick order): the same picks.
 */
export class RestartingEdf {
  /** Virtual time: the deadline of the last pick. */
  time = 0;
  private picks = 0;
  private readonly leaves: number;
  private readonly depth: number;
  /** Per node: the earliest entry below it now (deadline, order, server; server -1 if none). */
  private readonly deadline: Float64Array;
  private readonly order: Float64Array;
  private readonly server: Int32Array;
  /** Per node: the earliest entry below it right after a restart. */
  private readonly firstDeadline: Float64Array;
  private readonly firstOrder: Float64Array;
  private readonly firstServer: Int32Array;
  /** Per node: its children are due to go back to their restart entries. */
  private readonly restart: Uint8Array;

  constructor(private readonly n: number) {
    let leaves = 1, depth = 0;
    while (leaves < n) {
      leaves *= 2;
      depth++;
    }
    this.leaves = leaves;
    this.depth = depth;
    this.deadline = new Float64Array(2 * leaves).fill(Infinity);
    this.order = new Float64Array(2 * leaves).fill(Infinity);
    this.server = new Int32Array(2 * leaves).fill(-1);
    this.firstDeadline = new Float64Array(2 * leaves).fill(Infinity);
    this.firstOrder = new Float64Array(2 * leaves).fill(Infinity);
    this.firstServer = new Int32Array(2 * leaves).fill(-1);
    this.restart = new Uint8Array(2 * leaves);
  }

  /** Every server eligible with weight > 0 is a member; all start at 1/w. O(n). */
  load(eligible: Uint8Array, weights: Float64Array): void {
    for (let s = 0; s < this.n; s++) this.place(this.leaves + s, s, eligible[s] === 1 && weights[s] > 0 ? weights[s] : 0);
    for (let i = this.leaves - 1; i >= 1; i--) {
      this.pullFirst(i);
      this.deadline[i] = this.firstDeadline[i];
      this.order[i] = this.firstOrder[i];
      this.server[i] = this.firstServer[i];
    }
    this.restart.fill(0);
    this.time = 0;
    this.picks = 0;
  }

  /** Server s's membership or weight changed (member when eligible with weight > 0): restart. O(log n). */
  update(s: number, eligible: Uint8Array, weights: Float64Array): void {
    const leaf = this.leaves + s;
    this.descend(leaf);
    this.place(leaf, s, eligible[s] === 1 && weights[s] > 0 ? weights[s] : 0);
    for (let i = leaf >> 1; i >= 1; i >>= 1) {
      this.pullFirst(i);
      this.pull(i);
    }
    // the restart itself: the root back to its restart minimum, its children marked
    this.deadline[1] = this.firstDeadline[1];
    this.order[1] = this.firstOrder[1];
    this.server[1] = this.firstServer[1];
    this.restart[1] = 1;
    this.time = 0;
    this.picks = 0;
  }

  /** The server with the earliest deadline, or -1 when none. */
  peek(): number {
    return this.server[1];
  }

  /** Pops the earliest entry, moves the virtual time to its deadline, re-queues it with `weight`. */
  advance(weight: number): void {
    const s = this.server[1], leaf = this.leaves + s;
    this.time = this.deadline[1];
    this.descend(leaf);
    this.deadline[leaf] = this.time + 1 / weight;
    this.order[leaf] = this.n + this.picks++;
    for (let i = leaf >> 1; i >= 1; i >>= 1) this.pull(i);
  }

  /** Leaf `leaf` as server s with weight w (0: not a member), at its restart entry. */
  private place(leaf: number, s: number, w: number): void {
    const d = w > 0 ? 1 / w : Infinity, q = w > 0 ? s : Infinity, x = w > 0 ? s : -1;
    this.firstDeadline[leaf] = this.deadline[leaf] = d;
    this.firstOrder[leaf] = this.order[leaf] = q;
    this.firstServer[leaf] = this.server[leaf] = x;
  }

  /** Hands pending restarts down the path from the root to `leaf`. */
  private descend(leaf: number): void {
    for (let k = this.depth; k > 0; k--) {
      const i = leaf >> k;
      if (this.restart[i] === 0) continue;
      this.restart[i] = 0;
      for (let c = 2 * i; c <= 2 * i + 1; c++) {
        this.deadline[c] = this.firstDeadline[c];
        this.order[c] = this.firstOrder[c];
        this.server[c] = this.firstServer[c];
        this.restart[c] = 1;
      }
    }
  }

  private pull(i: number): void {
    const a = 2 * i, b = a + 1, d = this.deadline, q = this.order;
    const c = less(d[b], q[b], d[a], q[a]) ? b : a;
    d[i] = d[c];
    q[i] = q[c];
    this.server[i] = this.server[c];
  }

  private pullFirst(i: number): void {
    const a = 2 * i, b = a + 1, d = this.firstDeadline, q = this.firstOrder;
    const c = less(d[b], q[b], d[a], q[a]) ? b : a;
    d[i] = d[c];
    q[i] = q[c];
    this.firstServer[i] = this.firstServer[c];
  }
}
