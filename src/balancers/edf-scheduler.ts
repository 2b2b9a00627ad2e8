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
  private readonly deadline: Float64Array;
  private readonly seq: Float64Array;
  private readonly item: Int32Array;

  constructor(capacity: number) {
    this.deadline = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.item = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
    this.time = 0;
    this.order = 0;
  }

  /** Adds `server` with `weight` > 0 at the current virtual time. */
  add(server: number, weight: number): void {
    const d = this.time + 1 / weight, q = this.order++;
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

  /** Pops the earliest entry, advances the virtual time to its deadline, re-adds it with `weight`. */
  advance(weight: number): void {
    const server = this.item[0], deadline = this.deadline, seq = this.seq, n = this.size;
    this.time = deadline[0];
    const d = this.time + 1 / weight, q = this.order++;
    let i = 0;
    for (let c = 1; c < n; c = 2 * i + 1) {
      if (c + 1 < n && less(deadline[c + 1], seq[c + 1], deadline[c], seq[c])) c++;
      if (!less(deadline[c], seq[c], d, q)) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, server, d, q);
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
function less(d1: number, q1: number, d2: number, q2: number): boolean {
  return d1 < d2 || (d1 === d2 && q1 < q2);
}
