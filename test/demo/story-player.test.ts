import { describe, expect, it } from 'vitest';
import { StoryPlayer, type StoryEvent } from '../../demo/story-player.js';
import { parseStory } from '../../src/scenario/story.js';

const story = parseStory([
  { atMs: 8_000, kill: 'S2', caption: 'S2 crashes' },
  { atMs: 2_000, caption: 'All is well' },
  { atMs: 16_000, revive: 'S2' },
  { atMs: 20_000, slow: 'S1', factor: 4, forMs: 1_000, caption: 'S1 slows' },
  { atMs: 25_000, rate: 12 },
], 4);

describe('StoryPlayer', () => {
  it('reports each step once, in time order, as the clock passes it, with servers named as drawn', () => {
    const player = new StoryPlayer(story), seen: StoryEvent[] = [];
    for (const t of [0, 1_999, 2_000, 9_000, 9_500, 30_000]) player.advance(t, (e) => seen.push(e));
    expect(seen.map((e) => [e.index, e.kind, e.server])).toEqual([
      [1, 'caption', undefined], [0, 'kill', 'S2'], [2, 'revive', 'S2'], [3, 'slow', 'S1'], [4, 'rate', undefined],
    ]);
    expect(seen[3]).toMatchObject({ factor: 4, forMs: 1_000, caption: 'S1 slows' });
    expect(seen[4].ratePerSec).toBe(12);
  });

  it('keeps the latest caption at or before the clock, and says when it changed', () => {
    const player = new StoryPlayer(story);
    expect(player.advance(1_000, () => {})).toBe(false);
    expect(player.caption).toBeNull();
    expect(player.advance(8_000, () => {})).toBe(true);
    expect(player.caption).toBe('S2 crashes');
    expect(player.advance(17_000, () => {})).toBe(false); // the revive has no caption: S2 crashes stays
  });

  it('reset() plays the story again from the start', () => {
    const player = new StoryPlayer(story);
    player.advance(30_000, () => {});
    player.reset();
    expect(player.caption).toBeNull();
    const seen: number[] = [];
    player.advance(2_000, (e) => seen.push(e.index));
    expect(seen).toEqual([1]);
  });

  it('a poster shows the moment after the first action, before the next one undoes it, or after the start without one', () => {
    expect(new StoryPlayer(story).posterMs(5_000)).toBe(13_000);
    expect(new StoryPlayer(story).posterMs(20_000)).toBe(8_000 + 6_000);
    expect(new StoryPlayer([]).posterMs(5_000)).toBe(5_000);
  });
});
