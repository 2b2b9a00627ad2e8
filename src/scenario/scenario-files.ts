/**
 * The files a scenario may name, read on the validator's request: `parseScenario(input, files)`
 * calls these only at fields that take a file — an empirical distribution's `file` (wherever a
 * distribution goes) and a trace's `arrivals.file` — after the surrounding object has been
 * validated. `loadScenarioFile` supplies a reader relative to the scenario file (Node only);
 * without one, `parseScenario` refuses `file` fields.
 */
export interface ScenarioFiles {
  /**
   * The samples in column `column` of CSV `file` (the only column when undefined), for the
   * distribution at path `at` ("service", "failures.zones[0].repair.a"). Errors name
   * `${at}.file` or `${at}.column`.
   */
  samples(file: string, column: string | undefined, at: string): number[];
  /** The arrivals of trace CSV `file` for `arrivals` at path `at`; errors name `${at}.file`. */
  trace(file: string, at: string): TraceColumns;
}

/** A trace's columns: times (ms, ascending), and optionally each arrival's cost (ms) and key. */
export interface TraceColumns {
  timesMs: number[];
  costsMs?: number[];
  keys?: number[];
}
