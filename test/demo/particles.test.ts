import { describe, expect, it } from 'vitest';
import { Particles, Phase } from '../../demo/particles.js';

describe('Particles', () => {
  it('reuses retired ids before growing', () => {
    const ps = new Particles(8);
    const first = Array.from({ length: 8 }, () => ps.spawn());
    for (const id of first) ps.retire(id);
    const again = Array.from({ length: 8 }, () => ps.spawn());
    expect(new Set(again)).toEqual(new Set(first));
    expect(ps.size).toBe(8);
    expect(ps.generation).toBe(0);
  });

  it('keeps live ids dense in live[0 .. count)', () => {
    const ps = new Particles(4);
    const ids = Array.from({ length: 6 }, () => ps.spawn());
    ps.retire(ids[1]);
    ps.retire(ids[4]);
    expect(ps.count).toBe(4);
    expect(new Set(ps.live.subarray(0, ps.count))).toEqual(new Set([ids[0], ids[2], ids[3], ids[5]]));
    expect(ps.isLive(ids[1])).toBe(false);
    expect(ps.phase[ids[1]]).toBe(Phase.Free);
  });

  it('doubles when full, keeping what live particles hold', () => {
    const ps = new Particles(2);
    const a = ps.spawn(), b = ps.spawn();
    ps.x[a] = 1.5;
    ps.x[b] = 2.5;
    const c = ps.spawn();
    expect(ps.size).toBe(4);
    expect(ps.generation).toBe(1);
    expect([ps.x[a], ps.x[b]]).toEqual([1.5, 2.5]);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('refuses to retire an id twice', () => {
    const ps = new Particles(2);
    const a = ps.spawn();
    ps.retire(a);
    expect(() => ps.retire(a)).toThrow(/not live/);
  });
});
