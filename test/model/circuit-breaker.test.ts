/** The circuit breaker's state machine, step by step (Resilience4j's count-based window). */
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
