/**
 * A workflow machine: a JSON subset of XState v5 machine configs, validated and compiled to
 * integer tables. The subset: `id`, `initial`, `states` (nested), `type: "final"`, `on`, `after`,
 * `always`, `entry`/`exit`, `context` (numbers: counters), `invoke` ({src, id?, onDone?,
 * onError?}); transitions as a target string or `{target?, guard?, actions?, reenter?}` (or a list
 * of them, tried in order). Code is written as data:
 *
 *   guards  {"type": "chance", "params": {"p": 0.08}}                       true with probability p
 *           {"type": "counter", "params": {"counter": "retries", "op": "<", "value": 3}}
 *           {"type": "in", "params": {"state": "PaymentPending", "machine"?: "payment"}}
 *   actions {"type": "inc", "params": {"counter": "retries", "by"?: 1}}
 *           {"type": "set", "params": {"counter": "retries", "value": 0}}
 *           {"type": "send", "params": {"to": "parent" | <machine>, "event": "void"}}
 *
 * so the same config runs in XState once these guards and actions are given implementations
 * (test/workflow/xstate-crosscheck.test.ts does exactly that). Targets: a sibling's key, ".child",
 * "#id" or "#machine.path". Event names follow XState: `xstate.after.<delay>.<state id>` for
 * `after`, `xstate.done.actor.<invoke id>` / `xstate.error.actor.<invoke id>` for an invoke's
 * outcome (invoke ids default to `<index>.<state id>` as in XState).
 */
import { ScenarioError, isObject, join, object, type Json } from '../input/check.js';

export const GUARD_NONE = 0, GUARD_CHANCE = 1, GUARD_COUNTER = 2, GUARD_IN = 3;
export const ACT_INC = 0, ACT_SET = 1, ACT_SEND = 2;
export const OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
/** Event 0 is the eventless (`always`) pseudo-event. */
export const ALWAYS = 0;

const KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const MAX_STATES = 256;
const MAX_TRANSITIONS = 4096;
const MAX_COUNTERS = 32;

/** An `in` guard or a `send` action naming another machine: resolved once all machines are known. */
export interface Reference { machine: string; state?: string; path: string }

export interface CompiledMachine {
  id: string;
  /** States in document order; 0 is the root. */
  names: string[];
  /** Each state's XState id (`order.PaymentPending` or its own `id`). */
  ids: string[];
  /** Each state's path in the scenario (`workflows.machines.order.machine.states.Draft`; the root's, the machine's), for errors. */
  at: string[];
  parent: Int32Array;
  depth: Int32Array;
  /** Initial child of a compound state, -1 for an atomic one. */
  initial: Int32Array;
  final: Uint8Array;
  maxDepth: number;
  events: string[];
  eventIndex: Map<string, number>;
  /** Transitions, grouped by (source, event) in document order: `first[s * E + e]` .. `first[s * E + e + 1]`. */
  first: Int32Array;
  source: Int32Array;
  event: Int32Array;
  target: Int32Array;
  reenter: Uint8Array;
  guardKind: Uint8Array;
  /** chance: -; counter: counter index; in: machine (-1 itself, else a machine's index once linked). */
  guardA: Int32Array;
  /** counter: op index; in: state index (in that machine once linked). */
  guardB: Int32Array;
  /** chance: p; counter: the value compared with. */
  guardValue: Float64Array;
  /** Actions of transition k: actionFirst[k] .. actionFirst[k + 1]. */
  actionFirst: Int32Array;
  /** Entry actions of state s: entryFirst[s] .. entryFirst[s + 1] (in the same action table). */
  entryFirst: Int32Array;
  exitFirst: Int32Array;
  actKind: Uint8Array;
  /** inc/set: counter; send: machine index (-1 parent) once linked. */
  actA: Int32Array;
  /** send: the event's name, resolved in the receiving machine once linked. */
  actB: Int32Array;
  actValue: Float64Array;
  /** Delays of `after`, per state: afterFirst[s] .. afterFirst[s + 1] index delay/afterEvent. */
  afterFirst: Int32Array;
  afterEvent: Int32Array;
  /** The delay in ms, or NaN for a named delay (`afterName`). */
  afterMs: Float64Array;
  afterName: string[];
  /** Invoke of a state: the invoked machine's name, or "" (at most one per state). */
  invokeSrc: string[];
  invokeDone: Int32Array;
  invokeError: Int32Array;
  counters: string[];
  counterInit: Float64Array;
  /** References to other machines, resolved by `link`: guards (`in` with machine) and sends. */
  guardRefs: Map<number, Reference>;
  sendRefs: Map<number, Reference & { event: string }>;
  /** Transition labels as written (event name, guard), for diagrams. */
  labels: string[];
}

interface Node {
  key: string;
  path: string;
  at: string;
  index: number;
  parent: number;
  depth: number;
  id: string;
  config: Json;
  children: number[];
}

interface RawTransition { source: number; event: number; target: number; reenter: boolean; guard: Json | undefined; actions: unknown; path: string; label: string }

export const STATE_FIELDS = ['id', 'initial', 'states', 'type', 'on', 'after', 'always', 'entry', 'exit', 'invoke', 'description', 'tags', 'meta'];
export const ROOT_FIELDS = [...STATE_FIELDS, 'context', 'version'];
export const TRANSITION_FIELDS = ['target', 'guard', 'actions', 'reenter', 'description'];
export const INVOKE_FIELDS = ['src', 'id', 'onDone', 'onError', 'input'];

/** Validates and compiles machine config `value`; errors name `path` (e.g. `workflows.machines.order.machine.states.Draft.on.SUBMIT`). */
export function compileMachine(value: unknown, path: string): CompiledMachine {
  const root = object(value, path, ROOT_FIELDS);
  if (typeof root.id !== 'string' || !KEY.test(root.id)) throw new ScenarioError(join(path, 'id'), root.id, 'the machine\'s id: a letter or "_", then letters, digits, "_" or "-"');
  const machineId = root.id;
  const nodes: Node[] = [];
  const walk = (config: Json, key: string, statePath: string, at: string, parent: number, depth: number): number => {
    const index = nodes.length;
    if (index >= MAX_STATES) throw new ScenarioError(at, key, `at most ${MAX_STATES - 1} states in a machine (besides its root)`);
    if (config.id !== undefined && (typeof config.id !== 'string' || !KEY.test(config.id))) throw new ScenarioError(join(at, 'id'), config.id, 'a state id: a letter or "_", then letters, digits, "_" or "-"');
    const id = parent < 0 ? machineId : typeof config.id === 'string' ? config.id : `${machineId}.${statePath}`;
    const node: Node = { key, path: statePath, at, index, parent, depth, id, config, children: [] };
    nodes.push(node);
    if (config.type !== undefined && config.type !== 'final' && config.type !== 'compound' && config.type !== 'atomic') {
      throw new ScenarioError(join(at, 'type'), config.type, '"final", "compound" or "atomic" (parallel and history states are not supported)');
    }
    if (config.states !== undefined) {
      if (!isObject(config.states)) throw new ScenarioError(join(at, 'states'), config.states, 'an object of states by key');
      const keys = Object.keys(config.states);
      if (config.type === 'final' || config.type === 'atomic') throw new ScenarioError(join(at, 'states'), keys, `no child states in a state of type "${config.type}"`);
      if (keys.length === 0) throw new ScenarioError(join(at, 'states'), config.states, 'at least one state');
      for (const k of keys) {
        const childAt = join(join(at, 'states'), k);
        // __proto__: XState cannot take it, and the summary's states by path would lose it.
        if (!KEY.test(k) || k === '__proto__') throw new ScenarioError(childAt, k, 'a state key: a letter or "_", then letters, digits, "_" or "-" (at most 64; not __proto__)');
        const child = object(config.states[k], childAt, STATE_FIELDS);
        node.children.push(walk(child, k, statePath ? `${statePath}.${k}` : k, childAt, index, depth + 1));
      }
      if (typeof config.initial !== 'string' || !keys.includes(config.initial)) {
        throw new ScenarioError(join(at, 'initial'), config.initial, `the key of its initial state: one of ${keys.join(', ')}`);
      }
    } else {
      if (config.initial !== undefined) throw new ScenarioError(join(at, 'initial'), config.initial, 'no initial in a state without child states');
      if (parent < 0) throw new ScenarioError(join(path, 'states'), undefined, 'the machine\'s states');
    }
    return index;
  };
  walk(root, machineId, '', path, -1, 0);
  const first = nodes.find((n) => n.parent === 0 && n.key === root.initial);
  if (first?.config.type === 'final') throw new ScenarioError(join(path, 'initial'), root.initial, 'a state that is not final (the machine would be done before it starts)');
  const at = (n: Node): string => {
    let s = path;
    const keys: string[] = [];
    for (let x: Node | undefined = n; x && x.parent >= 0; x = nodes[x.parent]) keys.unshift(x.key);
    for (const k of keys) s = join(join(s, 'states'), k);
    return s;
  };
  const seenIds = new Set<string>();
  for (const n of nodes) {
    if (seenIds.has(n.id)) throw new ScenarioError(join(at(n), 'id'), n.id, 'an id no other state of the machine has');
    seenIds.add(n.id);
  }
  const S = nodes.length;
  const resolveTarget = (from: Node, text: unknown, where: string): number => {
    if (typeof text !== 'string' || text.length === 0) throw new ScenarioError(where, text, 'a target: a sibling state\'s key, ".child", "#id" or "#machine.path"');
    if (text.startsWith('#')) {
      const ref = text.slice(1);
      const byId = nodes.find((n) => n.id === ref);
      if (byId) return byId.index;
      if (ref.startsWith(`${machineId}.`)) {
        const p = ref.slice(machineId.length + 1);
        const byPath = nodes.find((n) => n.path === p);
        if (byPath) return byPath.index;
      }
      throw new ScenarioError(where, text, `a state id of the machine: ${nodes.map((n) => `#${n.id}`).join(', ')}`);
    }
    const base = text.startsWith('.') ? from : from.parent >= 0 ? nodes[from.parent] : undefined;
    const rest = text.startsWith('.') ? text.slice(1) : text;
    let cur: Node | undefined = base;
    for (const k of rest.split('.')) {
      cur = cur ? cur.children.map((c) => nodes[c]).find((c) => c.key === k) : undefined;
      if (!cur) break;
    }
    if (!cur) {
      const options = (base?.children ?? []).map((c) => nodes[c].key);
      throw new ScenarioError(where, text, `a state: ${[...options, ...(from.children.length ? from.children.map((c) => `.${nodes[c].key}`) : [])].join(', ') || '(none)'} or "#id"`);
    }
    return cur.index;
  };
  const events: string[] = [''];
  const eventIndex = new Map<string, number>([['', 0]]);
  const eventOf = (name: string): number => {
    let e = eventIndex.get(name);
    if (e === undefined) {
      e = events.length;
      events.push(name);
      eventIndex.set(name, e);
    }
    return e;
  };
  const counters: string[] = [];
  const counterInit: number[] = [];
  if (root.context !== undefined) {
    const ctx = object(root.context, join(path, 'context'), Object.keys(isObject(root.context) ? root.context : {}));
    for (const [k, v] of Object.entries(ctx)) {
      if (!KEY.test(k)) throw new ScenarioError(join(join(path, 'context'), k), k, 'a counter name: a letter or "_", then letters, digits, "_" or "-"');
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScenarioError(join(join(path, 'context'), k), v, 'a number (the context holds counters only)');
      counters.push(k);
      counterInit.push(v);
    }
    if (counters.length > MAX_COUNTERS) throw new ScenarioError(join(path, 'context'), `${counters.length} counters`, `at most ${MAX_COUNTERS}`);
  }
  const counterOf = (name: unknown, where: string): number => {
    const k = typeof name === 'string' ? counters.indexOf(name) : -1;
    if (k < 0) throw new ScenarioError(where, name, `a counter declared in the machine's context: ${counters.join(', ') || '(none declared)'}`);
    return k;
  };
  const raw: RawTransition[] = [];
  const afters: { state: number; event: number; ms: number; name: string }[] = [];
  const invokeSrc: string[] = new Array(S).fill('');
  const invokeDone = new Int32Array(S).fill(-1), invokeError = new Int32Array(S).fill(-1);
  const transitionsOf = (n: Node, value: unknown, event: number, where: string, label: string) => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.length > 64) throw new ScenarioError(where, value, '1 to 64 transitions');
    list.forEach((item, i) => {
      const w = Array.isArray(value) ? join(where, i) : where;
      if (typeof item === 'string') {
        raw.push({ source: n.index, event, target: resolveTarget(n, item, w), reenter: false, guard: undefined, actions: undefined, path: w, label });
        return;
      }
      const x = object(item, w, TRANSITION_FIELDS);
      if (x.target !== undefined && Array.isArray(x.target)) throw new ScenarioError(join(w, 'target'), x.target, 'one target (parallel states are not supported)');
      const target = x.target === undefined ? -1 : resolveTarget(n, x.target, join(w, 'target'));
      if (x.reenter !== undefined && typeof x.reenter !== 'boolean') throw new ScenarioError(join(w, 'reenter'), x.reenter, 'true or false');
      if (x.guard !== undefined && !isObject(x.guard)) throw new ScenarioError(join(w, 'guard'), x.guard, 'a guard as data: {"type": "chance"|"counter"|"in", "params": {...}}');
      raw.push({ source: n.index, event, target, reenter: x.reenter === true, guard: x.guard as Json | undefined, actions: x.actions, path: w, label });
    });
  };
  for (const n of nodes) {
    const c = n.config, where = at(n);
    if (c.on !== undefined) {
      if (!isObject(c.on)) throw new ScenarioError(join(where, 'on'), c.on, 'an object of transitions by event name');
      for (const name of Object.keys(c.on)) {
        if (name === '' || name.startsWith('xstate.') || name.includes('*')) throw new ScenarioError(join(join(where, 'on'), name), name, 'an event name (not empty, no wildcards, not starting with "xstate.")');
        transitionsOf(n, c.on[name], eventOf(name), join(join(where, 'on'), name), name);
      }
    }
    if (c.after !== undefined) {
      if (!isObject(c.after)) throw new ScenarioError(join(where, 'after'), c.after, 'an object of transitions by delay (ms, or a delay named in the world\'s delays)');
      for (const delay of Object.keys(c.after)) {
        const ms = Number(delay);
        const named = delay.trim() === '' || Number.isNaN(ms);
        if (named && !KEY.test(delay)) throw new ScenarioError(join(join(where, 'after'), delay), delay, 'a delay in ms (e.g. "500") or a delay name');
        if (!named && !(ms >= 0 && ms <= 1e12)) throw new ScenarioError(join(join(where, 'after'), delay), delay, 'a delay in ms from 0 to 1e12');
        const e = eventOf(`xstate.after.${named ? delay : ms}.${n.id}`);
        afters.push({ state: n.index, event: e, ms: named ? NaN : ms, name: named ? delay : '' });
        transitionsOf(n, c.after[delay], e, join(join(where, 'after'), delay), `after ${delay}${named ? '' : ' ms'}`);
      }
    }
    if (c.always !== undefined) transitionsOf(n, c.always, ALWAYS, join(where, 'always'), 'always');
    if (c.invoke !== undefined) {
      const inv = object(Array.isArray(c.invoke) && c.invoke.length === 1 ? c.invoke[0] : c.invoke, join(where, 'invoke'), INVOKE_FIELDS);
      if (typeof inv.src !== 'string' || !KEY.test(inv.src)) throw new ScenarioError(join(join(where, 'invoke'), 'src'), inv.src, 'the name of the invoked machine (one of the workflow\'s machines)');
      if (inv.id !== undefined && (typeof inv.id !== 'string' || inv.id === '')) throw new ScenarioError(join(join(where, 'invoke'), 'id'), inv.id, 'an invoke id (a string)');
      const id = typeof inv.id === 'string' ? inv.id : `0.${n.id}`;
      invokeSrc[n.index] = inv.src;
      if (inv.onDone !== undefined) transitionsOf(n, inv.onDone, invokeDone[n.index] = eventOf(`xstate.done.actor.${id}`), join(join(where, 'invoke'), 'onDone'), 'done');
      if (inv.onError !== undefined) transitionsOf(n, inv.onError, invokeError[n.index] = eventOf(`xstate.error.actor.${id}`), join(join(where, 'invoke'), 'onError'), 'error');
    }
    if (c.type === 'final') {
      for (const f of ['on', 'after', 'always', 'invoke']) {
        if (c[f] !== undefined) throw new ScenarioError(join(where, f), c[f], `nothing: a final state has no ${f}`);
      }
    }
  }
  if (raw.length > MAX_TRANSITIONS) throw new ScenarioError(path, `${raw.length} transitions`, `at most ${MAX_TRANSITIONS}`);
  refuseAlwaysLoops(nodes, raw);
  // Group by (source, event), document order within a group.
  const E = events.length;
  const order = raw.map((_, i) => i).sort((a, b) => (raw[a].source * E + raw[a].event) - (raw[b].source * E + raw[b].event) || a - b);
  const T = raw.length;
  const m: CompiledMachine = {
    id: machineId, names: nodes.map((n) => n.path || machineId), ids: nodes.map((n) => n.id), at: nodes.map((n) => n.at),
    parent: Int32Array.from(nodes, (n) => n.parent), depth: Int32Array.from(nodes, (n) => n.depth),
    initial: Int32Array.from(nodes, (n) => (n.children.length ? n.children.find((c) => nodes[c].key === n.config.initial)! : -1)),
    final: Uint8Array.from(nodes, (n) => (n.config.type === 'final' ? 1 : 0)),
    maxDepth: Math.max(...nodes.map((n) => n.depth)) + 1,
    events, eventIndex,
    first: new Int32Array(S * E + 1), source: new Int32Array(T), event: new Int32Array(T), target: new Int32Array(T), reenter: new Uint8Array(T),
    guardKind: new Uint8Array(T), guardA: new Int32Array(T), guardB: new Int32Array(T), guardValue: new Float64Array(T),
    actionFirst: new Int32Array(T + 1), entryFirst: new Int32Array(S + 1), exitFirst: new Int32Array(S + 1),
    actKind: new Uint8Array(0), actA: new Int32Array(0), actB: new Int32Array(0), actValue: new Float64Array(0),
    afterFirst: new Int32Array(S + 1), afterEvent: new Int32Array(afters.length), afterMs: new Float64Array(afters.length), afterName: [],
    invokeSrc, invokeDone, invokeError, counters, counterInit: Float64Array.from(counterInit),
    guardRefs: new Map(), sendRefs: new Map(), labels: [],
  };
  const acts: { kind: number; a: number; b: number; value: number }[] = [];
  const action = (value: unknown, where: string) => {
    if (typeof value === 'string') throw new ScenarioError(where, value, 'an action as data: {"type": "inc"|"set"|"send", "params": {...}}');
    const x = object(value, where, ['type', 'params']);
    // The type first: its params are checked against the fields of that type.
    if (x.type !== 'inc' && x.type !== 'set' && x.type !== 'send') throw new ScenarioError(join(where, 'type'), x.type, '"inc", "set" or "send"');
    const p = object(x.params ?? {}, join(where, 'params'), x.type === 'send' ? ['to', 'event'] : x.type === 'set' ? ['counter', 'value'] : ['counter', 'by']);
    const pAt = join(where, 'params');
    if (x.type === 'inc') {
      const by = p.by === undefined ? 1 : p.by;
      if (typeof by !== 'number' || !Number.isFinite(by)) throw new ScenarioError(join(pAt, 'by'), p.by, 'a number');
      acts.push({ kind: ACT_INC, a: counterOf(p.counter, join(pAt, 'counter')), b: 0, value: by });
    } else if (x.type === 'set') {
      if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw new ScenarioError(join(pAt, 'value'), p.value, 'a number');
      acts.push({ kind: ACT_SET, a: counterOf(p.counter, join(pAt, 'counter')), b: 0, value: p.value });
    } else {
      if (typeof p.to !== 'string' || !KEY.test(p.to)) throw new ScenarioError(join(pAt, 'to'), p.to, '"parent" or the name of a related machine (one it invokes)');
      if (typeof p.event !== 'string' || p.event === '' || p.event.startsWith('xstate.')) throw new ScenarioError(join(pAt, 'event'), p.event, 'an event name');
      m.sendRefs.set(acts.length, { machine: p.to, path: pAt, event: p.event });
      acts.push({ kind: ACT_SEND, a: -1, b: -1, value: 0 });
    }
  };
  const actionList = (value: unknown, where: string) => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((v, i) => action(v, join(where, i)));
    else action(value, where);
  };
  order.forEach((r, k) => {
    const t = raw[r];
    m.source[k] = t.source;
    m.event[k] = t.event;
    m.target[k] = t.target;
    m.reenter[k] = t.reenter ? 1 : 0;
    let label = t.label;
    if (t.guard !== undefined) {
      const gAt = join(t.path, 'guard');
      const g = object(t.guard, gAt, ['type', 'params']);
      // The type first: its params are checked against the fields of that type.
      if (g.type !== 'chance' && g.type !== 'counter' && g.type !== 'in') throw new ScenarioError(join(gAt, 'type'), g.type, '"chance", "counter" or "in"');
      const p = object(g.params, join(gAt, 'params'), g.type === 'chance' ? ['p'] : g.type === 'counter' ? ['counter', 'op', 'value'] : ['state', 'machine']);
      const pAt = join(gAt, 'params');
      if (g.type === 'chance') {
        if (typeof p.p !== 'number' || !(p.p >= 0 && p.p <= 1)) throw new ScenarioError(join(pAt, 'p'), p.p, 'a probability from 0 to 1');
        m.guardKind[k] = GUARD_CHANCE;
        m.guardValue[k] = p.p;
        label += ` [p ${p.p}]`;
      } else if (g.type === 'counter') {
        m.guardKind[k] = GUARD_COUNTER;
        m.guardA[k] = counterOf(p.counter, join(pAt, 'counter'));
        const op = OPS.indexOf(p.op as (typeof OPS)[number]);
        if (op < 0) throw new ScenarioError(join(pAt, 'op'), p.op, `one of ${OPS.join(' ')}`);
        m.guardB[k] = op;
        if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw new ScenarioError(join(pAt, 'value'), p.value, 'a number');
        m.guardValue[k] = p.value;
        label += ` [${p.counter} ${p.op} ${p.value}]`;
      } else {
        m.guardKind[k] = GUARD_IN;
        if (typeof p.state !== 'string' || p.state === '') throw new ScenarioError(join(pAt, 'state'), p.state, 'a state path (e.g. "PaymentPending.Authorizing") or "#id"');
        if (p.machine !== undefined && p.machine !== machineId) {
          if (typeof p.machine !== 'string' || !KEY.test(p.machine)) throw new ScenarioError(join(pAt, 'machine'), p.machine, '"parent" or the name of a related machine');
          m.guardRefs.set(k, { machine: p.machine, state: p.state, path: pAt });
          m.guardA[k] = -2;
        } else {
          m.guardA[k] = -1;
          m.guardB[k] = stateByPath(m, p.state, join(pAt, 'state'));
        }
        label += ` [in ${p.machine !== undefined ? `${p.machine}.` : ''}${p.state}]`;
      }
    }
    m.labels.push(label);
    m.actionFirst[k] = acts.length;
    actionList(t.actions, join(t.path, 'actions'));
  });
  m.actionFirst[T] = acts.length;
  nodes.forEach((n, s) => {
    m.entryFirst[s] = acts.length;
    actionList(n.config.entry, join(at(n), 'entry'));
  });
  m.entryFirst[S] = acts.length;
  nodes.forEach((n, s) => {
    m.exitFirst[s] = acts.length;
    actionList(n.config.exit, join(at(n), 'exit'));
  });
  m.exitFirst[S] = acts.length;
  m.actKind = Uint8Array.from(acts, (a) => a.kind);
  m.actA = Int32Array.from(acts, (a) => a.a);
  m.actB = Int32Array.from(acts, (a) => a.b);
  m.actValue = Float64Array.from(acts, (a) => a.value);
  // Group first[] by (source, event).
  let k = 0;
  for (let i = 0; i < S * E; i++) {
    m.first[i] = k;
    while (k < T && m.source[k] * E + m.event[k] === i) k++;
  }
  m.first[S * E] = T;
  afters.sort((a, b) => a.state - b.state);
  let j = 0;
  for (let s = 0; s <= S; s++) {
    m.afterFirst[s] = j;
    while (j < afters.length && afters[j].state === s) j++;
  }
  afters.forEach((a, i) => {
    m.afterEvent[i] = a.event;
    m.afterMs[i] = a.ms;
    m.afterName.push(a.name);
  });
  return m;
}

/**
 * Unguarded `always` transitions that lead back where they started would loop without end: from
 * each atomic state, the first `always` transition of it or its nearest ancestor having some,
 * when unguarded, leads on to its target's initial leaf; a cycle of those is refused.
 */
function refuseAlwaysLoops(nodes: readonly Node[], raw: readonly RawTransition[]): void {
  const leafOf = (s: number): number => {
    let x = s;
    while (nodes[x].children.length > 0) x = nodes[x].children.find((c) => nodes[c].key === nodes[x].config.initial)!;
    return x;
  };
  const next = new Map<number, RawTransition>();
  for (const n of nodes) {
    if (n.children.length > 0) continue;
    for (let x = n.index; x >= 0; x = nodes[x].parent) {
      const first = raw.find((t) => t.source === x && t.event === ALWAYS);
      if (!first) continue;
      if (first.guard === undefined && first.target >= 0) next.set(n.index, first);
      break;
    }
  }
  for (const start of next.keys()) {
    const seen = new Set<number>();
    for (let s: number | undefined = start; s !== undefined && next.has(s); s = leafOf(next.get(s)!.target)) {
      if (seen.has(s)) throw new ScenarioError(next.get(s)!.path, nodes[s].path, 'always transitions that end: these lead back to where they started without a guard (a loop)');
      seen.add(s);
    }
  }
}

/** The index of state `text` (a dotted path from the root, or "#id") in machine `m`. */
export function stateByPath(m: CompiledMachine, text: string, where: string): number {
  if (text.startsWith('#')) {
    const i = m.ids.indexOf(text.slice(1));
    if (i >= 0) return i;
  } else {
    const i = m.names.indexOf(text);
    if (i > 0) return i;
  }
  throw new ScenarioError(where, text, `a state of machine ${m.id}: ${m.names.slice(1).join(', ')}`);
}

/** True when state `a` is `b` or inside it. */
export function within(m: CompiledMachine, a: number, b: number): boolean {
  for (let x = a; x >= 0; x = m.parent[x]) if (x === b) return true;
  return false;
}
