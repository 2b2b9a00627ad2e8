/**
 * SparseRows: `width` numbers per server for only the servers a balancer instance has learnt
 * about, for the instances of a large fleet (`ctx.shared`). 10,000 instances over 10,000 servers
 * that each kept a row per server (a latency EWMA and its time stamp: 16 bytes) would hold 1.6 GB;
 * an instance that has seen k servers keeps k rows here, found through an open-addressing table
 * (linear probing, at most half full) from server id to row. Rows are never removed; a new row
 * is all zeros. An instance starts with no storage at all (tables are made at the first `add`).
 * Once the table would be as long as the servers' ids span (`size`, rounded up to a power of 2),
 * a server's slot is its id (multiplier 1, shift 0: no probing) and there is room for a row per
 * server: an instance that learnt most servers (a long run) then keeps about 1.6× a dense row per
 * server, not 3×, and finds rows without probing.
 */
export class SparseRows {
  /** The rows, `width` numbers each: row r is data[r·width …]. */
  data: Float64Array;
  /** How many rows are in use. */
  count = 0;
  /** Slot → row + 1 (0: empty). */
  private slots: Int32Array;
  /** Row → server id. */
  private servers: Int32Array;
  /** 32 − log2(slots.length): a server's first slot is the top bits of its hash (0 once slots are ids). */
  private shift = 32;
  /** The hash's multiplier (1 once slots are ids). */
  private mul = 0x9e3779b1;

  /** `size`: server ids are below it. */
  constructor(readonly width: number, private readonly size = Infinity) {
    this.data = new Float64Array(0);
    this.slots = new Int32Array(0);
    this.servers = new Int32Array(0);
  }

  /** The server of row `r` (0 … count − 1, in the order they were added). */
  server(r: number): number {
    return this.servers[r];
  }

  /** Offset in `data` of server `s`'s row, or -1 when it has none. */
  find(s: number): number {
    const slots = this.slots;
    if (this.count === 0) return -1;
    const mask = slots.length - 1;
    for (let i = Math.imul(s, this.mul) >>> this.shift; ; i = (i + 1) & mask) {
      const r = slots[i] - 1;
      if (r < 0) return -1;
      if (this.servers[r] === s) return r * this.width;
    }
  }

  /** Offset in `data` of a new row (zeros) for server `s`, which must have none. */
  add(s: number): number {
    if (2 * (this.count + 1) > this.slots.length && this.shift !== 0) this.grow();
    const r = this.count++;
    this.servers[r] = s;
    this.place(s, r);
    return r * this.width;
  }

  private place(s: number, r: number): void {
    const slots = this.slots, mask = slots.length - 1;
    let i = Math.imul(s, this.mul) >>> this.shift;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = r + 1;
  }

  /** Twice the slots (at least 8) and room for as many rows as half of them; or a slot and a row per server id. */
  private grow(): void {
    let size = Math.max(8, 2 * this.slots.length), rows = size / 2;
    if (size >= this.size) {
      size = 2 ** Math.ceil(Math.log2(this.size));
      rows = this.size;
      this.mul = 1;
      this.shift = 0;
    } else this.shift = 32 - Math.log2(size);
    this.slots = new Int32Array(size);
    const servers = new Int32Array(rows), data = new Float64Array(rows * this.width);
    servers.set(this.servers.subarray(0, this.count));
    data.set(this.data.subarray(0, this.count * this.width));
    this.servers = servers;
    this.data = data;
    for (let r = 0; r < this.count; r++) this.place(servers[r], r);
  }
}
