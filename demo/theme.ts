/**
 * The colours the canvas views draw with, read from the element's CSS custom properties so a
 * page themes the animation and the charts as it themes the rest: `--lbsim-ink` (text, outlines,
 * the balancer), `--lbsim-muted` (secondary text), `--lbsim-line` (paths, grid lines),
 * `--lbsim-lane` (queue lanes), `--lbsim-bg` (background). The stylesheet gives each a light and
 * a dark default (element-style.ts); boxes keep dark text on their state colours in both.
 * Colours are 0xRRGGBB numbers.
 */
import { AGE_COLORS_DARK, AGE_COLORS_LIGHT, INK, LANE, MUTED, PAPER } from './palette.js';

export interface Theme {
  ink: number;
  muted: number;
  line: number;
  lane: number;
  bg: number;
  /** True when the background is dark (drawn marks in black switch to `ink`). */
  dark: boolean;
}

export const LIGHT_THEME: Theme = { ink: INK, muted: MUTED, line: LANE, lane: 0xf3f4f6, bg: PAPER, dark: false };

/** The theme in effect on `el`: its resolved `--ink`, `--muted`, … (see element-style.ts). */
export function readTheme(el: Element): Theme {
  const style = getComputedStyle(el);
  const get = (name: string, fallback: number) => parseColor(style.getPropertyValue(name), fallback);
  const bg = get('--bg', LIGHT_THEME.bg);
  return {
    ink: get('--ink', LIGHT_THEME.ink),
    muted: get('--muted', LIGHT_THEME.muted),
    line: get('--line', LIGHT_THEME.line),
    lane: get('--lane', LIGHT_THEME.lane),
    bg,
    dark: luminance(bg) < 0.35,
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour → 0xRRGGBB (alpha dropped), or `fallback` when it is not one. */
export function parseColor(text: string, fallback: number): number {
  const value = text.trim();
  if (!value) return fallback;
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return fallback;
  probe.fillStyle = '#000001';
  probe.fillStyle = value;
  const normal = String(probe.fillStyle);
  if (normal === '#000001') return fallback; // not a colour: the assignment was ignored
  const hex = /^#([0-9a-f]{6})$/i.exec(normal);
  if (hex) return parseInt(hex[1], 16);
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(normal);
  return rgb ? (Number(rgb[1]) << 16) | (Number(rgb[2]) << 8) | Number(rgb[3]) : fallback;
}

/** Relative luminance (0 black … 1 white), WCAG's formula. */
export function luminance(color: number): number {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((color >> 16) & 0xff) + 0.7152 * lin((color >> 8) & 0xff) + 0.0722 * lin(color & 0xff);
}

/**
 * The colour to draw a mark of palette colour `color` in on this theme: on a dark background
 * black becomes ink and the age colours take the lighter part of their map.
 */
export function onTheme(theme: Theme, color: number): number {
  if (!theme.dark) return color;
  if (color === 0x000000) return theme.ink;
  const age = AGE_COLORS_LIGHT.indexOf(color);
  return age >= 0 ? AGE_COLORS_DARK[age] : color;
}
