import { describe, expect, it } from 'vitest';
import { OKABE_ITO, OUTCOMES, SERVER_STYLES, attemptStyle, css, serverStyle, toBgr, IN_FLIGHT, CANCELLED } from '../../demo/palette.js';
import { AttemptState, RequestState, SERVER_STATE_NAMES, ServerState } from '../../src/model/states.js';

const okabeIto = new Set<number>(Object.values(OKABE_ITO));

describe('palette', () => {
  it('colours every server state from the Okabe–Ito palette, each differently, and labels it by its name', () => {
    expect(SERVER_STYLES.map((s) => s.label)).toEqual([...SERVER_STATE_NAMES]);
    for (const s of SERVER_STYLES) expect(okabeIto.has(s.color)).toBe(true);
    expect(new Set(SERVER_STYLES.map((s) => s.color)).size).toBe(SERVER_STYLES.length);
    expect(serverStyle(ServerState.Failed).color).toBe(OKABE_ITO.vermillion);
    expect(serverStyle(ServerState.Recovering).color).toBe(OKABE_ITO.yellow);
  });

  it('tells request outcomes apart by colour or shape, with Okabe–Ito colours', () => {
    const keys = new Set(OUTCOMES.map((o) => `${o.color}/${o.shape}`));
    expect(keys.size).toBe(OUTCOMES.length);
    for (const o of OUTCOMES) expect(okabeIto.has(o.color)).toBe(true);
    expect(OUTCOMES.map((o) => o.state)).toEqual([RequestState.Succeeded, RequestState.Dropped, RequestState.Failed, RequestState.TimedOut, RequestState.Rejected]);
  });

  it('styles attempts by state: in flight until terminal, then their outcome; cancelled hedges fade in grey', () => {
    expect(attemptStyle(AttemptState.Pending)).toBe(IN_FLIGHT);
    expect(attemptStyle(AttemptState.InService)).toBe(IN_FLIGHT);
    expect(attemptStyle(AttemptState.Dropped).label).toBe('dropped');
    expect(attemptStyle(AttemptState.Cancelled)).toBe(CANCELLED);
  });

  it('converts colours for CSS and for pixi particles', () => {
    expect(css(OKABE_ITO.orange)).toBe('#e69f00');
    expect(css(0)).toBe('#000000');
    expect(toBgr(0x123456)).toBe(0x563412);
  });
});
