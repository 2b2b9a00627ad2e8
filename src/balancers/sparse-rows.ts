/**
 * SparseRows: `width` numbers per server for only the servers a balancer instance has learnt
 * about, for the instances of a large fleet (`ctx.shared`). 10,000 instances over 10,000 servers
 * that each kept a row per server (a latency EWMA and its time stamp: 16 bytes) would hold 1.6 GB;
 * an instance that has seen k servers keeps k rows here, found through an open-addressing table
 * (linear probing, at most half full) from server id to row. Rows are never removed; a new row
 * is all zeros. An instance starts with no storage at all (tables are made at the first `add`).
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
  /** 32 − log2(slots.length): a server's first slot is the top bits of its hash. */
  private shift = 32;

  constructor(readonly width: number) {
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
    for (let i = Math.imul(s, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const r = slots[i] - 1;
      if (r < 0) return -1;
      if (this.servers[r] === s) return r * this.width;
    }
  }

  /** Offset in `data` of a new row (zeros) for server `s`, which must have none. */
  add(s: number): number {
    if (2 * (this.count + 1) > this.slots.length) this.grow();
    const r = this.count++;
    this.servers[r] = s;
    this.place(s, r);
    return r * this.width;
  }

  private place(s: number, r: number): void {
    const slots = this.slots, mask = slots.length - 1;
    let i = Math.imul(s, 0x9e3779b1) >>> this.shift;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = r + 1;
  }

  /** Twice the slots (at least 8) and room for as many rows as half of them. */
  private grow(): void {
    const size = Math.max(8, 2 * this.slots.length);
    this.shift = 32 - Math.log2(size);
    this.slots = new Int32Array(size);
    const servers = new Int32Array(size / 2), data = new Float64Array((size / 2) * this.width);
    servers.set(this.servers.subarray(0, this.count));
    data.set(this.data.subarray(0, this.count * this.width));
    this.servers = servers;
    this.data = data;
    for (let r = 0; r < this.count; r++) this.place(servers[r], r);
  }
}
