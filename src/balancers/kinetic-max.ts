/**
 * The largest of L lines v_g(t) = t·slope[g] + base[g] at integer times t, ties to the lowest
 * tie[g]: a kinetic tournament (Basch, Guibas and Hershberger, "Data structures for mobile data",
 * 1997). Each inner node of a tree over the lines keeps the winner of its two children at the
 * time it was last computed and the first later time its loser overtakes it (its certificate);
 * each node also keeps the earliest certificate in its subtree, so moving to time t recomputes
 * only the nodes whose certificates fail by t, children before parents. A line that moves
 * (`setLine`: a new base and tie) recomputes its path to the root. Exact while every value and
 * every |base| is an integer below 2⁵² and slopes are integers: a certificate is the floor of a
 * quotient of two such integers, which doubles give exactly (see `overtakes`).
 *
 * `restart` puts every line back at base 0 with its tie at its first tie in O(1): with every base
 * 0 the largest line at any t ≥ 1 is the steepest (ties: lowest first tie) and never changes, so
 * the tree then is the "fresh" tree of slopes alone, kept apart and updated as lines change slope,
 * first tie or presence (`changed`); lines and nodes carry the restart they were last written in
 * and read as fresh when it is not the current one.
 *
 * Weighted round robin's turn counters use it when a pool has many weight classes: a class's
 * current is t·w − total·(its completed rounds), a line knocked down by `total` once per round of
 * its members, restarted at every rebuild (weighted-round-robin.ts).
 *
 * Layout: leaves at [L, 2L) (node L + g is line g), inner node i has children 2i and 2i + 1, the
 * root is 1 (any L ≥ 2; L = 1: the leaf is the root). Leaves are read from the fresh tree (a
 * line's presence is the same in both). An absent line never wins.
 */
export class KineticMax {
  /** Winner per node in the current restart (-1: none). */
  private win = new Int32Array(2);
  /** Earliest time a certificate fails in the node's subtree (Infinity: never). */
  private minFail = new Float64Array(2);
  /** The restart each node and each line was last written in. */
  private nodeEpoch = new Float64Array(2);
  private lineEpoch = new Float64Array(1);
  /** Per line: slope, base and tie (read as 0 and its first tie unless it moved since the last restart), first tie. */
  private slope = new Float64Array(1);
  private base = new Float64Array(1);
  private tie = new Int32Array(1);
  private firstTie = new Int32Array(1);
  /** Winner per node, and leaves, of the fresh tree (every base 0, ties at firstTie). */
  private fresh = new Int32Array(2);
  private epoch = 1;
  private lines = 0;
  /** Nodes recomputed by `advance` so far (for tests and benchmarks). */
  events = 0;

  /** Lines in the tree. */
  get size(): number {
    return this.lines;
  }

  /**
   * Builds the tree over lines 0 … L−1, each of slope `slope(g)` at base 0 with its tie at
   * `firstTie(g)` (`present(g)` false: absent). O(L).
   */
  build(L: number, slope: (g: number) => number, firstTie: (g: number) => number, present: (g: number) => boolean): void {
    if (this.fresh.length < 2 * L) {
      this.win = new Int32Array(2 * L);
      this.minFail = new Float64Array(2 * L);
      this.nodeEpoch = new Float64Array(2 * L);
      this.fresh = new Int32Array(2 * L);
    }
    if (this.lineEpoch.length < L) {
      this.lineEpoch = new Float64Array(L);
      this.slope = new Float64Array(L);
      this.base = new Float64Array(L);
      this.tie = new Int32Array(L);
      this.firstTie = new Int32Array(L);
    }
    this.lines = L;
    const fresh = this.fresh;
    for (let g = 0; g < L; g++) {
      this.slope[g] = slope(g);
      this.firstTie[g] = firstTie(g);
      fresh[L + g] = present(g) ? g : -1;
    }
    for (let i = L - 1; i >= 1; i--) fresh[i] = this.freshWinner(fresh[2 * i], fresh[2 * i + 1]);
    this.epoch++;
  }

  /** Every line back at base 0, its tie at firstTie: O(1). */
  restart(): void {
    this.epoch++;
  }

  /** Line g's slope, first tie or presence changes: the fresh tree follows (O(log L)). Call `restart` after. */
  changed(g: number, slope: number, firstTie: number, present: boolean): void {
    this.slope[g] = slope;
    this.firstTie[g] = firstTie;
    const fresh = this.fresh;
    let i = this.lines + g;
    fresh[i] = present ? g : -1;
    for (i >>= 1; i >= 1; i >>= 1) fresh[i] = this.freshWinner(fresh[2 * i], fresh[2 * i + 1]);
  }

  /** Whether line g moved since the last restart (else its base is 0 and its tie its first tie). */
  moved(g: number): boolean {
    return this.lineEpoch[g] === this.epoch;
  }

  /** The line ahead in the fresh tree: the steepest present one (-1: none). */
  steepest(): number {
    return this.lines === 0 ? -1 : this.fresh[1];
  }

  /** The winner at the time the tree was last made valid for (-1: no line present). */
  winner(): number {
    return this.lines === 0 ? -1 : this.winOf(1);
  }

  /** Makes the tree valid at time t (no earlier than the time it was valid at). */
  advance(t: number): void {
    if (this.lines > 1 && this.failOf(1) <= t) this.advanceNode(1, t);
  }

  /** Line g moves to base `base`, tie `tie` at time t (the tree valid at t otherwise). */
  setLine(g: number, base: number, tie: number, t: number): void {
    this.base[g] = base;
    this.tie[g] = tie;
    this.lineEpoch[g] = this.epoch;
    for (let i = (this.lines + g) >> 1; i >= 1; i >>= 1) this.recompute(i, t);
  }

  private winOf(i: number): number {
    return i >= this.lines || this.nodeEpoch[i] !== this.epoch ? this.fresh[i] : this.win[i];
  }

  private failOf(i: number): number {
    return i >= this.lines || this.nodeEpoch[i] !== this.epoch ? Infinity : this.minFail[i];
  }

  private advanceNode(i: number, t: number): void {
    const l = 2 * i;
    if (this.failOf(l) <= t) this.advanceNode(l, t);
    if (this.failOf(l + 1) <= t) this.advanceNode(l + 1, t);
    this.recompute(i, t);
    this.events++;
  }

  /** Node i's winner at time t from its children's, its certificate and subtree minimum. */
  private recompute(i: number, t: number): void {
    const l = 2 * i, a = this.winOf(l), b = this.winOf(l + 1);
    let own = Infinity, w = a;
    if (a < 0) w = b;
    else if (b >= 0) {
      if (this.beats(a, b, t)) own = this.overtakes(b, a, t);
      else {
        w = b;
        own = this.overtakes(a, b, t);
      }
    }
    const fl = this.failOf(l), fr = this.failOf(l + 1), low = fl < fr ? fl : fr;
    this.win[i] = w;
    this.minFail[i] = own < low ? own : low;
    this.nodeEpoch[i] = this.epoch;
  }

  private baseOf(g: number): number {
    return this.lineEpoch[g] === this.epoch ? this.base[g] : 0;
  }

  /** Line g's tie now. */
  tieOf(g: number): number {
    return this.lineEpoch[g] === this.epoch ? this.tie[g] : this.firstTie[g];
  }

  /** Whether line a is ahead of line b at time t. */
  private beats(a: number, b: number, t: number): boolean {
    const va = t * this.slope[a] + this.baseOf(a), vb = t * this.slope[b] + this.baseOf(b);
    return va > vb || (va === vb && this.tieOf(a) < this.tieOf(b));
  }

  /** The fresh tree's rule: present beats absent, then the steeper, then the lower first tie. */
  private freshWinner(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const sa = this.slope[a], sb = this.slope[b];
    return sa > sb || (sa === sb && this.firstTie[a] < this.firstTie[b]) ? a : b;
  }

  /** The first integer time after t at which line y is ahead of line x (x ahead at t), or Infinity. */
  overtakes(y: number, x: number, t: number): number {
    const dw = this.slope[y] - this.slope[x];
    if (dw <= 0) return Infinity; // y's lead never grows (equal slopes: the order stays)
    // y ahead at t' ⇔ dw·t' > c (or ≥ c when y has the lower tie), c = base[x] − base[y].
    const c = this.baseOf(x) - this.baseOf(y);
    // ⌊c / dw⌋ is exact: a quotient that is not an integer lies at least 1/dw from one, and
    // rounding c / dw (|c| < 2⁵²) errs by at most |c / dw|·2⁻⁵³ < 1/(2·dw). So dw·q ≤ c < dw·(q + 1).
    const q = Math.floor(c / dw);
    const at = this.tieOf(y) < this.tieOf(x) && dw * q === c ? q : q + 1;
    return at > t ? at : t + 1;
  }
}
