import { describe, expect, it } from 'vitest';
import { ContextBudget, type ContextHolder } from '../../demo/context-budget.js';

function holder(budget: ContextBudget, onScreen = false) {
  const h = { onScreen, released: 0, releaseContext() { h.released++; budget.release(h); } };
  return h as ContextHolder & { onScreen: boolean; released: number };
}

describe('ContextBudget', () => {
  it('never keeps more than its limit of contexts', () => {
    const budget = new ContextBudget(3);
    const hs = Array.from({ length: 10 }, () => holder(budget));
    for (const h of hs) budget.acquire(h);
    expect(budget.live).toBe(3);
    expect(budget.evictions).toBe(7);
  });

  it('takes the slot of the least recently drawn holder off screen before any on screen', () => {
    const budget = new ContextBudget(3);
    const a = holder(budget, true), b = holder(budget, false), c = holder(budget, false);
    for (const h of [a, b, c]) budget.acquire(h);
    budget.touch(b);
    budget.acquire(holder(budget, true));
    expect([a.released, b.released, c.released]).toEqual([0, 0, 1]);
  });

  it('takes the least recently drawn of all when every holder is on screen', () => {
    const budget = new ContextBudget(2);
    const a = holder(budget, true), b = holder(budget, true);
    budget.acquire(a);
    budget.acquire(b);
    budget.touch(a);
    budget.acquire(holder(budget, true));
    expect([a.released, b.released]).toEqual([0, 1]);
  });

  it('acquire by a holder that already has a slot takes no second one', () => {
    const budget = new ContextBudget(2);
    const a = holder(budget);
    budget.acquire(a);
    budget.acquire(a);
    expect(budget.live).toBe(1);
  });
});
