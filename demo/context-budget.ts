/**
 * WebGL contexts as a page-wide budget. Browsers keep a few live contexts per page (Chromium 16)
 * and silently kill the oldest when one more is made, so a page of many figures would lose its
 * first ones. Every panel that wants to draw asks this budget for a slot; when none is free the
 * least recently drawn holder that is off screen gives its slot back (its renderer is destroyed,
 * its simulation kept, so it redraws from the same state when it returns), or, if every holder
 * is on screen, the least recently drawn of all.
 *
 * One budget per copy of the module (module state, no globals): all `<lbsim-view>` elements of
 * a page share it.
 */

/** Something that holds a WebGL context and can give it up on request. */
export interface ContextHolder {
  /** On screen (or near it) now. */
  readonly onScreen: boolean;
  /** Destroys its renderer, keeping everything it needs to make a new one. */
  releaseContext(): void;
}

/** Live contexts our elements keep at once: well under Chromium's 16, leaving some to the page. */
export const CONTEXT_LIMIT = 8;

export class ContextBudget {
  /** Holders in order of last use, oldest first (a Map keeps insertion order). */
  private readonly holders = new Map<ContextHolder, true>();
  /** Contexts given back to make room, since the page loaded. */
  evictions = 0;

  constructor(readonly limit = CONTEXT_LIMIT) {}

  get live(): number {
    return this.holders.size;
  }

  /** Takes a slot for `holder` (making room first if needed). */
  acquire(holder: ContextHolder): void {
    this.holders.delete(holder);
    while (this.holders.size >= this.limit) {
      const victim = this.oldest((h) => !h.onScreen) ?? this.oldest(() => true)!;
      this.holders.delete(victim);
      this.evictions++;
      victim.releaseContext();
    }
    this.holders.set(holder, true);
  }

  /** Marks `holder` as just used (drawn a frame). */
  touch(holder: ContextHolder): void {
    if (!this.holders.has(holder)) return;
    this.holders.delete(holder);
    this.holders.set(holder, true);
  }

  /** Gives `holder`'s slot back (it destroyed its context itself). */
  release(holder: ContextHolder): void {
    this.holders.delete(holder);
  }

  private oldest(ok: (h: ContextHolder) => boolean): ContextHolder | undefined {
    for (const h of this.holders.keys()) if (ok(h)) return h;
    return undefined;
  }
}

/** The budget every element on the page shares. */
export const PAGE_CONTEXTS = new ContextBudget();
