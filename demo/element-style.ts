/**
 * The shadow-root stylesheet of `<lbsim-view>`.
 *
 * Sizing: the host's height is auto by default (the element sizes its stage from its width); a
 * height the page sets is filled instead. The `.probe` tells the two apart: its height is 100%
 * of an auto height, which is 0.
 *
 * Isolation: the host and the content root (`.frame`, and the menu) reset every property with
 * `all: initial`, so a page's `text-align`, `letter-spacing`, `line-height`, `text-transform`…
 * do not reach the figure's text; only custom properties pass (CSS never resets those).
 *
 * Theming: the page sets `--lbsim-*` custom properties on the element or any ancestor —
 * `--lbsim-bg`, `--lbsim-ink`, `--lbsim-muted`, `--lbsim-line`, `--lbsim-lane`, `--lbsim-surface`,
 * `--lbsim-border`, `--lbsim-accent`, `--lbsim-font`. Unset ones take the light defaults, or the
 * dark ones under `prefers-color-scheme: dark` (`theme="light"` or `"dark"` forces either).
 * The canvases read the resolved `--ink`, `--muted`, `--line`, `--lane`, `--bg` (theme.ts).
 */
const LIGHT = `
  --bg: var(--lbsim-bg, #ffffff); --ink: var(--lbsim-ink, #1d2430); --muted: var(--lbsim-muted, #4b5563);
  --line: var(--lbsim-line, #e5e7eb); --lane: var(--lbsim-lane, #f3f4f6); --surface: var(--lbsim-surface, #f9fafb);
  --border: var(--lbsim-border, #e5e7eb); --control: var(--lbsim-control-border, #cbd5e1); --accent: var(--lbsim-accent, #0072b2);
  --warn: var(--lbsim-warn, #b45309); --error-bg: var(--lbsim-error-bg, #fff7ed);`;
const DARK = `
  --bg: var(--lbsim-bg, #14181f); --ink: var(--lbsim-ink, #e6e8eb); --muted: var(--lbsim-muted, #a3aab5);
  --line: var(--lbsim-line, #343b47); --lane: var(--lbsim-lane, #232934); --surface: var(--lbsim-surface, #1b2029);
  --border: var(--lbsim-border, #343b47); --control: var(--lbsim-control-border, #4b5563); --accent: var(--lbsim-accent, #56b4e9);
  --warn: var(--lbsim-warn, #f0b24a); --error-bg: var(--lbsim-error-bg, #2a1d14);`;
const FONT = 'var(--lbsim-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif)';

export const ELEMENT_CSS = `
:host { all: initial; display: block; position: relative; box-sizing: border-box; overflow: hidden; contain: content;
  border: 1px solid var(--lbsim-border, #e5e7eb); border-radius: var(--lbsim-radius, 10px); background: var(--lbsim-bg, #fff); }
:host([hidden]) { display: none; }
.frame, .menu { all: initial; ${LIGHT}
  font: 13px/1.35 ${FONT}; color: var(--ink); text-align: start; }
:host([theme=dark]) .frame, :host([theme=dark]) .menu { ${DARK} }
@media (prefers-color-scheme: dark) {
  :host(:not([theme=light])) { background: var(--lbsim-bg, #14181f); border-color: var(--lbsim-border, #343b47); }
  :host(:not([theme=light])) .frame, :host(:not([theme=light])) .menu { ${DARK} }
}
:host([theme=dark]) { background: var(--lbsim-bg, #14181f); border-color: var(--lbsim-border, #343b47); }
[hidden] { display: none !important; }
.frame { display: flex; height: 100%; align-items: flex-start; background: var(--bg); }
.probe { flex: none; width: 0; height: 100%; }
.wrap { flex: 1 1 auto; min-width: 0; align-self: stretch; display: flex; flex-direction: column; }
.stage { flex: none; display: flex; position: relative; }
.panel { display: flex; flex: 0 0 auto; min-width: 0; min-height: 0; }
.stage.rows .panel + .panel { border-top: 1px solid var(--border); }
.stage.cols .panel + .panel { border-left: 1px solid var(--border); }
.scene { position: relative; flex: 0 0 auto; cursor: pointer; }
.stage:focus { outline: none; }
.stage:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
.server-focus { position: absolute; border: 3px solid var(--accent); border-radius: 6px; pointer-events: none; }
.caption { position: absolute; top: 6px; left: 6px; max-width: min(55%, 30em); z-index: 1;
  padding: 4px 10px; border-radius: 6px; background: var(--bg); border: 1px solid var(--border); box-shadow: 0 2px 8px rgba(15, 23, 42, 0.12);
  font-size: 13.5px; font-weight: 600; color: var(--ink); pointer-events: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.scene canvas, .charts canvas { display: block; }
.charts { flex: 0 0 auto; }
.message { margin: 12px; padding: 12px 14px; border-left: 4px solid #d55e00; background: var(--error-bg); white-space: pre-wrap;
  font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow: auto; }
.message b { font-family: ${FONT}; display: block; margin-bottom: 4px; }
.controls { flex: 0 0 auto; border-top: 1px solid var(--border); background: var(--surface); padding: 5px 8px; }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
.row + .row { margin-top: 4px; }
label { display: inline-flex; align-items: center; gap: 4px; color: var(--muted); }
button, select, input { font: inherit; color: inherit; letter-spacing: inherit; text-transform: none; }
button { border: 1px solid var(--control); background: var(--bg); border-radius: 6px; padding: 2px 9px; cursor: pointer; }
button:hover { background: var(--lane); }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
select, input.seed { border: 1px solid var(--control); border-radius: 6px; background: var(--bg); padding: 1px 4px; max-width: 13em; }
input.seed { width: 5.5em; }
input[type=range] { width: 90px; accent-color: var(--accent); }
output { min-width: 3.2em; font-variant-numeric: tabular-nums; }
.limit { margin-left: auto; color: var(--warn); font-weight: 600; }
.limit:not([hidden]) + .clock { margin-left: 0; }
.clock { margin-left: auto; font-variant-numeric: tabular-nums; color: var(--muted); }
.legend { display: block; flex: 0 0 auto; padding: 3px 8px 4px; font-size: 11.5px; color: var(--muted); border-top: 1px solid var(--border); }
.legend summary { display: list-item; cursor: pointer; font-weight: 600; color: var(--ink); width: max-content; }
.legend[open] summary { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.legend .key { display: flex; flex-wrap: wrap; gap: 2px 14px; }
.legend .group { display: inline-flex; flex-wrap: wrap; gap: 2px 9px; align-items: center; }
.legend b { font-weight: 600; color: var(--ink); }
.legend .item { display: inline-flex; align-items: center; gap: 3px; }
.legend .hint { margin-left: auto; }
.legend svg { color: var(--ink); }
.menu { position: absolute; z-index: 2; min-width: 140px; background: var(--bg); border: 1px solid var(--control); border-radius: 8px;
  box-shadow: 0 6px 24px rgba(15, 23, 42, 0.18); padding: 4px; }
.menu-title { display: block; font-weight: 600; padding: 3px 8px 4px; }
.menu button { display: block; width: 100%; text-align: left; border: 0; border-radius: 5px; padding: 4px 8px; }
`;
