import { describe, expect, it } from 'vitest';
import { EVENTS_PER_FRAME, FrameClock, WINDOW_MS, formatSpeed } from '../../demo/frame-clock.js';

describe('FrameClock', () => {
  it('budget(n) splits EVENTS_PER_FRAME among n panels', () => {
    expect(FrameClock.budget(1)).toBe(EVENTS_PER_FRAME);
    expect(FrameClock.budget(2)).toBe(EVENTS_PER_FRAME / 2);
  });

  it('publishes simulated ms per wall ms once a window of wall time has passed', () => {
    const clock = new FrameClock();
    let published = false;
    for (let t = 0; t < WINDOW_MS; t += 20) published = clock.record(20, 40, 6, true);
    expect(published).toBe(true);
    expect(clock.effectiveSpeed).toBeCloseTo(0.3);
    expect(clock.limited).toBe(true);
  });

  it('is not limited in a window where every frame reached its target', () => {
    const clock = new FrameClock();
    for (let t = 0; t < WINDOW_MS; t += 20) clock.record(20, 40, 40, false);
    expect(clock.effectiveSpeed).toBe(2);
    expect(clock.limited).toBe(false);
  });

  it('is limited when short runs restarting each frame reach less than half the time asked', () => {
    const clock = new FrameClock();
    clock.record(WINDOW_MS, 1e9, 60_000, false);
    expect(clock.limited).toBe(true);
    expect(clock.effectiveSpeed).toBe(60_000 / WINDOW_MS);
  });

  it('restart() forgets the running window', () => {
    const clock = new FrameClock();
    clock.record(WINDOW_MS, 1, 1, true);
    clock.restart();
    expect(clock.limited).toBe(false);
    expect(clock.effectiveSpeed).toBeNaN();
  });
});

describe('formatSpeed', () => {
  it('formats a speed with two significant digits', () => {
    expect(formatSpeed(0.3049)).toBe('0.3×');
    expect(formatSpeed(0.000412)).toBe('0.00041×');
    expect(formatSpeed(12.34)).toBe('12.3×');
  });
});
