/**
 * The network of one edge of a topology: a latency drawn each way (the attempt travels to the
 * callee; its answer travels back) and the probability that an answer is lost on the way back (the
 * caller then hears nothing, and only its timeout or deadline ends the attempt). Its own random
 * stream, so an edge with a network leaves every other draw of the run as it was.
 */
import { createStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';

export class EdgeNetwork {
  private readonly latency: Distribution | null;
  private readonly rng: Rng;

  constructor(latencyMs: DistributionSpec | undefined, readonly loss: number, seed: number, edge: string) {
    this.latency = latencyMs ? createDistribution(latencyMs) : null;
    this.rng = createStream(seed, `network@${edge}`);
  }

  /** One way's latency, ms. */
  delayMs(): number {
    return this.latency === null ? 0 : this.latency.sample(this.rng);
  }

  /** True when an answer is lost (drawn only when the edge loses any). */
  lost(): boolean {
    return this.loss > 0 && this.rng.next() < this.loss;
  }
}
