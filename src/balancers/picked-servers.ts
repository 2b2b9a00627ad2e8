import { doubled } from './doubled.js';

/**
 * The servers an instance of a large fleet (`ctx.shared`) picked, for a policy whose rebuild needs
 * the few it has requests at: with its own counts (not `ctx.reported`) its count is 0 at every
 * server it did not pick, so a rebuild reads these counts instead of the pool's (10⁸ reads per
 * health change for 10,000 instances over 10,000 servers). A list with repeats until `compact`
 * keeps, in id order and once each, those whose count `open` is still above 0; it grows only when
 * more than half of it is still open after a compaction.
 */
export class PickedServers {
  list = new Int32Array(16);
  count = 0;

  constructor(private readonly open: Int32Array) {}

  add(s: number): void {
    if (this.count === this.list.length) {
      this.compact();
      if (2 * this.count > this.list.length) this.list = doubled(this.list, this.count);
    }
    this.list[this.count++] = s;
  }

  /** The list becomes the servers with open requests, in id order, once each. */
  compact(): void {
    const list = this.list, open = this.open, n = this.count;
    list.subarray(0, n).sort();
    let k = 0;
    for (let i = 0; i < n; i++) {
      const s = list[i];
      if ((k === 0 || list[k - 1] !== s) && open[s] !== 0) list[k++] = s;
    }
    this.count = k;
  }
}
