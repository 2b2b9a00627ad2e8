/**
 * Validation of a scenario's `workflows`: machines (XState v5 configs as data, see machine.ts)
 * living in the topology's services, the world around them, and invariants. Errors name the path
 * (`workflows.machines.order.machine.states.PaymentPending.on.cancel[0].target`).
 *
 *   "workflows": {
 *     "start": "order",                                  an entry arrival creates one
 *     "machines": {
 *       "order":   {"service": "orders", "machine": {...},
 *                   "events": {"cancel": {"in": "PaymentPending", "after": {dist}, "p": 0.2}},
 *                   "delays": {"voidCheck": {dist}}},
 *       "payment": {"service": "payments", "machine": {...}, "request": ["authorize"],
 *                   "respond": "processed", "ok": ["Authorized"], "idempotencyKey": true}
 *     },
 *     "invariants": {"never": [{"order": "Cancelled", "payment": "Authorized"}],
 *                    "eventually": [{"order": ["Completed", "Cancelled"], "withinMs": 60000}]}
 *   }
 */
import { ScenarioError, array, isObject, join, numberField, object, oneOf, type Json } from '../input/check.js';
import { parseDistribution } from '../scenario/distribution-spec.js';
import type { DistributionSpec } from '../random/distributions.js';
import { compileMachine, stateByPath, type CompiledMachine } from './machine.js';
import type { WorkflowConfig, WorkflowMachineConfig } from './world.js';

export const WORKFLOW_FIELDS = ['start', 'machines', 'invariants'] as const;
export const WORKFLOW_MACHINE_FIELDS = ['service', 'machine', 'request', 'respond', 'ok', 'idempotencyKey', 'events', 'delays'] as const;
export const WORKFLOW_EVENT_FIELDS = ['in', 'after', 'p'] as const;
export const WORKFLOW_INVARIANT_FIELDS = ['never', 'eventually'] as const;
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_MACHINES = 16;

/** Parses `workflows`; `services` are the topology's service names. Returns the config and the edges its invokes call over. */
export function parseWorkflows(value: unknown, services: readonly string[]): { config: WorkflowConfig; edges: string[] } {
  const path = 'workflows';
  const o = object(value, path, WORKFLOW_FIELDS);
  const mPath = join(path, 'machines');
  if (!isObject(o.machines)) throw new ScenarioError(mPath, o.machines, 'an object of machines by name, e.g. {"order": {"service": "orders", "machine": {...}}}');
  const names = Object.keys(o.machines);
  if (names.length === 0 || names.length > MAX_MACHINES) throw new ScenarioError(mPath, `${names.length} machines`, `1 to ${MAX_MACHINES} machines`);
  for (const n of names) if (!NAME.test(n) || n === 'parent') throw new ScenarioError(join(mPath, n), n, 'a machine name: a letter, then letters, digits, "_" or "-" (not "parent")');
  const start = o.start === undefined ? names[0] : oneOf(o.start, join(path, 'start'), names);
  const compiled = new Map<string, CompiledMachine>();
  const machines: Record<string, WorkflowMachineConfig> = {};
  const raw = new Map<string, Json>();
  for (const name of names) {
    const at = join(mPath, name);
    const x = object(o.machines[name], at, WORKFLOW_MACHINE_FIELDS);
    raw.set(name, x);
    const service = oneOf(x.service, join(at, 'service'), services as string[]);
    const m = compileMachine(x.machine, join(at, 'machine'));
    compiled.set(name, m);
    machines[name] = { service, machine: structuredClone(x.machine) as Record<string, unknown> };
  }
  const startService = machines[start].service;
  const edges: string[] = [];
  // Invokes: only the start machine invokes, machines living in other services; no invoke inside another.
  for (const name of names) {
    const m = compiled.get(name)!, at = join(join(mPath, name), 'machine');
    m.invokeSrc.forEach((src, s) => {
      if (!src) return;
      const where = `${at}.states.${m.names[s].split('.').join('.states.')}.invoke.src`;
      if (name !== start) throw new ScenarioError(where, src, `no invoke here: only the start machine (${start}) invokes other machines`);
      if (!names.includes(src) || src === start) throw new ScenarioError(where, src, `another machine of the workflow: ${names.filter((n) => n !== start).join(', ') || '(none)'}`);
      if (machines[src].service === startService) throw new ScenarioError(where, src, `a machine in another service than ${startService} (an invoke is a call between services)`);
      for (let p = m.parent[s]; p > 0; p = m.parent[p]) if (m.invokeSrc[p]) throw new ScenarioError(where, src, 'no invoke inside a state that already invokes');
      const edge = `${startService}->${machines[src].service}`;
      if (!edges.includes(edge)) edges.push(edge);
    });
  }
  const invoked = new Set(compiled.get(start)!.invokeSrc.filter(Boolean));
  const byService = new Map<string, string>();
  for (const name of names) {
    const x = raw.get(name)!, at = join(mPath, name), m = compiled.get(name)!, mc = machines[name];
    if (name !== start) {
      if (!invoked.has(name)) throw new ScenarioError(join(at, 'machine'), name, `a machine the start machine (${start}) invokes, or remove it`);
      const other = byService.get(mc.service);
      if (other !== undefined) throw new ScenarioError(join(at, 'service'), mc.service, `a service no other invoked machine lives in (${other} does)`);
      byService.set(mc.service, name);
      const events = (v: unknown, where: string): string[] => {
        const list = typeof v === 'string' ? [v] : array(v, where, 1);
        return list.map((e, i) => {
          const w = typeof v === 'string' ? where : join(where, i);
          if (typeof e !== 'string' || !m.eventIndex.has(e) || e === '') throw new ScenarioError(w, e, `an event machine ${m.id} takes: ${m.events.slice(1).filter((n) => !n.startsWith('xstate.')).join(', ')}`);
          return e;
        });
      };
      mc.request = events(x.request, join(at, 'request'));
      if (typeof x.respond !== 'string') throw new ScenarioError(join(at, 'respond'), x.respond, `one event name machine ${m.id} takes when an attempt's handler is done`);
      mc.respond = events(x.respond, join(at, 'respond'))[0];
      const ok = array(x.ok, join(at, 'ok'), 1);
      mc.ok = ok.map((s, i) => {
        if (typeof s !== 'string') throw new ScenarioError(join(join(at, 'ok'), i), s, 'a state name');
        stateByPath(m, s, join(join(at, 'ok'), i));
        return s;
      });
      if (x.idempotencyKey !== undefined) {
        if (typeof x.idempotencyKey !== 'boolean') throw new ScenarioError(join(at, 'idempotencyKey'), x.idempotencyKey, 'true (calls carry a key: the callee meets retried attempts with the same operation) or false');
        mc.idempotencyKey = x.idempotencyKey;
      }
    } else {
      for (const f of ['request', 'respond', 'ok', 'idempotencyKey']) {
        if (x[f] !== undefined) throw new ScenarioError(join(at, f), x[f], `nothing: ${f} belongs to an invoked machine (this is the start machine)`);
      }
    }
    if (x.delays !== undefined) {
      if (!isObject(x.delays)) throw new ScenarioError(join(at, 'delays'), x.delays, 'an object of distributions by delay name');
      mc.delays = Object.create(null) as Record<string, DistributionSpec>; // names like constructor or __proto__ are the user's
      for (const [d, spec] of Object.entries(x.delays)) {
        if (!m.afterName.includes(d)) throw new ScenarioError(join(join(at, 'delays'), d), d, `a delay named in an after of the machine: ${m.afterName.filter(Boolean).join(', ') || '(none)'}`);
        mc.delays[d] = parseDistribution(spec, join(join(at, 'delays'), d));
      }
    }
    for (const d of m.afterName) {
      if (d && !(mc.delays !== undefined && Object.hasOwn(mc.delays, d))) throw new ScenarioError(join(join(at, 'delays'), d), undefined, `a distribution for the delay "${d}" the machine's after names`);
    }
    if (x.events !== undefined) {
      if (!isObject(x.events)) throw new ScenarioError(join(at, 'events'), x.events, 'an object of user events by event name, e.g. {"cancel": {"in": "PaymentPending", "after": {"dist": "exponential", "meanMs": 20000}, "p": 0.2}}');
      mc.events = Object.create(null) as NonNullable<WorkflowMachineConfig['events']>;
      for (const [e, w] of Object.entries(x.events)) {
        const ew = join(join(at, 'events'), e);
        if (!m.eventIndex.has(e) || e === '' || e.startsWith('xstate.')) throw new ScenarioError(ew, e, `an event machine ${m.id} takes: ${m.events.slice(1).filter((n) => !n.startsWith('xstate.')).join(', ') || '(none)'}`);
        const y = object(w, ew, WORKFLOW_EVENT_FIELDS);
        if (typeof y.in !== 'string') throw new ScenarioError(join(ew, 'in'), y.in, 'the state in which the event may come (a path like "PaymentPending")');
        stateByPath(m, y.in, join(ew, 'in'));
        const ev: { in: string; after: ReturnType<typeof parseDistribution>; p?: number } = { in: y.in, after: parseDistribution(y.after, join(ew, 'after')) };
        if (y.p !== undefined) ev.p = numberField(y, 'p', ew, { min: 0, max: 1 });
        mc.events[e] = ev;
      }
    }
  }
  // Cross-machine references: guards `in` and sends name "parent" or a machine of the workflow.
  for (const name of names) {
    const m = compiled.get(name)!;
    const check = (ref: { machine: string; path: string; state?: string }, field: string) => {
      const target = ref.machine === 'parent' ? (name === start ? undefined : start) : ref.machine;
      if (target === undefined || !names.includes(target) || target === name) {
        throw new ScenarioError(join(ref.path, field), ref.machine, `"parent" (from an invoked machine) or another machine of the workflow: ${names.filter((n) => n !== name).join(', ')}`);
      }
      if (name !== start && target !== start) throw new ScenarioError(join(ref.path, field), ref.machine, `"parent" or ${start} (an invoked machine knows its parent only)`);
      return compiled.get(target)!;
    };
    for (const ref of m.guardRefs.values()) stateByPath(check(ref, 'machine'), ref.state!, join(ref.path, 'state'));
    for (const ref of m.sendRefs.values()) {
      const to = check(ref, 'to');
      if (!to.eventIndex.has(ref.event)) throw new ScenarioError(join(ref.path, 'event'), ref.event, `an event machine ${to.id} takes: ${to.events.slice(1).filter((n) => !n.startsWith('xstate.')).join(', ')}`);
    }
  }
  const config: WorkflowConfig = { start, machines };
  if (o.invariants !== undefined) {
    const iPath = join(path, 'invariants');
    const x = object(o.invariants, iPath, WORKFLOW_INVARIANT_FIELDS);
    config.invariants = {};
    const paired = [...invoked][0];
    if (x.never !== undefined) {
      config.invariants.never = array(x.never, join(iPath, 'never')).map((v, i) => {
        const at = join(join(iPath, 'never'), i);
        const y = object(v, at, [start, ...invoked]);
        if (Object.keys(y).length === 0) throw new ScenarioError(at, v, `states that must never hold together, e.g. {"${start}": "Cancelled"${paired ? `, "${paired}": "Authorized"` : ''}}`);
        const out: Record<string, string> = {};
        for (const [k, s] of Object.entries(y)) {
          if (typeof s !== 'string') throw new ScenarioError(join(at, k), s, 'a state name');
          stateByPath(compiled.get(k)!, s, join(at, k));
          out[k] = s;
        }
        return out;
      });
    }
    if (x.eventually !== undefined) {
      config.invariants.eventually = array(x.eventually, join(iPath, 'eventually')).map((v, i) => {
        const at = join(join(iPath, 'eventually'), i);
        const y = object(v, at, [start, 'withinMs']);
        if (y[start] === undefined) throw new ScenarioError(join(at, start), undefined, `the states of ${start} one of which must be reached, e.g. ["Completed", "Cancelled"]`);
        const list = typeof y[start] === 'string' ? [y[start] as string] : array(y[start], join(at, start), 1);
        list.forEach((s, k) => {
          if (typeof s !== 'string') throw new ScenarioError(join(join(at, start), k), s, 'a state name');
          stateByPath(compiled.get(start)!, s, join(join(at, start), k));
        });
        const withinMs = numberField(y, 'withinMs', at, { above: 0, max: 1e12 });
        return { [start]: list as string[], withinMs } as { withinMs: number } & Record<string, string[] | number>;
      });
    }
  }
  return { config, edges };
}
