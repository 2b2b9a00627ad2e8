/**
 * The servers told changed since the last sync (`add(s)`; -1: any server may have changed), each
 * listed once: what a shared hash table (ring-hash's LiveRing, Maglev's SharedTable) looks at when
 * it syncs, so a change costs O(servers told) instead of O(pool).
 */
export class ChangedServers {
  /** True when -1 was told: every server must be looked at. */
  all: boolean;
  /** How many servers are listed: they are `list[0 .. count)`. */
  count = 0;
  readonly list: Int32Array;
  private readonly listed: Uint8Array;

  constructor(size: number, all = false) {
    this.list = new Int32Array(size);
    this.listed = new Uint8Array(size);
    this.all = all;
  }

  add(s: number): void {
    if (this.all) return;
    if (s < 0) {
      this.all = true;
      return;
    }
    if (this.listed[s] === 1) return;
    this.listed[s] = 1;
    this.list[this.count++] = s;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.listed[this.list[i]] = 0;
    this.count = 0;
    this.all = false;
  }
}
