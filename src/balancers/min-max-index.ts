/**
 * MinMaxIndex: the smallest and the largest key over the servers, kept under point updates, for
 * dynamic WRR (its quota reads the minimum and maximum latency mean after every sample). The
 * layout of `MinIndex` (min-index.ts): a tree of fan-out 8 whose leaves are the keys, each node
 * above holding the minimum and maximum below it side by side. One tree where dynamic WRR kept
 * two MinIndexes (of the mean and of its negation): a sample writes one leaf and climbs one path,
 * not two. `set` climbs while a node changes and reads a node's 8 children only when the child
 * that held its minimum rose or the one that held its maximum fell. A server that may not count
 * has key +Infinity; it is no one's minimum and no one's maximum.
 */
import { FAN, fanOutTree } from './min-index.js';

export class MinMaxIndex {
  /** The servers' keys, +Infinity past `size` (a whole number of groups of FAN). */
  private readonly leaf: Float64Array;
  /** The nodes above the leaves, level by level from the leaves' parents up: node j's minimum at 2j, maximum at 2j + 1. */
  private readonly node: Float64Array;
  /** First node of each level above the leaves (level[0]: the leaves' parents). */
  private readonly level: number[];
  private readonly root: number;

  constructor(readonly size: number) {
    ({ level: this.level, leaf: this.leaf, node: this.node } = fanOutTree(size));
    this.root = 2 * this.level[this.level.length - 1];
    for (let j = 0; j < this.node.length; j += 2) {
      this.node[j] = Infinity;
      this.node[j + 1] = -Infinity;
    }
  }

  /** Sets every key at once (`keys[s]`, +Infinity for servers that do not count): O(n). */
  load(keys: ArrayLike<number>): void {
    const leaf = this.leaf, level = this.level;
    for (let s = 0; s < this.size; s++) leaf[s] = keys[s];
    for (let j = 0; 8 * j < leaf.length; j++) this.gather(j, 0);
    for (let l = 1; l < level.length; l++) for (let j = 0; level[l - 1] + 8 * j < level[l]; j++) this.gather(j, l);
  }

  /** Node j of level l from its FAN children (leaves when l = 0); returns true when it changed. */
  private gather(j: number, l: number): boolean {
    const node = this.node, e = 2 * (this.level[l] + j);
    let lo = Infinity, hi = -Infinity;
    if (l === 0) {
      for (let s = 8 * j; s < 8 * j + FAN; s++) {
        const k = this.leaf[s];
        if (k < lo) lo = k;
        if (k > hi && k !== Infinity) hi = k;
      }
    } else {
      for (let c = 2 * (this.level[l - 1] + 8 * j), end = c + 2 * FAN; c < end; c += 2) {
        if (node[c] < lo) lo = node[c];
        if (node[c + 1] > hi) hi = node[c + 1];
      }
    }
    if (node[e] === lo && node[e + 1] === hi) return false;
    node[e] = lo;
    node[e + 1] = hi;
    return true;
  }

  /** Sets server `s`'s key. */
  set(s: number, k: number): void {
    const leaf = this.leaf, node = this.node, level = this.level;
    const old = leaf[s];
    if (old === k) return;
    leaf[s] = k;
    // The child's old and new (minimum, maximum); a parent changes only through them.
    let oLo = old, oHi = old === Infinity ? -Infinity : old, nLo = k, nHi = k === Infinity ? -Infinity : k;
    for (let l = 0, j = s >> 3; l < level.length; l++, j >>= 3) {
      const e = 2 * (level[l] + j), pLo = node[e], pHi = node[e + 1];
      if ((oLo === pLo && nLo > pLo) || (oHi === pHi && nHi < pHi)) {
        // the child held an extreme and gave it up: the parent from all its children
        if (!this.gather(j, l)) return;
      } else {
        const lo = nLo < pLo ? nLo : pLo, hi = nHi > pHi ? nHi : pHi;
        if (lo === pLo && hi === pHi) return;
        node[e] = lo;
        node[e + 1] = hi;
      }
      oLo = pLo;
      oHi = pHi;
      nLo = node[e];
      nHi = node[e + 1];
    }
  }

  /** The smallest key (+Infinity when no server counts). */
  minimum(): number {
    return this.node[this.root];
  }

  /** The largest key other than +Infinity (−Infinity when no server counts). */
  maximum(): number {
    return this.node[this.root + 1];
  }
}
