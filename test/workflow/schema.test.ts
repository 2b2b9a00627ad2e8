/**
 * The JSON Schema and the validator agree on workflows: a scenario using every workflow field
 * passes both, and an unknown field added to any of its objects fails both.
 */
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { parseScenario, preset, ScenarioError } from '../../src/index.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';

const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(scenarioSchema());

/** cancel-race with every workflow field set somewhere. */
function everyField(): Record<string, any> {
  const doc = preset('cancel-race') as Record<string, any>;
  const wf = doc.workflows;
  const order = wf.machines.order.machine;
  order.version = '1';
  order.description = 'an order';
  order.tags = ['shop'];
  order.meta = { owner: 'team' };
  order.states.Draft = {
    id: 'draft', description: 'filling the form', tags: ['ui'], meta: {},
    entry: { type: 'set', params: { counter: 'retries', value: 0 } },
    exit: [{ type: 'inc', params: { counter: 'retries', by: 0 } }],
    on: { submit: { target: 'Submitted', guard: { type: 'in', params: { state: 'Draft' } }, actions: [], reenter: false, description: 'submit' } },
  };
  order.states.PaymentPending.invoke.id = 'pay';
  order.states.PaymentPending.invoke.input = {};
  order.states.PaymentPending.on.cancel = [{ target: 'Cancelled', actions: { type: 'send', params: { to: 'payment', event: 'retry' } } }];
  order.states.Completed = { type: 'final' };
  wf.machines.payment.machine.states.Authorizing.type = 'atomic';
  wf.machines.payment.machine.states.Voided = { type: 'final' };
  wf.machines.payment.machine.states.Wrap = { type: 'compound', initial: 'In', states: { In: {} } };
  wf.invariants.eventually[0].withinMs = 120_000;
  return doc;
}

/** The JSON pointers of every object under `workflows`, but inside the free-form ones (meta, input, context). */
function objectsOf(node: unknown, at = '/workflows'): string[] {
  if (node === null || typeof node !== 'object' || /\/(meta|input|context)$/.test(at)) return [];
  const inner = Object.entries(node).flatMap(([k, v]) => objectsOf(v, `${at}/${k}`));
  return Array.isArray(node) ? inner : [at, ...inner];
}

describe('workflows in the JSON Schema', () => {
  it('a scenario using every workflow field passes the validator and the schema', () => {
    const doc = everyField();
    expect(() => parseScenario(doc)).not.toThrow();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('an unknown field in any workflow object fails both', () => {
    const pointers = objectsOf(everyField().workflows);
    expect(pointers.length).toBeGreaterThan(40);
    for (const ptr of pointers) {
      const doc = everyField();
      const node = ptr.split('/').slice(1).reduce((o: any, k) => o[k], doc);
      node.notAField = 1;
      let refused = false;
      try {
        parseScenario(doc);
      } catch (e) {
        refused = e instanceof ScenarioError;
      }
      expect(refused, `validator at ${ptr}`).toBe(true);
      expect(validate(doc), `schema at ${ptr}`).toBe(false);
    }
  });
});
