import { expect } from 'vitest';
import { ScenarioError } from '../src/input/check.js';

/** Runs `run`, expects it to throw a ScenarioError (`label` names the case in a failure), returns it. */
export function thrownScenarioError(run: () => unknown, label?: string): ScenarioError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, label).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}
