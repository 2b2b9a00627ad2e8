/**
 * What an onlooker (the animation's statechart) learns from a workflow run: every transition an
 * instance takes, as integers — the machine (0 the start machine, then the others in the
 * world's order), the source state and the target (-1 for a transition without one). A world
 * without an observer pays one null check per transition.
 */
export interface WorkflowObserver {
  transition(machine: number, from: number, to: number): void;
}
