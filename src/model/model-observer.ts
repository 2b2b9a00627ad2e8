/** Watches a model, e.g. to animate it. Called synchronously at `model.sim.now`. */
export interface ModelObserver {
  /** Row `r`'s attempt was sent to server `server`. */
  dispatched?(r: number, server: number): void;
  /** Row `r`'s attempt ended at `server` (-1 if none) in `state` (an AttemptState). */
  ended?(r: number, state: number, server: number): void;
  /** Server `server` changed state (a ServerState). */
  serverChanged?(server: number, state: number): void;
  /** Row `r`'s abandoned work carries on at its server as ghost row `g` (no client waits for it). */
  replaced?(r: number, g: number): void;
}
