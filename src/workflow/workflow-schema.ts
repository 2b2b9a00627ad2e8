/**
 * The JSON Schema of a topology's `workflows` (see workflow-spec.ts), from the validator's field
 * lists: machines as XState v5 configs (states nest through `#/definitions/workflowState`), guards
 * and actions as data, the world's events and delays, invariants.
 */
import { INVOKE_FIELDS, OPS, ROOT_FIELDS, STATE_FIELDS, TRANSITION_FIELDS } from './machine.js';
import { WORKFLOW_EVENT_FIELDS, WORKFLOW_FIELDS, WORKFLOW_INVARIANT_FIELDS, WORKFLOW_MACHINE_FIELDS } from './workflow-spec.js';

type JsonSchema = { [keyword: string]: unknown };

const KEY = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]{0,63}$' };
const NAME = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' };
const closed = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', properties, required, additionalProperties: false });
const fields = (list: readonly string[], known: Record<string, JsonSchema>): Record<string, JsonSchema> => Object.fromEntries(list.map((k) => [k, known[k] ?? {}]));
const finite = { type: 'number' };

const guard: JsonSchema = {
  description: 'a guard as data: chance (p), counter comparison, or in a state (of this machine, or of "parent"/another machine)',
  oneOf: [
    closed({ type: { const: 'chance' }, params: closed({ p: { type: 'number', minimum: 0, maximum: 1 } }, ['p']) }, ['type', 'params']),
    closed({ type: { const: 'counter' }, params: closed({ counter: KEY, op: { enum: [...OPS] }, value: finite }, ['counter', 'op', 'value']) }, ['type', 'params']),
    closed({ type: { const: 'in' }, params: closed({ state: { type: 'string', minLength: 1 }, machine: KEY }, ['state']) }, ['type', 'params']),
  ],
};

const action: JsonSchema = {
  description: 'an action as data: inc or set a counter of the context, or send an event to "parent" or another machine',
  oneOf: [
    closed({ type: { const: 'inc' }, params: closed({ counter: KEY, by: finite }, ['counter']) }, ['type', 'params']),
    closed({ type: { const: 'set' }, params: closed({ counter: KEY, value: finite }, ['counter', 'value']) }, ['type', 'params']),
    closed({ type: { const: 'send' }, params: closed({ to: KEY, event: { type: 'string', minLength: 1, not: { pattern: '^xstate\\.' } } }, ['to', 'event']) }, ['type', 'params']),
  ],
};
const actions: JsonSchema = { anyOf: [action, { type: 'array', items: action }] };

const transition: JsonSchema = {
  anyOf: [
    { type: 'string', minLength: 1, description: 'a target: a sibling\'s key, ".child", "#id"' },
    { ...closed(fields(TRANSITION_FIELDS, { target: { type: 'string', minLength: 1 }, guard, actions, reenter: { type: 'boolean' } })) },
  ],
};
const transitions: JsonSchema = { anyOf: [transition, { type: 'array', items: transition, minItems: 1, maxItems: 64 }] };

function stateProperties(): Record<string, JsonSchema> {
  const invoke = closed(fields(INVOKE_FIELDS, { src: KEY, id: { type: 'string', minLength: 1 }, onDone: transitions, onError: transitions }), ['src']);
  return fields(STATE_FIELDS, {
    id: KEY,
    initial: KEY,
    states: { type: 'object', minProperties: 1, propertyNames: { ...KEY, not: { const: '__proto__' } }, additionalProperties: { $ref: '#/definitions/workflowState' } },
    type: { enum: ['final', 'compound', 'atomic'] },
    on: { type: 'object', propertyNames: { type: 'string', minLength: 1, not: { pattern: '^xstate\\.|\\*' } }, additionalProperties: transitions },
    after: { type: 'object', additionalProperties: transitions },
    always: transitions,
    entry: actions,
    exit: actions,
    invoke: { anyOf: [invoke, { type: 'array', items: invoke, minItems: 1, maxItems: 1 }] },
  });
}

/** Definitions the workflow schema refers to (added to the scenario schema's). */
export function workflowDefinitions(): Record<string, JsonSchema> {
  return { workflowState: { type: 'object', properties: stateProperties(), additionalProperties: false, dependencies: { states: ['initial'] } } };
}

export function workflowsSchema(): JsonSchema {
  const machine = {
    type: 'object',
    description: 'an XState v5 machine config (JSON subset; guards and actions as data)',
    properties: fields(ROOT_FIELDS, { ...stateProperties(), id: KEY, context: { type: 'object', propertyNames: KEY, additionalProperties: finite } }),
    required: ['id', 'states', 'initial'],
    additionalProperties: false,
  };
  const distribution = { $ref: '#/definitions/distribution' };
  const event = closed(fields(WORKFLOW_EVENT_FIELDS, {
    in: { type: 'string', minLength: 1, description: 'the state in which the event may come' },
    after: distribution,
    p: { type: 'number', minimum: 0, maximum: 1, description: 'probability it comes at all (default 1)' },
  }), ['in', 'after']);
  const events = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
  const wmachine = closed(fields(WORKFLOW_MACHINE_FIELDS, {
    service: NAME,
    machine,
    request: { anyOf: [{ type: 'string', minLength: 1 }, events], description: 'events sent to the child when an attempt begins' },
    respond: { type: 'string', minLength: 1, description: 'event sent to the child when the attempt\'s handler is done' },
    ok: { ...events, description: 'states of the child in which the attempt succeeds' },
    idempotencyKey: { type: 'boolean', description: 'calls carry a key: retried attempts meet the same operation (default false)' },
    events: { type: 'object', additionalProperties: event, description: 'user events by name' },
    delays: { type: 'object', propertyNames: KEY, additionalProperties: distribution, description: 'named delays of after' },
  }), ['service', 'machine']);
  const states = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] };
  const invariants = closed(fields(WORKFLOW_INVARIANT_FIELDS, {
    never: { type: 'array', items: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', minLength: 1 } }, description: 'states of the machines that must never hold together' },
    eventually: {
      type: 'array',
      items: { type: 'object', required: ['withinMs'], properties: { withinMs: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 } }, additionalProperties: states, minProperties: 2, maxProperties: 2 },
      description: 'states of the start machine one of which must be reached within withinMs of its creation',
    },
  }));
  return {
    description: 'workflows as state machines living in the services: the start machine is created per entry arrival, invoked machines per call',
    ...closed(fields(WORKFLOW_FIELDS, {
      start: NAME,
      machines: { type: 'object', minProperties: 1, maxProperties: 16, propertyNames: { ...NAME, not: { const: 'parent' } }, additionalProperties: wmachine },
      invariants,
    }), ['machines']),
  };
}
