import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, LimitOutcome } from '../../src/model/concurrency-limit.js';

const aimd = { initialLimit: 10, minLimit: 2, maxLimit: 12, backoffRatio: 0.9, timeoutMs: 100 };

describe('ConcurrencyLimit', () => {
  it('a static limit admits n attempts per server and refuses the next, counting measured refusals', () => {
    const l = new ConcurrencyLimit({ static: 2 }, 2, { now: 0 });
    expect(l.tryAcquire(0, 1)).toBe(true);
    expect(l.tryAcquire(0, 1)).toBe(true);
    expect(l.tryAcquire(0, 1)).toBe(false);
    expect(l.tryAcquire(0, 0)).toBe(false);
    expect(l.tryAcquire(1, 1)).toBe(true); // another server, its own limit
    expect(l.refused).toBe(1);
    l.release(0, 1e9, LimitOutcome.Dropped); // a static limit does not move
    expect(l.limit[0]).toBe(2);
    expect(l.tryAcquire(0, 1)).toBe(true);
  });

  it('AIMD adds 1 per fast answer while at least half the limit is in use, and never above maxLimit', () => {
    const l = new ConcurrencyLimit({ aimd }, 1, { now: 0 });
    for (let i = 0; i < 6; i++) l.tryAcquire(0, 1);
    l.release(0, 50, LimitOutcome.Ok); // 6 in flight ≥ 10 / 2: +1
    expect(l.limit[0]).toBe(11);
    for (let i = 0; i < 4; i++) l.release(0, 50, LimitOutcome.Ok); // in flight 5, 4, 3, 2: below half of 11, app-limited
    expect(l.limit[0]).toBe(11);
    for (let i = 0; i < 10; i++) l.tryAcquire(0, 1);
    for (let i = 0; i < 5; i++) l.release(0, 50, LimitOutcome.Ok);
    expect(l.limit[0]).toBe(12);
    expect(l.highest).toBe(12);
  });

  it('AIMD multiplies by backoffRatio (floored) on a slow answer or a drop, never below minLimit; other failures are ignored', () => {
    const l = new ConcurrencyLimit({ aimd }, 1, { now: 0 });
    for (let i = 0; i < 10; i++) l.tryAcquire(0, 1);
    l.release(0, 101, LimitOutcome.Ok); // slower than timeoutMs
    expect(l.limit[0]).toBe(9);
    l.release(0, 1, LimitOutcome.Dropped);
    expect(l.limit[0]).toBe(8);
    l.release(0, 1e9, LimitOutcome.Ignored);
    expect(l.limit[0]).toBe(8);
    for (let i = 0; i < 7; i++) l.release(0, 1, LimitOutcome.Dropped);
    expect(l.limit[0]).toBe(2);
    expect(l.lowest).toBe(2);
    expect(l.inFlight[0]).toBe(0);
  });

  it('meanLimit weighs each limit by the time it held', () => {
    const clock = { now: 0 };
    const l = new ConcurrencyLimit({ aimd }, 1, clock);
    clock.now = 30;
    l.tryAcquire(0, 1);
    l.release(0, 1, LimitOutcome.Dropped); // 10 for 30 ms, then 9 for 70 ms
    clock.now = 100;
    expect(l.meanLimit()).toBeCloseTo((10 * 30 + 9 * 70) / 100, 12);
  });
});
