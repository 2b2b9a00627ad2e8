/**
 * The gallery page: one section per scene of the essay path (data-driven from `SCENES`; scenes
 * whose balancers are not registered are skipped), then a playground with every control.
 * Exposes a read-only test hook, `window.__lbsim`, over the page's `<lbsim-view>` elements.
 */
import './lbsim-view.js';
import type { LbsimViewElement } from './lbsim-view-element.js';
import { availableScenes } from './scenes.js';
import { SCENE_TEXTS } from './scene-texts.js';

const main = document.getElementById('scenes')!;
const scenes = availableScenes().filter((s) => s.gallery !== false);
scenes.forEach((scene, i) => main.append(section(`${i + 1}.`, scene.title, SCENE_TEXTS[scene.id] ?? '', { preset: scene.id, ...(scene.speed ? { speed: String(scene.speed) } : {}) })));
main.append(section('', 'Playground', 'Every knob: balancer (pick a second one to compare side by side on the identical workload), arrival rate, request sizes, number and power of servers, playback speed, single step and seed.', {
  preset: 'variable-cost', controls: 'full', balancers: 'round-robin,least-connections',
}, 'playground'));

function section(n: string, title: string, text: string, attrs: Record<string, string>, className = ''): HTMLElement {
  const s = document.createElement('section');
  s.className = className;
  s.id = attrs.preset && !className ? attrs.preset : className;
  const h = document.createElement('h2');
  if (n) {
    const span = document.createElement('span');
    span.className = 'n';
    span.textContent = n;
    h.append(span);
  }
  h.append(title);
  const p = document.createElement('p');
  p.textContent = text;
  const view = document.createElement('lbsim-view');
  for (const [k, v] of Object.entries(attrs)) view.setAttribute(k, v);
  s.append(h, p, view);
  return s;
}

const views = () => [...document.querySelectorAll('lbsim-view')] as LbsimViewElement[];
(window as unknown as { __lbsim: unknown }).__lbsim = Object.freeze({
  count: () => views().length,
  ids: () => views().map((v) => v.getAttribute('preset')),
  snapshot: (k = 0) => views()[k]?.snapshot(),
  kill: (s: number, k = 0) => views()[k]?.kill(s),
  revive: (s: number, k = 0) => views()[k]?.revive(s),
  slow: (s: number, factor = 4, k = 0) => views()[k]?.slow(s, factor),
  scrollTo: (k = 0) => views()[k]?.scrollIntoView({ block: 'center' }),
});
