/**
 * The control bar of `<lbsim-view>` (plain DOM in its shadow root), made of the items the page
 * lists in `controls="play,speed,balancer,…"` (see CONTROL_NAMES; "basic", "full" and "none"
 * name common sets): play/pause, single step, playback speed, seed, reset and the clock; the
 * workload knobs — balancer, a second one to compare side by side on the identical workload,
 * arrival rate, request-size distribution, number and power of servers. The bar wraps on narrow
 * screens. Knobs only report values; the element decides what to rebuild.
 */
import { SPEEDS } from './timing.js';
import { POWER, SIZES, type ControlValues } from './control-values.js';
import { formatSpeed } from './frame-clock.js';

export const CONTROL_NAMES = ['play', 'step', 'speed', 'seed', 'reset', 'clock', 'balancer', 'compare', 'rate', 'size', 'servers', 'power'] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];
const BASIC: readonly ControlName[] = ['play', 'step', 'speed', 'seed', 'reset', 'clock'];
const SETS: Record<string, readonly ControlName[]> = { none: [], basic: BASIC, full: CONTROL_NAMES };

/**
 * The items a `controls` attribute asks for: "basic" (absent: the default), "full", "none", or
 * a comma-separated list of CONTROL_NAMES and set names. Unknown names are left out.
 */
export function parseControls(attr: string | null): Set<ControlName> {
  const items = new Set<ControlName>();
  for (const word of (attr ?? 'basic').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean)) {
    for (const name of SETS[word] ?? ((CONTROL_NAMES as readonly string[]).includes(word) ? [word as ControlName] : [])) items.add(name);
  }
  return items;
}

export interface ControlsHandlers {
  playPause(): void;
  step(): void;
  speed(x: number): void;
  reset(seed: number): void;
  balancers(names: string[]): void;
  values(values: ControlValues): void;
}

export interface ControlsInit {
  items: ReadonlySet<ControlName>;
  paused: boolean;
  speed: number;
  seed: number;
  balancers: readonly string[];
  known: readonly string[];
  values: ControlValues;
}

export class ControlsView {
  readonly el: HTMLDivElement;
  private readonly play: HTMLButtonElement;
  private readonly clock: HTMLSpanElement;
  private readonly limit: HTMLSpanElement;
  private readonly speedSelect: HTMLSelectElement;
  private lastClock = '';

  constructor(init: ControlsInit, on: ControlsHandlers) {
    const el = (this.el = h('div', { class: 'controls', role: 'group', 'aria-label': 'Simulation controls' }));
    const has = (name: ControlName) => init.items.has(name);
    const row = h('div', { class: 'row' });
    this.play = button('', 'Play or pause', on.playPause);
    const step = button('Step', 'Handle the next event and pause', on.step);
    this.speedSelect = h('select', { 'aria-label': 'Playback speed' });
    for (const s of SPEEDS) this.speedSelect.append(option(String(s), `${s}×`, s === init.speed));
    if (!SPEEDS.includes(init.speed)) this.speedSelect.append(option(String(init.speed), `${init.speed}×`, true));
    this.speedSelect.onchange = () => on.speed(Number(this.speedSelect.value));
    const seed = h('input', { type: 'number', min: '0', step: '1', value: String(init.seed), 'aria-label': 'Seed', class: 'seed' });
    const reset = button('Reset', 'Restart from time 0 with this seed', () => {
      const v = Number(seed.value);
      on.reset(Number.isInteger(v) && v >= 0 ? v : init.seed);
    });
    this.clock = h('span', { class: 'clock', 'aria-live': 'off' });
    this.limit = h('span', { class: 'limit', title: 'More events than a frame can handle: the simulated clock runs slower than the speed chosen, the page does not.' });
    this.limit.hidden = true;
    const parts: [ControlName, HTMLElement][] = [
      ['play', this.play], ['step', step], ['speed', label('speed', this.speedSelect)], ['seed', label('seed', seed)], ['reset', reset],
    ];
    row.append(...parts.filter(([name]) => has(name)).map(([, part]) => part), this.limit);
    if (has('clock')) row.append(this.clock);
    el.append(row);
    const knobs = this.knobs(init, on);
    if (knobs.childElementCount > 0) el.append(knobs);
    el.hidden = init.items.size === 0;
    this.setPaused(init.paused);
  }

  setPaused(paused: boolean): void {
    this.play.textContent = paused ? '▶ Play' : '❚❚ Pause';
    this.play.setAttribute('aria-pressed', String(!paused));
  }

  setSpeed(speed: number): void {
    const value = String(speed);
    if (![...this.speedSelect.options].some((o) => o.value === value)) this.speedSelect.append(option(value, `${speed}×`, false));
    this.speedSelect.value = value;
  }

  /** Says the speed actually reached when the event budget holds the clock back (NaN: it does not). */
  setLimit(effectiveSpeed: number): void {
    const text = Number.isNaN(effectiveSpeed) ? '' : `speed limited to ${formatSpeed(effectiveSpeed)}`;
    if (this.limit.textContent !== text) this.limit.textContent = text;
    this.limit.hidden = text === '';
    // Said even when the page asked for no controls: the reader should know the clock is held back.
    if (text) this.el.hidden = false;
  }

  /** Shows the simulated time (called a few times a second, not every frame). */
  setClock(simMs: number): void {
    const text = `t = ${(simMs / 1000).toFixed(1)} s`;
    if (text !== this.lastClock) this.clock.textContent = this.lastClock = text;
  }

  private knobs(init: ControlsInit, on: ControlsHandlers): HTMLElement {
    const row = h('div', { class: 'row knobs' });
    const a = h('select', { 'aria-label': 'Balancer' });
    const b = h('select', { 'aria-label': 'Compare with' });
    b.append(option('', '— none —', init.balancers.length < 2));
    for (const name of init.known) {
      a.append(option(name, name, name === init.balancers[0]));
      b.append(option(name, name, name === init.balancers[1]));
    }
    const balancers = () => on.balancers(b.value ? [a.value, b.value] : [a.value]);
    a.onchange = b.onchange = balancers;

    const v = { ...init.values };
    const rate = h('input', { type: 'range', min: String(rateMin(v.ratePerSec)), max: String(rateMax(v.ratePerSec)), step: String(rateStep(v.ratePerSec)), value: String(v.ratePerSec), 'aria-label': 'Arrival rate' });
    const rateOut = h('output', {});
    rateOut.textContent = `${v.ratePerSec}/s`;
    rate.oninput = () => (rateOut.textContent = `${rate.value}/s`);
    rate.onchange = () => on.values({ ...v, ratePerSec: (v.ratePerSec = Number(rate.value)) });
    const size = h('select', { 'aria-label': 'Request size distribution' });
    for (const s of SIZES) size.append(option(s, s, s === v.size));
    size.onchange = () => on.values({ ...v, size: (v.size = size.value as ControlValues['size']) });
    const servers = h('input', { type: 'range', min: '1', max: '16', step: '1', value: String(v.servers), 'aria-label': 'Servers' });
    const serversOut = h('output', {});
    serversOut.textContent = String(v.servers);
    servers.oninput = () => (serversOut.textContent = servers.value);
    servers.onchange = () => on.values({ ...v, servers: (v.servers = Number(servers.value)) });
    const power = h('select', { 'aria-label': 'Server power' });
    for (const p of POWER) power.append(option(p, p === 'mixed' ? 'mixed (weights = power)' : 'equal', p === v.power));
    power.onchange = () => on.values({ ...v, power: (v.power = power.value as ControlValues['power']) });

    const parts: [ControlName, HTMLElement][] = [
      ['balancer', label('balancer', a)], ['compare', label('vs', b)], ['rate', label('rate', rate, rateOut)],
      ['size', label('size', size)], ['servers', label('servers', servers, serversOut)], ['power', label('power', power)],
    ];
    row.append(...parts.filter(([name]) => init.items.has(name)).map(([, part]) => part));
    return row;
  }
}

function rateMin(r: number): number {
  return +(r / 4).toPrecision(2);
}
function rateMax(r: number): number {
  return +(r * 2).toPrecision(2);
}
function rateStep(r: number): number {
  return r >= 50 ? 1 : 0.1;
}

type Attrs = Record<string, string>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', title });
  b.textContent = text;
  b.onclick = onClick;
  return b;
}

function option(value: string, text: string, selected: boolean): HTMLOptionElement {
  const o = h('option', { value });
  o.textContent = text;
  o.selected = selected;
  return o;
}

function label(text: string, ...controls: HTMLElement[]): HTMLLabelElement {
  const l = h('label', {});
  const span = h('span', {});
  span.textContent = text;
  l.append(span, ...controls);
  return l;
}
