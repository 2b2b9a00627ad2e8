/**
 * A reference discrete-event simulator, written plainly to be obviously right rather than fast:
 * the two baseline workloads of the speed comparison (Poisson arrivals, exponential service, FIFO), on
 * servers that either share one queue (M/M/c) or each keep their own with arrivals joining the
 * shortest (jobs waiting + in service, ties to the lowest index). It shares no code with lbsim.
 *
 * Seeding follows the baselines' rule, so a run is their exact sample path: splitmix32 from the
 * seed; its first 4 outputs are the xoshiro128** state of the inter-arrival stream, the next 4
 * that of the service stream. A variate takes two successive outputs a, b:
 * u = ((a >>> 5)·2^26 + (b >>> 6)) / 2^53 and x = −ln(1 − u) / rate. Request i arrives
 * A_i after request i − 1 (the first A_1 after 0) and draws its service time at its arrival.
 * Events are ordered by (time, insertion order). Times are in units of the mean service time.
 */

/** The baselines' splitmix32 step over a one-word state (all arithmetic mod 2^32). */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) >>> 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** (Blackman & Vigna 2018), one 32-bit output per call. */
class Xoshiro {
  constructor(private s: [number, number, number, number]) {}

  nextUint32(): number {
    const s = this.s;
    const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Exp(rate) by inversion of a 53-bit uniform. */
  exponential(rate: number): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    const u = (a * 2 ** 26 + b) / 2 ** 53;
    return -Math.log(1 - u) / rate;
  }
}

/** Future events, earliest first, ties in insertion order (a binary heap of plain objects). */
class EventList<T> {
  private heap: { time: number; seq: number; data: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, data: T): void {
    const h = this.heap;
    h.push({ time, seq: this.seq++, data });
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): { time: number; data: T } {
    const h = this.heap, top = h[0], last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  private before(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }
}

export interface ReferenceRun {
  /** 'shared-queue': one FIFO for all servers (M/M/c); 'jsq': a FIFO per server, join the shortest. */
  policy: 'shared-queue' | 'jsq';
  servers: number;
  /** Arrivals per unit time. */
  lambda: number;
  /** Service completions per unit time of one server. */
  mu: number;
  /** Requests; the run ends when the last of them departs. */
  requests: number;
  /** uint32 */
  seed: number;
}

export interface ReferenceResult {
  /** Left-to-right sum of responses in arrival order, divided by the number of requests. */
  meanResponse: number;
  /** Nearest rank: the ceil(0.99 n)-th smallest response. */
  p99Response: number;
  /** Arrivals + departures. */
  events: number;
}

const ARRIVAL = -1;

export function runReference(run: ReferenceRun): ReferenceResult {
  const mix = { x: run.seed >>> 0 };
  const words = () => [splitmix32(mix), splitmix32(mix), splitmix32(mix), splitmix32(mix)] as [number, number, number, number];
  const arrivals = new Xoshiro(words()), service = new Xoshiro(words());
  const n = run.requests, c = run.servers;
  const arrivedAt = new Float64Array(n), serviceTime = new Float64Array(n), response = new Float64Array(n);
  // A departure event carries the request id; each server's FIFO holds the ids waiting there.
  const events = new EventList<number>();
  const queues: number[][] = Array.from({ length: run.policy === 'jsq' ? c : 1 }, () => []);
  const inSystem = new Array<number>(c).fill(0), serverOf = new Int32Array(n);
  let busy = 0, next = 0, count = 0;

  events.push(arrivals.exponential(run.lambda), ARRIVAL);
  while (events.size > 0) {
    const { time, data } = events.pop();
    count++;
    if (data === ARRIVAL) {
      const id = next++;
      arrivedAt[id] = time;
      serviceTime[id] = service.exponential(run.mu);
      if (next < n) events.push(time + arrivals.exponential(run.lambda), ARRIVAL);
      if (run.policy === 'shared-queue') {
        if (busy < c) { busy++; events.push(time + serviceTime[id], id); } else queues[0].push(id);
      } else {
        let k = 0;
        for (let j = 1; j < c; j++) if (inSystem[j] < inSystem[k]) k = j;
        serverOf[id] = k;
        if (inSystem[k]++ === 0) events.push(time + serviceTime[id], id);
        else queues[k].push(id);
      }
    } else {
      const id = data;
      response[id] = time - arrivedAt[id];
      const queue = queues[run.policy === 'jsq' ? serverOf[id] : 0];
      if (run.policy === 'jsq') inSystem[serverOf[id]]--;
      const waiting = queue.shift();
      if (waiting !== undefined) events.push(time + serviceTime[waiting], waiting);
      else if (run.policy === 'shared-queue') busy--;
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += response[i];
  const sorted = Float64Array.from(response).sort();
  return { meanResponse: sum / n, p99Response: sorted[Math.ceil(0.99 * n) - 1], events: count };
}
