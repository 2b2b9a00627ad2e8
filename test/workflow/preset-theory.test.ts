/**
 * The workflow presets' effects against a calculation of their own, from the presets' parameters
 * (payments' lognormal work, the edge's timeout and retries, the users' exponential cancels, the
 * payment machine's decline and error chances). Tolerances: four standard deviations of the
 * binomial (or of the sample mean) at the run's size.
 */
import { describe, expect, it } from 'vitest';
import { preset, simulate, type TopologyInput } from '../../src/index.js';

/** P(the payment is Authorized after `processed`): not declined (0.08), then not in error (0.02). */
const AUTH = 0.92 * 0.98;
/** The presets' lognormals have p99 = 7.5 × median: σ = ln 7.5 / z(0.99). */
const SIGMA = Math.log(7.5) / 2.3263478740408408;

/** E[f(A)] for A lognormal with median `median` and σ SIGMA (trapezoid over the normal, ±10 sd). */
function lognormalMean(median: number, f: (a: number) => number): number {
  const n = 20_000, lo = -10, h = 20 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = lo + i * h;
    s += (i === 0 || i === n ? 0.5 : 1) * f(median * Math.exp(SIGMA * z)) * Math.exp(-z * z / 2);
  }
  return s * h / Math.sqrt(2 * Math.PI);
}

function run(name: string, requests: number) {
  const input = preset(name) as unknown as TopologyInput & { stop: { requests: number } };
  input.stop = { requests };
  return simulate(input).workflows!;
}

describe('workflow presets against theory', () => {
  it('double-charge: orders authorized more than once and extra authorizations as attempts retried after a timeout predict', () => {
    // An attempt answers ok when its work (lognormal, median 400 ms) ends within the 500 ms timeout
    // and authorizes; every attempt authorizes with AUTH whether or not its caller still waits (no
    // key: each is a new operation). The edge tries 1 + 3 times, the order re-enters once: at most
    // 8 attempts, each made while none before answered ok.
    const ok = AUTH * lognormalMean(400, (a) => (a <= 500 ? 1 : 0));
    // dist[n]: P(n authorizations so far and still trying); done[n]: stopped with n.
    let dist = [1], done: number[] = new Array(9).fill(0);
    for (let k = 0; k < 8; k++) {
      const next = new Array(dist.length + 1).fill(0);
      dist.forEach((p, n) => {
        done[n + 1] += p * ok; // authorized and answered in time: the order completes
        next[n + 1] += p * (AUTH - ok); // authorized, but late: the caller retries
        next[n] += p * (1 - AUTH); // declined or in error: retried
      });
      dist = next;
    }
    dist.forEach((p, n) => { done[n] += p; });
    const multi = done.reduce((s, p, n) => s + (n >= 2 ? p : 0), 0);
    const extraMean = done.reduce((s, p, n) => s + p * Math.max(0, n - 1), 0);
    const extraVar = done.reduce((s, p, n) => s + p * Math.max(0, n - 1) ** 2, 0) - extraMean ** 2;
    const N = 20_000;
    const w = run('double-charge', N);
    expect(w.instances.completed).toBe(N);
    // A few orders are cancelled (5% of users, after a mean 20 s) before their retries end: a bias below 0.3%.
    expect(Math.abs(w.duplicates!.families / N - multi)).toBeLessThan(4 * Math.sqrt(multi * (1 - multi) / N) + 0.003);
    expect(Math.abs(w.duplicates!.extra / N - extraMean)).toBeLessThan(4 * Math.sqrt(extraVar / N) + 0.003);
    expect(multi).toBeGreaterThan(0.35); // the calculation itself: about 40% of orders charged twice or more
  });

  it('cancel-race: orders cancelled while authorizing and authorized after, from P(exponential cancel < lognormal authorization)', () => {
    // Each entry of PaymentPending draws a cancel (p 0.5, exponential mean 3 s); the authorization
    // takes A (lognormal, median 2 s). q = P(C < A) = E[1 − e^(−A/3000)]. A declined first
    // authorization (not cancelled before it) makes the order re-enter PaymentPending once.
    const q = lognormalMean(2000, (a) => 1 - Math.exp(-a / 3000));
    const perPass = 0.5 * q * AUTH;
    const second = (1 - 0.5 * q) * (1 - AUTH);
    const race = perPass * (1 + second);
    const cancelled = 0.5 * q * (1 + second);
    const N = 20_000;
    const w = run('cancel-race', N);
    const v = w.invariants.find((x) => x.invariant.startsWith('never'))!;
    expect(Math.abs(v.violations / N - race)).toBeLessThan(4 * Math.sqrt(race * (1 - race) / N));
    expect(Math.abs(w.machines.order.endStates.Cancelled.count / N - cancelled)).toBeLessThan(4 * Math.sqrt(cancelled * (1 - cancelled) / N));
    // Every violation is voided after the void check's exponential 5 s (mean and sd 5 s).
    expect(v.resolved).toBe(v.violations);
    expect(Math.abs(v.meanMs - 5000)).toBeLessThan(4 * 5000 / Math.sqrt(v.resolved));
  });

  it('stuck-orders: orders pending past 60 s are those whose authorization hangs, once payments have slots to spare', () => {
    // 30% of authorizations hang 10 minutes; a quick one declined (or in error) is retried once by
    // the order. P(stuck) = 0.3 + 0.7 (1 − AUTH) 0.3. With 512 slots at payments (2 × 256) the hung
    // authorizations fill them after ~35 s of the preset's 40 s and every later order waits too;
    // with slots to spare only the hung ones are late.
    const input = preset('stuck-orders') as unknown as TopologyInput & { services: Record<string, any> };
    input.services.payments.servers = [{ count: 2, concurrency: 4096 }];
    const w = simulate(input).workflows!;
    const N = 2000, p = 0.3 + 0.7 * (1 - AUTH) * 0.3;
    const late = w.invariants.find((x) => x.invariant.startsWith('eventually'))!;
    expect(Math.abs(late.violations / N - p)).toBeLessThan(4 * Math.sqrt(p * (1 - p) / N));
    // Each is resolved when the order ends: its hung authorization answers 600 s after it began
    // (the order waited ~1 s in Draft: 541 s after the deadline), and one declined then is retried,
    // hanging again with 0.3 (600 s more) or answering at once (quick work, mean 152 ms, ignored).
    expect(late.unresolved).toBe(0);
    const decl = 1 - AUTH, wHung = 0.3 / p, base = 1000 + 540_000;
    const mean = base + wHung * decl * 0.3 * 600_000;
    const second = wHung * decl * 0.3; // share of late orders waiting a second 600 s
    const variance = 1000 ** 2 + second * (1 - second) * 600_000 ** 2;
    expect(Math.abs(late.meanMs - mean)).toBeLessThan(4 * Math.sqrt(variance / late.violations));
    // In the preset itself, the full slots add the orders queued behind them.
    const preset880 = run('stuck-orders', N).invariants.find((x) => x.invariant.startsWith('eventually'))!;
    expect(preset880.violations / N).toBeGreaterThan(p + 4 * Math.sqrt(p * (1 - p) / N));
  });
});
