/**
 * A pool of request dots as parallel typed arrays (no object per dot). `spawn` takes a free id,
 * `retire` returns it; live ids are kept dense in `live[0 .. count)` so drawing walks only them.
 * The pool doubles when full and never shrinks, so a steady scene allocates nothing.
 */
export const Phase = {
  Free: 0,
  /** Flying from the clients through the balancer to its server. */
  Travel: 1,
  /** Waiting in a queue or holding a slot at its server. */
  AtServer: 2,
  /** Showing its outcome (leaving, falling or fading) before it is retired. */
  Leaving: 3,
} as const;

export class Particles {
  /** Live ids, dense: live[0 .. count). */
  live: Int32Array;
  count = 0;
  /** Bumped whenever the arrays are replaced by larger ones. */
  generation = 0;
  x!: Float32Array;
  y!: Float32Array;
  /** Start of the current motion (Leaving), px. */
  fromX!: Float32Array;
  fromY!: Float32Array;
  /** Simulated ms when the current phase began. */
  t0!: Float64Array;
  phase!: Uint8Array;
  /** Request slot it shows (-1 once the request has ended). */
  request!: Int32Array;
  server!: Int32Array;
  /** Terminal RequestState, 0 while in flight. */
  outcome!: Uint8Array;
  /** Concurrency slot held at its server, -1 when none. */
  slot!: Int32Array;
  /** Waiting place (0 = head) found by the last queue walk, -1 when not waiting. */
  place!: Int32Array;
  /** Vertical lane on the client side, in [0, 1). */
  lane!: Float32Array;
  /** Drawing output: alpha in [0, 1] and shape (palette `Shape`), colour 0xRRGGBB, scale (× the layout's dot radius). */
  alpha!: Float32Array;
  scale!: Float32Array;
  shape!: Uint8Array;
  color!: Uint32Array;
  private index!: Int32Array;
  private capacity = 0;

  constructor(capacity = 256) {
    this.live = new Int32Array(0);
    this.resize(Math.max(1, capacity));
  }

  get size(): number {
    return this.capacity;
  }

  /** A free id in phase Free (all fields to be set by the caller). */
  spawn(): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    const id = this.live[this.count];
    this.index[id] = this.count++;
    return id;
  }

  retire(id: number): void {
    const at = this.index[id];
    if (at < 0 || at >= this.count || this.live[at] !== id) throw new Error(`particle ${id} is not live`);
    const last = this.live[--this.count];
    this.live[at] = last;
    this.index[last] = at;
    this.live[this.count] = id;
    this.index[id] = this.count;
    this.phase[id] = Phase.Free;
  }

  isLive(id: number): boolean {
    const at = this.index[id];
    return at < this.count && this.live[at] === id;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.phase[this.live[i]] = Phase.Free;
    this.count = 0;
  }

  private resize(capacity: number): void {
    const old = this.capacity;
    const f32 = (a: Float32Array | undefined) => grow(Float32Array, a, capacity);
    this.x = f32(this.x); this.y = f32(this.y);
    this.fromX = f32(this.fromX); this.fromY = f32(this.fromY);
    this.lane = f32(this.lane); this.alpha = f32(this.alpha); this.scale = f32(this.scale);
    this.t0 = grow(Float64Array, this.t0, capacity);
    this.phase = grow(Uint8Array, this.phase, capacity);
    this.outcome = grow(Uint8Array, this.outcome, capacity);
    this.shape = grow(Uint8Array, this.shape, capacity);
    this.color = grow(Uint32Array, this.color, capacity);
    this.request = grow(Int32Array, this.request, capacity);
    this.server = grow(Int32Array, this.server, capacity);
    this.slot = grow(Int32Array, this.slot, capacity);
    this.place = grow(Int32Array, this.place, capacity);
    this.index = grow(Int32Array, this.index, capacity);
    this.live = grow(Int32Array, this.live, capacity);
    for (let id = old; id < capacity; id++) {
      this.live[id] = id;
      this.index[id] = id;
    }
    this.capacity = capacity;
    if (old > 0) this.generation++;
  }
}

type Typed = Float32Array | Float64Array | Uint8Array | Uint32Array | Int32Array;

function grow<T extends Typed>(Ctor: { new (n: number): T }, old: T | undefined, capacity: number): T {
  const next = new Ctor(capacity);
  if (old) next.set(old as never);
  return next;
}
