/**
 * The shadow-root stylesheet of `<lbsim-view>`. The host's height is auto by default (the
 * element sizes its stage from its width); a height the page sets is filled instead. The
 * `.probe` tells the two apart: its height is 100% of an auto height, which is 0.
 */
export const ELEMENT_CSS = `
:host { display: block; position: relative; box-sizing: border-box;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430; background: #fff;
  border: 1px solid #e5e7eb; border-radius: 10px; overflow: hidden; contain: content; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
.frame { display: flex; height: 100%; align-items: flex-start; }
.probe { flex: none; width: 0; height: 100%; }
.wrap { flex: 1 1 auto; min-width: 0; align-self: stretch; display: flex; flex-direction: column; }
.stage { flex: none; display: flex; position: relative; }
.panel { display: flex; flex: 0 0 auto; min-width: 0; min-height: 0; }
.stage.rows .panel + .panel { border-top: 1px solid #e5e7eb; }
.stage.cols .panel + .panel { border-left: 1px solid #e5e7eb; }
.scene { position: relative; flex: 0 0 auto; cursor: pointer; }
.stage:focus { outline: none; }
.stage:focus-visible { outline: 2px solid #0072b2; outline-offset: -2px; }
.server-focus { position: absolute; border: 3px solid #0072b2; border-radius: 6px; pointer-events: none; }
.server-focus[hidden] { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.scene canvas, .charts canvas { display: block; }
.charts { flex: 0 0 auto; }
.message { margin: 16px; padding: 12px 14px; border-left: 4px solid #d55e00; background: #fff7ed; white-space: pre-wrap;
  font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow: auto; }
.message b { font-family: system-ui, sans-serif; display: block; margin-bottom: 4px; }
.controls { flex: 0 0 auto; border-top: 1px solid #e5e7eb; background: #f9fafb; padding: 5px 8px; }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
.row + .row { margin-top: 4px; }
label { display: inline-flex; align-items: center; gap: 4px; color: #4b5563; }
button, select, input { font: inherit; color: inherit; }
button { border: 1px solid #cbd5e1; background: #fff; border-radius: 6px; padding: 2px 9px; cursor: pointer; }
button:hover { background: #f1f5f9; }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid #0072b2; outline-offset: 1px; }
select, input.seed { border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; padding: 1px 4px; max-width: 13em; }
input.seed { width: 5.5em; }
input[type=range] { width: 90px; }
output { min-width: 3.2em; font-variant-numeric: tabular-nums; }
.limit { margin-left: auto; color: #b45309; font-weight: 600; }
.limit[hidden] { display: none; }
.limit:not([hidden]) + .clock { margin-left: 0; }
.clock { margin-left: auto; font-variant-numeric: tabular-nums; color: #4b5563; }
.legend { flex: 0 0 auto; padding: 3px 8px 4px; font-size: 11.5px; color: #4b5563; border-top: 1px solid #e5e7eb; }
.legend summary { cursor: pointer; font-weight: 600; color: #1d2430; width: max-content; }
.legend[open] summary { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.legend .key { display: flex; flex-wrap: wrap; gap: 2px 14px; }
.legend .group { display: inline-flex; flex-wrap: wrap; gap: 2px 9px; align-items: center; }
.legend b { font-weight: 600; color: #1d2430; }
.legend .item { display: inline-flex; align-items: center; gap: 3px; }
.legend .hint { margin-left: auto; }
.menu { position: absolute; z-index: 2; min-width: 140px; background: #fff; border: 1px solid #cbd5e1; border-radius: 8px;
  box-shadow: 0 6px 24px rgba(15, 23, 42, 0.18); padding: 4px; }
.menu[hidden] { display: none; }
.menu-title { font-weight: 600; padding: 3px 8px 4px; }
.menu button { display: block; width: 100%; text-align: left; border: 0; border-radius: 5px; padding: 4px 8px; }
`;
