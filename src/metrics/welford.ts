/** Streaming mean and variance (Welford 1962): fixed memory, numerically stable. */
export class Welford {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    const n = ++this.count;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
  }

  /** Sample variance (n − 1 denominator); 0 with fewer than two values. */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : 0;
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.count = 0; this.mean = 0; this.m2 = 0;
  }
}
