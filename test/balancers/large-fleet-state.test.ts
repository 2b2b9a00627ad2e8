/** Per-instance state of large fleets (ctx.shared): SparseRows against a Map, the sparse latency metrics against the dense ones, and least-request-weighted's sparse schedule against its schedule with an entry per server. */
import { describe, expect, it } from 'vitest';
import { SparseRows } from '../../src/balancers/sparse-rows.js';
import { EligibleIndex } from '../../src/balancers/eligible.js';
import { createLoadMetric, METRICS } from '../../src/balancers/load-metric.js';
import { createStream } from '../../src/random/rng.js';
import { scheduleLeastRequest } from '../../src/balancers/least-request-weighted.js';
import { slotJoinIdleQueue } from '../../src/balancers/join-idle-queue.js';
import { create, fakeContext } from './fake-context.js';

describe('SparseRows', () => {
  it('finds every row it added and no other, through growth, for ids spread or packed (20,000 random operations)', () => {
    for (const spread of [7, 100_000, 2 ** 31 - 1]) {
      const rng = createStream(spread, 'rows');
      const rows = new SparseRows(3), reference = new Map<number, number>();
      expect(rows.find(0)).toBe(-1);
      for (let i = 0; i < 20_000; i++) {
        const s = Math.floor(rng.next() * spread);
        const r = rows.find(s);
        if (reference.has(s)) {
          expect(r).toBeGreaterThanOrEqual(0);
          expect(rows.data[r + 2]).toBe(reference.get(s));
        } else {
          expect(r).toBe(-1);
          const at = rows.add(s);
          expect([rows.data[at], rows.data[at + 1], rows.data[at + 2]]).toEqual([0, 0, 0]);
          rows.data[at + 2] = s + 0.5;
          reference.set(s, s + 0.5);
        }
      }
      expect(rows.count).toBe(reference.size);
      for (const [s, v] of reference) expect(rows.data[rows.find(s) + 2]).toBe(v);
    }
  });

  it('given the span of ids, ends with a slot per id and a row per server: at most the rows of a dense array, whatever the order the ids come in', () => {
    for (const size of [1, 5, 64, 1000, 3000]) {
      const rng = createStream(size, 'span');
      const rows = new SparseRows(2, size), reference = new Map<number, number>();
      for (let i = 0; i < 6 * size; i++) {
        const s = Math.floor(rng.next() * size), r = rows.find(s);
        if (reference.has(s)) expect(rows.data[r + 1]).toBe(reference.get(s));
        else {
          expect(r).toBe(-1);
          const at = rows.add(s); // (before reading rows.data: adding may replace it)
          rows.data[at + 1] = s + 0.25;
          reference.set(s, s + 0.25);
        }
        if (reference.size > size / 2) expect(rows.data.length, `${reference.size} of ${size} servers`).toBe(2 * size);
      }
      for (let s = 0; s < size; s++) expect(rows.find(s) < 0 ? undefined : rows.data[rows.find(s) + 1]).toBe(reference.get(s));
    }
  });
});

describe('latency metrics of a large fleet (ctx.shared)', () => {
  for (const metric of METRICS.filter((m) => m !== 'outstanding')) {
    for (const observeErrors of [false, true]) {
      it(`${metric}${observeErrors ? ' with observeErrors' : ''}: the same loads as the dense metric, and rows only for servers it learnt a latency above 0 of`, () => {
        const n = 64;
        const dense = fakeContext(n), sparse = fakeContext(n);
        (sparse.ctx as { shared?: boolean }).shared = true;
        const a = createLoadMetric(dense.ctx, metric, 300, observeErrors), b = createLoadMetric(sparse.ctx, metric, 300, observeErrors);
        const rng = createStream(observeErrors ? 2 : 1, 'metric');
        const learnt = new Set<number>();
        for (let i = 0; i < 30_000; i++) {
          dense.time = sparse.time += rng.next() < 0.1 ? rng.next() * 5_000 : rng.next() * 3;
          const s = Math.floor(rng.next() * n), u = rng.next();
          if (u < 0.2) {
            dense.ctx.outstanding[s] = sparse.ctx.outstanding[s] = Math.floor(rng.next() * 4);
          } else if (u < 0.5 && s < 48) {
            // (Servers 0-47 only.) Latencies of 0, ordinary ones, and ones the metrics must ignore (NaN, Infinity, negative).
            const v = rng.next();
            const latency = v < 0.15 ? 0 : v < 0.2 ? [NaN, Infinity, -1][Math.floor(rng.next() * 3)] : rng.next() * 200;
            const ok = rng.next() < 0.8;
            a.observe!(s, latency, ok);
            b.observe!(s, latency, ok);
            if ((ok || observeErrors) && latency >= 0 && latency < Infinity && (latency > 0 || metric === 'latency-ewma')) learnt.add(s);
          } else {
            expect(b.load(s), `step ${i}, server ${s}`).toBe(a.load(s));
          }
        }
        for (let s = 0; s < n; s++) expect(b.load(s)).toBe(a.load(s));
        // Servers 48-63 were read, never observed: no rows.
        expect(learnt.size).toBe(48);
        expect((b as unknown as { rows: SparseRows }).rows.count).toBe(learnt.size);
      });
    }
  }
});

describe("least-request-weighted for an instance of a large fleet (ctx.shared)", () => {
  for (const [bias, weights, reported] of [[1, [1, 2, 3], true], [0.5, [1, 1, 4], true], [1, [2, 2, 2], true], [0, [1, 3], true], [1, [1, 2, 3], false], [2, [1, 1, 4], false], [1, [2, 2, 2], false]] as const) {
    it(`bias ${bias}, weights drawn from ${weights.join(', ')}, ${reported ? 'reported counts at any server' : 'its own counts (at servers it picked)'}: the same picks as the schedule with an entry per server, through rebuilds and changing counts`, () => {
      const n = 40, wrng = createStream(7, 'weights');
      const w = Array.from({ length: n }, () => weights[Math.floor(wrng.next() * weights.length)]);
      const dense = fakeContext(n, { seed: 3, weights: w }), sparse = fakeContext(n, { seed: 3, weights: w });
      (sparse.ctx as { shared?: boolean }).shared = true;
      if (reported) (sparse.ctx as { reported?: boolean }).reported = (dense.ctx as { reported?: boolean }).reported = true;
      // The reference: the schedule with an entry per server, whatever the context says.
      const a = scheduleLeastRequest(dense.ctx, bias, 2), b = create('least-request-weighted', sparse, { bias });
      const rng = createStream(11, 'ops');
      const picked: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const u = rng.next();
        let s = Math.floor(rng.next() * n);
        if (u < 0.3) {
          if (!reported) {
            // Own counts go up only at a pick (below) and down where the instance has requests.
            if (picked.length === 0) continue;
            s = picked.splice(Math.floor(rng.next() * picked.length), 1)[0];
            dense.ctx.outstanding[s]--;
            sparse.ctx.outstanding[s]--;
            continue;
          }
          dense.ctx.outstanding[s] = sparse.ctx.outstanding[s] = Math.floor(rng.next() * 3);
        } else if (u < 0.31) {
          // A server leaves or comes back, or its weight changes: every instance rebuilds.
          const e = rng.next() < 0.5 ? 1 : 0;
          dense.ctx.eligible[s] = sparse.ctx.eligible[s] = e;
          if (rng.next() < 0.3) dense.ctx.weights[s] = sparse.ctx.weights[s] = weights[Math.floor(rng.next() * weights.length)];
          a.rebuild!(-1);
          b.rebuild!(-1);
        } else {
          const x = b.pick(0);
          expect(x, `step ${i}`).toBe(a.pick(0));
          if (!reported && x >= 0 && rng.next() < 0.7) {
            dense.ctx.outstanding[x]++;
            sparse.ctx.outstanding[x]++;
            picked.push(x);
          }
        }
      }
    });
  }

  for (const [bias, weights] of [[1, [1, 2, 3]], [0.5, [1, 1, 4]], [1, [2, 2, 2]], [0, [1, 3]]] as const) {
    it(`bias ${bias}, weights drawn from ${weights.join(', ')}, reported counts: three instances over the fleet's start pick as three schedules with an entry per server, the fleet telling the first of rebuilds`, () => {
      const n = 40, instances = 3, wrng = createStream(9, 'weights');
      const w = Array.from({ length: n }, () => weights[Math.floor(wrng.next() * weights.length)]);
      const base = fakeContext(n, { weights: w }), flags = base.ctx.eligible, reports = base.ctx.outstanding, shared = base.ctx.weights;
      const dense = Array.from({ length: instances }, (_, i) => fakeContext(n, { seed: 3 + i, weights: w }));
      for (const d of dense) Object.assign(d.ctx, { outstanding: reports, reported: true });
      const sparse = dense.map((_, i) => {
        const f = fakeContext(n, { seed: 3 + i });
        Object.assign(f.ctx, { outstanding: reports, eligible: flags, weights: shared, shared: true, reported: true });
        return f;
      });
      const a = dense.map((d) => scheduleLeastRequest(d.ctx, bias, 2)), b = sparse.map((f) => create('least-request-weighted', f, { bias }));
      expect(b[0].fleetShared).toBe(true);
      const rng = createStream(13, 'ops');
      for (let i = 0; i < 20_000; i++) {
        const u = rng.next(), s = Math.floor(rng.next() * n), j = Math.floor(rng.next() * instances);
        if (u < 0.3) {
          reports[s] = Math.floor(rng.next() * 3);
        } else if (u < 0.31) {
          // A server leaves or comes back, or its weight changes: the dense instances rebuild, the fleet tells the first sparse one.
          const e = rng.next() < 0.5 ? 1 : 0, wt = rng.next() < 0.3 ? weights[Math.floor(rng.next() * weights.length)] : shared[s];
          flags[s] = e;
          shared[s] = wt;
          for (const d of dense) {
            d.ctx.eligible[s] = e;
            d.ctx.weights[s] = wt;
          }
          for (const x of a) x.rebuild!(-1);
          b[0].rebuild!(-1);
        } else {
          expect(b[j].pick(0), `step ${i}, instance ${j}`).toBe(a[j].pick(0));
        }
      }
    });
  }

  it('with its own counts, a rebuild reads the counts of the servers it picked, not every server', () => {
    const n = 10_000, fake = fakeContext(n, { weights: Array.from({ length: n }, (_, s) => 1 + (s % 4)) });
    let reads = 0;
    const counts = fake.ctx.outstanding;
    (fake.ctx as { outstanding: Int32Array }).outstanding = new Proxy(counts, {
      get: (t, k) => {
        if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
        const v = Reflect.get(t, k);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    (fake.ctx as { shared?: boolean }).shared = true;
    const b = create('least-request-weighted', fake);
    for (let i = 0; i < 50; i++) {
      const s = b.pick(0);
      if (i % 2 === 0) counts[s]++;
    }
    reads = 0;
    for (let i = 0; i < 10; i++) b.rebuild!(-1);
    expect(reads).toBeLessThan(10 * 200);
  });
});

describe('join-idle-queue for an instance of a large fleet (ctx.shared)', () => {
  for (const idleQueueSize of [1, 3, 17, undefined]) {
    it(`idle queue ${idleQueueSize ?? 'the pool'}, its own counts: the same picks as the queue with a slot per server, through rebuilds mid-queue`, () => {
      const n = 40;
      const dense = fakeContext(n, { seed: 5 }), sparse = fakeContext(n, { seed: 5 });
      const eligible = dense.ctx.eligible, index = new EligibleIndex(eligible);
      Object.assign(sparse.ctx, { eligible, eligibleIndex: index, shared: true });
      Object.assign(dense.ctx, { eligibleIndex: index });
      const options = idleQueueSize === undefined ? {} : { idleQueueSize };
      const a = slotJoinIdleQueue(dense.ctx, idleQueueSize ?? n), b = create('join-idle-queue', sparse, options);
      const rng = createStream(idleQueueSize ?? 0, 'jiq');
      const open: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const u = rng.next();
        if (u < 0.35 && open.length > 0) {
          const s = open.splice(Math.floor(rng.next() * open.length), 1)[0];
          dense.ctx.outstanding[s]--;
          sparse.ctx.outstanding[s]--;
          a.observe!(s, 1, true);
          b.observe!(s, 1, true);
        } else if (u < 0.4) {
          const s = Math.floor(rng.next() * n);
          index.set(s, eligible[s] ^ 1);
          a.rebuild!(s);
          b.rebuild!(s);
        } else {
          const x = b.pick(0);
          expect(x, `step ${i}`).toBe(a.pick(0));
          if (x >= 0 && rng.next() < 0.8) {
            dense.ctx.outstanding[x]++;
            sparse.ctx.outstanding[x]++;
            open.push(x);
          }
        }
      }
    });
  }

  for (const idleQueueSize of [1, 3, 17, undefined]) {
    it(`idle queue ${idleQueueSize ?? 'the pool'}, reported load: three instances over one snapshot pick as three queues with a slot per server, through reports and rebuilds mid-queue`, () => {
      const n = 40, instances = 3, options = idleQueueSize === undefined ? {} : { idleQueueSize };
      const dense = Array.from({ length: instances }, (_, i) => fakeContext(n, { seed: 5 + i }));
      const base = fakeContext(n), flags = base.ctx.eligible, index = new EligibleIndex(flags), reports = base.ctx.outstanding;
      const sparse = dense.map((_, i) => {
        const f = fakeContext(n, { seed: 5 + i });
        Object.assign(f.ctx, { outstanding: reports, eligible: flags, eligibleIndex: index, shared: true, reported: true });
        return f;
      });
      for (const d of dense) Object.assign(d.ctx, { outstanding: reports, reported: true });
      const a = dense.map((d) => slotJoinIdleQueue(d.ctx, Math.min(idleQueueSize ?? n, n))), b = sparse.map((f) => create('join-idle-queue', f, options));
      expect(b[0].fleetShared).toBe(true);
      const eligible = dense.map(() => new Uint8Array(n).fill(1));
      dense.forEach((d, i) => Object.assign(d.ctx, { eligible: eligible[i] }));
      const rng = createStream(idleQueueSize ?? 0, 'jiq-reported');
      for (let i = 0; i < 20_000; i++) {
        const u = rng.next(), s = Math.floor(rng.next() * n), j = Math.floor(rng.next() * instances);
        if (u < 0.25) {
          reports[s] = rng.next() < 0.5 ? 0 : 1 + Math.floor(rng.next() * 3);
        } else if (u < 0.45) {
          a[j].observe!(s, 1, true);
          b[j].observe!(s, 1, true);
        } else if (u < 0.48) {
          // A change of the pool: every dense instance rebuilds, the fleet tells the first sparse one.
          index.set(s, flags[s] ^ 1);
          for (const e of eligible) e[s] = flags[s];
          for (const x of a) x.rebuild!(s);
          b[0].rebuild!(s);
        } else {
          expect(b[j].pick(0), `step ${i}, instance ${j}`).toBe(a[j].pick(0));
        }
      }
    });
  }

  it('with its own counts, a rebuild reads the counts of the servers it picked, not every server', () => {
    const n = 10_000, fake = fakeContext(n);
    let reads = 0;
    const counts = fake.ctx.outstanding;
    Object.assign(fake.ctx, {
      shared: true,
      eligibleIndex: new EligibleIndex(fake.ctx.eligible),
      outstanding: new Proxy(counts, {
        get: (t, k) => {
          if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
          const v = Reflect.get(t, k);
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }),
    });
    const b = create('join-idle-queue', fake);
    for (let i = 0; i < 50; i++) counts[b.pick(0)]++;
    reads = 0;
    for (let i = 0; i < 10; i++) b.rebuild!(-1);
    expect(reads).toBeLessThan(10 * 200);
  });
});

describe('least-time for instances of a large fleet reading reports (ctx.shared, ctx.reported)', () => {
  // Reports mostly low, or in two groups far apart (the unsampled servers' least report beyond the index's window of 32 values);
  // latencies of 0 (a sampled load of 0, tied with the idle unsampled servers) and of 2^52 + 3 (a sampled load equal to
  // PENALTY + 3, an unsampled server's at report 3).
  for (const [label, reportOf] of [
    ['reports 0-3', (u: number) => Math.floor(u * 4)],
    ['reports 0-2 or 40-45', (u: number) => (u < 0.5 ? Math.floor(u * 6) : 40 + Math.floor((u - 0.5) * 12))],
  ] as const) {
    it(`${label}: two instances over one shared index pick as two dense instances, through reports, eligibility changes and exact ties`, () => {
      const n = 40, instances = 2;
      const dense = Array.from({ length: instances }, (_, i) => fakeContext(n, { seed: 5 + i }));
      for (const d of dense) (d.ctx as { reported?: boolean }).reported = true;
      // The sparse instances share their reports and eligibility, as a fleet's do; each has its own stream.
      const base = fakeContext(n, { seed: 5 }), flags = base.ctx.eligible, index = new EligibleIndex(flags);
      const sparse = Array.from({ length: instances }, (_, i) => {
        const f = fakeContext(n, { seed: 5 + i });
        Object.assign(f.ctx, { outstanding: base.ctx.outstanding, eligible: flags, eligibleIndex: index, shared: true, reported: true });
        return f;
      });
      const a = dense.map((d) => create('least-time', d)), b = sparse.map((d) => create('least-time', d));
      expect(b[0].fleetShared).toBe(true);
      const rng = createStream(label.length, 'ops');
      const setReport = (s: number, v: number): void => {
        for (const d of dense) d.ctx.outstanding[s] = v;
        base.ctx.outstanding[s] = v;
      };
      for (let i = 0; i < 30_000; i++) {
        const t = dense[0].time + rng.next() * 3;
        for (const f of [...dense, ...sparse]) f.time = t;
        const u = rng.next(), s = Math.floor(rng.next() * n), j = Math.floor(rng.next() * instances);
        if (u < 0.15) {
          // One server's report (live view): every dense instance told, the sparse fleet once.
          setReport(s, reportOf(rng.next()));
          for (const x of a) x.outstandingChanged!(s);
          b[0].outstandingChanged!(s);
        } else if (u < 0.17) {
          // A report of every server.
          for (let k = 0; k < n; k++) setReport(k, reportOf(rng.next()));
          for (const x of a) x.outstandingChanged!(-1);
          b[0].outstandingChanged!(-1);
        } else if (u < 0.18) {
          const e = rng.next() < 0.6 ? 1 : 0;
          for (const d of dense) d.ctx.eligible[s] = e;
          index.set(s, e);
          const which = rng.next() < 0.5 ? s : -1;
          for (const x of a) x.rebuild!(which);
          b[0].rebuild!(which);
        } else if (u < 0.4 && s < 30) {
          // (Servers 0-29 only: 30-39 stay unsampled.)
          const v = rng.next(), latency = v < 0.1 ? 0 : v < 0.15 ? 2 ** 52 + 3 : v < 0.2 ? 1 : rng.next() * 50;
          a[j].observe!(s, latency, true);
          b[j].observe!(s, latency, true);
        } else {
          expect(b[j].pick(0), `step ${i}, instance ${j}`).toBe(a[j].pick(0));
        }
      }
    });
  }
});
