/**
 * The model's event kinds: small integers (0..31, see engine KIND_BITS) dispatched by one
 * `switch` in the model. Parts that schedule events take their kinds from here.
 */
export const EventKind = {
  Arrival: 0, Departure: 1, WarmupEnd: 2, Fail: 3, Repair: 4, Recovered: 5, Outage: 6, Report: 7,
  AttemptTimeout: 8, Refused: 9, Deadline: 10, Retry: 11, Hedge: 12, Probe: 13, ProbeFailed: 14, Uneject: 15,
  Slowdown: 16, SlowdownEnd: 17, ZoneFail: 18, SlowStart: 19, WindowEnd: 20,
  /** A topology's attempt reaches its callee over the edge's network; its answer reaches the caller. */
  NetArrive: 21, NetReturn: 22,
  /** A workflow's timer (src/workflow/: `after`, the world's user events, invariant deadlines). */
  Workflow: 31,
} as const;
