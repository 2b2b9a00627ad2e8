/**
 * Watches a TopologyModel, e.g. to animate it. Called synchronously at `model.sim.now`, while the
 * rows named are still readable in `model.requests` (an ended attempt's row is released right
 * after its call). With no observer set the model pays one null check per hook.
 */
export interface TopologyObserver {
  /**
   * Attempt row `a` (at server I_SERVER of its row, sent over edge `requests.edge[a]` for call
   * I_CALL) changed state, an AttemptState: Pending (queued at its server), InService
   * (took a slot), or ended (Succeeded, Failed, Dropped, Cancelled; Rejected when its service's
   * balancer found no server: then it has no server).
   */
  attempt(a: number, state: number): void;
  /** Call row `c`'s next attempt was refused at its edge (breaker open, bulkhead full): no attempt row. */
  refused(c: number): void;
  /** The caller of attempt row `a` stopped waiting for it (its edge's timeout); it may run on. */
  timedOut(a: number): void;
}
