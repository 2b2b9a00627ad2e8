/**
 * MinIndex: the minimum of a key per server, kept under point updates, for the policies that
 * would otherwise scan every server per pick and whose keys are not whole counts (weighted
 * least-connections, least-time, first; counts use `BucketIndex`, bucket-index.ts, with the
 * same answers in O(1) per change; dynamic WRR's smallest and largest means use `MinMaxIndex`,
 * min-max-index.ts, of the same layout). A tree of fan-out 8 over the servers: the keys themselves are
 * the leaves (a group of 8 is one 64-byte cache line), and each node above holds the smallest key
 * below it and how many leaves hold it, side by side in one Float64Array (a node's 8 children are
 * 128 contiguous bytes). `set` costs O(log₈ n): it climbs while a node changes and updates a
 * parent from its child's old and new (minimum, count) alone, reading the 8 siblings only when
 * the child held the group's last minimum and rose. The minimum and its number of ties cost O(1),
 * the k-th tied server in id order O(8 log₈ n). At
 * 100,000 servers that is 6 levels where the binary tree it replaced had 17, each a likely cache
 * miss: least-time 85 → 65 D1 misses per request for 6% more instructions, dynamic WRR (then on
 * two MinIndexes) 61 → 38 misses and 15% fewer instructions (README, *Performance*).
 * A server that may not be chosen (ineligible, weight 0) has key +Infinity and is never returned.
 *
 * The tie rule every indexed policy shares, and the one its full-scan reference applies: with
 * t > 1 servers at the minimum, ONE draw u picks the ⌊u·t⌋-th of them in id order (none when the
 * minimum is unique).
 */
import type { Rng } from '../random/rng.js';
import { lineAlignedBuffer } from '../model/aligned-buffer.js';

/** Pools smaller than this scan (as fast, and no upkeep per request); the choices are the same. */
export const INDEX_FROM = 32;

/** Children per node (log2: 3). */
export const FAN = 8;

/**
 * The layout MinIndex and MinMaxIndex share: `leaves` keys (a whole number of groups of FAN, at
 * least one), and above them levels of nodes, level[l] the first node of level l (level[0]: the
 * leaves' parents; each level a whole number of groups), `nodes` in all; one line-aligned buffer
 * holds the keys, then two numbers per node (`leaf`, `node`).
 */
export function fanOutTree(size: number): { level: number[]; leaf: Float64Array; node: Float64Array } {
  const level: number[] = [];
  const leaves = Math.ceil(Math.max(size, 1) / FAN) * FAN;
  let nodes = 0;
  for (let width = leaves / FAN; ; width = Math.ceil(width / FAN)) {
    level.push(nodes);
    nodes += Math.ceil(width / FAN) * FAN;
    if (width === 1) break;
  }
  // One buffer (line-aligned when large), leaves first: a group of FAN keys is one cache line.
  const buffer = lineAlignedBuffer(8 * leaves + 16 * nodes);
  return { level, leaf: new Float64Array(buffer, 0, leaves).fill(Infinity), node: new Float64Array(buffer, 8 * leaves, 2 * nodes) };
}

export class MinIndex {
  readonly size: number;
  /** The servers' keys, +Infinity past `size` (a whole number of groups of FAN). */
  private readonly leaf: Float64Array;
  /**
   * The nodes above the leaves, level by level from the leaves' parents up to the root: node j's
   * minimum at 2j, the number of leaves holding it at 2j + 1.
   */
  private readonly node: Float64Array;
  /** First node of each level above the leaves (level[0]: the leaves' parents); each a whole number of groups. */
  private readonly level: number[];
  /** Index of the root's entry in `node`. */
  private readonly root: number;

  constructor(size: number) {
    this.size = size;
    ({ level: this.level, leaf: this.leaf, node: this.node } = fanOutTree(size));
    this.root = 2 * this.level[this.level.length - 1];
    for (let j = 0; j < this.node.length; j += 2) this.node[j] = Infinity;
  }

  /** Sets every key at once (`keys[s]`, +Infinity for servers that may not be chosen): O(n). */
  load(keys: ArrayLike<number>): void {
    const leaf = this.leaf, level = this.level;
    for (let s = 0; s < this.size; s++) leaf[s] = keys[s];
    for (let g = 0, j = 0; g < leaf.length; g += FAN, j++) this.gatherLeaves(g, 2 * j);
    for (let l = 1; l < level.length; l++) {
      // One node per group of FAN below; the level's padding stays +Infinity.
      for (let g = level[l - 1], j = level[l]; g < level[l]; g += FAN, j++) this.gather(2 * g, 2 * j);
    }
  }

  /** Node entry `to` = the smallest of the FAN keys from leaf `from` and how many hold it. */
  private gatherLeaves(from: number, to: number): void {
    const leaf = this.leaf;
    let m = leaf[from], c = 1;
    for (let s = from + 1; s < from + FAN; s++) {
      const a = leaf[s];
      if (a < m) {
        m = a;
        c = 1;
      } else if (a === m) {
        c++;
      }
    }
    this.node[to] = m;
    this.node[to + 1] = m === Infinity ? 0 : c;
  }

  /** Node entry `to` = the smallest of the FAN nodes from entry `from` and how many leaves hold it. */
  private gather(from: number, to: number): void {
    const node = this.node;
    let m = node[from], c = node[from + 1];
    for (let e = from + 2; e < from + 2 * FAN; e += 2) {
      const a = node[e];
      if (a < m) {
        m = a;
        c = node[e + 1];
      } else if (a === m) {
        c += node[e + 1];
      }
    }
    node[to] = m;
    node[to + 1] = c;
  }

  /** Sets server `s`'s key. */
  set(s: number, k: number): void {
    const leaf = this.leaf, node = this.node, level = this.level;
    let om = leaf[s];
    if (om === k) return;
    leaf[s] = k;
    let oc = om === Infinity ? 0 : 1, nm = k, nc = k === Infinity ? 0 : 1;
    for (let l = 0, i = s >> 3; l < level.length; l++, i >>= 3) {
      // The parent from its child's old (om, oc) and new (nm, nc) alone; its FAN children only
      // when the child held the group's last minimum and rose.
      const e = 2 * (level[l] + i), pm = node[e], pc = node[e + 1];
      if (nm < pm) {
        node[e] = nm;
        node[e + 1] = nc;
      } else if (om > pm) {
        if (nm > pm) return; // neither before nor now among the minima
        node[e + 1] = pc + nc;
      } else if (nm === pm) {
        if (nc === oc) return;
        node[e + 1] = pc - oc + nc;
      } else if (pc > oc) {
        node[e + 1] = pc - oc;
      } else {
        if (l === 0) this.gatherLeaves(i << 3, e);
        else this.gather(2 * (level[l - 1] + (i << 3)), e);
        if (node[e] === pm && node[e + 1] === pc) return;
      }
      om = pm;
      oc = pc;
      nm = node[e];
      nc = node[e + 1];
    }
  }

  /** The smallest key (+Infinity when no server may be chosen). */
  minimum(): number {
    return this.node[this.root];
  }

  /** How many servers hold the smallest key (0 when none may be chosen). */
  ties(): number {
    return this.node[this.root + 1];
  }

  /** The k-th (0-based, id order) server holding the smallest key; k < ties(). */
  nthMinimum(k: number): number {
    const node = this.node, level = this.level, best = node[this.root], leaf = this.leaf;
    let i = 0;
    for (let l = level.length - 1; l > 0; l--) {
      let e = 2 * (level[l - 1] + (i << 3));
      for (;; e += 2) {
        if (node[e] !== best) continue;
        const c = node[e + 1];
        if (k < c) break;
        k -= c;
      }
      i = e / 2 - level[l - 1];
    }
    for (let s = i << 3; ; s++) if (leaf[s] === best && k-- === 0) return s;
  }

  /** A server with the smallest key, ties by one draw from `rng` (see the header), or -1. */
  pick(rng: Rng): number {
    const t = this.node[this.root + 1];
    if (t <= 1) return t === 0 ? -1 : this.nthMinimum(0);
    return this.nthMinimum(Math.floor(rng.next() * t));
  }
}

/**
 * The frame every indexed policy shares: a MinIndex of `keyOf(s)` over the pool (`keyOf` gives
 * +Infinity for a server that may not be chosen), loaded whole by `rebuild` and kept in step one
 * server at a time by `changed(s)` (s < 0: every server may have changed).
 */
export class KeyedMinIndex {
  readonly index: MinIndex;
  private readonly keys: Float64Array;

  constructor(readonly size: number, private readonly keyOf: (s: number) => number) {
    this.index = new MinIndex(size);
    this.keys = new Float64Array(size);
    this.rebuild();
  }

  rebuild(): void {
    const keys = this.keys, keyOf = this.keyOf;
    for (let s = 0; s < this.size; s++) keys[s] = keyOf(s);
    this.index.load(keys);
  }

  changed(s: number): void {
    if (s < 0) this.rebuild();
    else this.index.set(s, this.keyOf(s));
  }
}
