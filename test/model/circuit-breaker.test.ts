/** The circuit breaker's state machine, step by step (Resilience4j's count- and time-based windows). */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, BreakerState, BREAKER_MACHINE } from '../../src/model/circuit-breaker.js';
import { toMermaid } from '../../src/model/states.js';

const config = { window: 4, minCalls: 4, failureRatePercent: 50, openMs: 100, halfOpenCalls: 2 };

describe('CircuitBreaker', () => {
  it('stays closed until minCalls outcomes are recorded, then opens at the failure-rate threshold', () => {
    const clock = { now: 0 };
    const b = new CircuitBreaker(config, clock);
    for (const failed of [true, true, false]) b.record(failed);
    expect(b.state).toBe(BreakerState.Closed); // 3 < minCalls
    b.record(false); // 2 of 4 failed = 50%
    expect(b.state).toBe(BreakerState.Open);
  });

  it('slides its window: old outcomes leave it', () => {
    const b = new CircuitBreaker(config, { now: 0 });
    for (const failed of [true, false, false, false, false]) b.record(failed); // the failure left the window
    for (const failed of [true]) b.record(failed); // 1 of 4
    expect(b.state).toBe(BreakerState.Closed);
  });

  it('refuses while open, lets halfOpenCalls trials through after openMs, and closes when they succeed', () => {
    const clock = { now: 0 };
    const b = new CircuitBreaker(config, clock);
    for (let i = 0; i < 4; i++) b.record(true);
    expect(b.permits()).toBe(false);
    clock.now = 100;
    expect([b.permits(), b.permits(), b.permits()]).toEqual([true, true, false]);
    expect(b.state).toBe(BreakerState.HalfOpen);
    b.record(false);
    b.record(false);
    expect(b.state).toBe(BreakerState.Closed);
    expect(b.refused).toBe(2);
    expect(b.timeMs(100)).toEqual([0, 100, 0]);
  });

  it('opens again when the trials fail', () => {
    const clock = { now: 0 };
    const b = new CircuitBreaker(config, clock);
    for (let i = 0; i < 4; i++) b.record(true);
    clock.now = 150;
    b.permits();
    b.permits();
    b.record(true);
    b.record(false); // 1 of 2 = 50%: still failing
    expect(b.state).toBe(BreakerState.Open);
    expect(b.permits()).toBe(false);
  });

  it('draws as a Mermaid state diagram', () => {
    expect(toMermaid(BREAKER_MACHINE)).toContain('closed --> open');
  });
});

describe('CircuitBreaker, time-based window (Resilience4j TIME_BASED, 1 s buckets)', () => {
  const timed = { windowType: 'time' as const, windowMs: 3000, minCalls: 4, failureRatePercent: 50, openMs: 100, halfOpenCalls: 2 };

  it('counts the outcomes of the last windowMs only, and not before minCalls', () => {
    const clock = { now: 100 };
    const b = new CircuitBreaker(timed, clock);
    b.record(true);
    b.record(true); // second 0: 2 of 2 failed, under minCalls
    clock.now = 1100;
    b.record(false); // seconds 0-1: 2 of 3, under minCalls
    expect(b.state).toBe(BreakerState.Closed);
    clock.now = 3200; // second 3: the window is seconds 1-3, second 0's failures left it
    b.record(false); // 0 of 2
    clock.now = 3300;
    b.record(true); // 1 of 3: under minCalls
    expect(b.state).toBe(BreakerState.Closed);
    b.record(true); // 2 of 4 = 50%
    expect(b.state).toBe(BreakerState.Open);
  });

  it('where a count-based window of the same minCalls opens on the same outcomes (the old failures stay in it)', () => {
    const b = new CircuitBreaker({ ...timed, windowType: undefined, windowMs: undefined, window: 4 }, { now: 0 });
    for (const failed of [true, true, false, false]) b.record(failed); // 2 of 4 = 50% at the fourth
    expect(b.state).toBe(BreakerState.Open);
  });

  it('opens at the first outcome where the last seconds cross the threshold (10 outcomes a second)', () => {
    // 30% of outcomes fail before 5 s, 60% after; a 2 s window holds seconds s-1 and s. After k
    // outcomes of second 5 (its first six fail): (3 + k) of (10 + k) failed, >= 50% from k = 4.
    const clock = { now: 0 };
    const b = new CircuitBreaker({ windowType: 'time', windowMs: 2000, minCalls: 10, failureRatePercent: 50, openMs: 1e9, halfOpenCalls: 1 }, clock);
    let openedAt = -1;
    for (let i = 0; i < 100 && openedAt < 0; i++) {
      clock.now = i * 100;
      b.record(i % 10 < (clock.now < 5000 ? 3 : 6));
      if (b.state === BreakerState.Open) openedAt = clock.now;
    }
    expect(openedAt).toBe(5300);
    expect(b.transitions[BreakerState.Closed * 3 + BreakerState.Open]).toBe(1);
  });

  it('starts an empty window when it closes again', () => {
    const clock = { now: 0 };
    const b = new CircuitBreaker(timed, clock);
    for (let i = 0; i < 4; i++) b.record(true);
    clock.now = 200;
    b.permits();
    b.permits();
    b.record(false);
    b.record(false);
    expect(b.state).toBe(BreakerState.Closed);
    for (const failed of [true, true, true]) b.record(failed); // 3 of 3 failed, but under minCalls
    expect(b.state).toBe(BreakerState.Closed);
  });
});
