// Times ~1e308 apart: the calendar's span overflows to Infinity (scale 0), which once sent +Infinity
// (as NaN) into the heap ahead of earlier entries (found by the rheap review; fixed by treating a
// scale that is not finite and positive as one instant). Both sequences failed before the fix.
import { expect, test } from 'vitest';
import { Q } from './calendar-heap-probe.js';
function drain(q: Q, k: number) { const out: [number, number][] = []; for (let i = 0; i < k; i++) { const [t, seq] = q.pop(); out.push([t, seq]); }; return out; }
const sorted = (xs: [number, number][]) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
test('+Infinity entries keep sequence order when finite times span 1e308 (span overflows)', () => {
  const q = new Q(4, 8, 1);
  const ins: [number, number][] = [[Infinity, 0], [0, 1], [1, 2], [2, 3], [1e308, 4], [1e308, 5], [1e308, 6], [1e308, 7], [1e308, 8], [Infinity, 9]];
  for (const [t, s] of ins) q.push(t, s, s);
  expect(drain(q, ins.length)).toEqual(sorted(ins));
});
test('times from -1e308 to 1e308 pop in order (span overflows)', () => {
  const q = new Q(4, 8, 1);
  const ts = [-1e308, -1e308 + 1e292, 0, 0, 0, 0, 0, 1e308, 0];
  const ins: [number, number][] = ts.map((t, i) => [t, i]);
  for (const [t, s] of ins) q.push(t, s, s);
  expect(drain(q, ins.length)).toEqual(sorted(ins));
});
