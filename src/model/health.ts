/**
 * What the balancers believe about server health, kept apart from the truth (the pool's state).
 *
 * - Without a health configuration the belief is the truth, instantly: a failed server is
 *   ineligible from the moment it fails (an oracle no real balancer has).
 * - Active checks (Envoy / HAProxy style): every `intervalMs` each server is probed; a probe of a
 *   server that is down fails after `timeoutMs`; `unhealthyThreshold` consecutive failures mark it
 *   unhealthy, `healthyThreshold` consecutive successes healthy again.
 * - Passive outlier detection (Envoy): `consecutiveErrors` errors in a row eject a server for
 *   `baseEjectionMs × times ejected`, while at most `maxEjectionPercent` of servers are ejected.
 * - Panic (Envoy): when fewer than `panicThresholdPercent` of servers are healthy, balance over all.
 *
 * `eligible` (what balancers read) = panic ? 1 : healthy && !ejected.
 */

import type { EligibleIndex } from '../balancers/eligible.js';

export interface HealthConfig {
  checks?: { intervalMs: number; timeoutMs: number; unhealthyThreshold: number; healthyThreshold: number };
  outlier?: { consecutiveErrors: number; baseEjectionMs: number; maxEjectionPercent: number };
  /** 0 disables panic mode. */
  panicThresholdPercent: number;
  /** Slow start window: a server eligible again ramps its effective weight up over this long. */
  slowStartMs?: number;
}

export class HealthView {
  readonly healthy: Uint8Array;
  readonly ejected: Uint8Array;
  readonly consecutiveErrors: Int32Array;
  readonly timesEjected: Int32Array;
  /** Consecutive probe results, positive = successes, negative = failures. */
  readonly streak: Int32Array;
  ejectedCount = 0;
  panic = false;
  /** False when the last `update` that changed anything changed one server only (the one named). */
  wide = true;
  /** healthy && !ejected per server, and how many, as of the last update. */
  private readonly usable: Uint8Array;
  private usableCount: number;

  constructor(
    readonly size: number,
    readonly config: HealthConfig | undefined,
    /** The array the balancers read; written here only. */
    readonly eligible: Uint8Array,
    /** `eligible` counted and ranked for the balancers; kept in step here when given. */
    readonly index?: EligibleIndex,
  ) {
    this.healthy = new Uint8Array(size).fill(1);
    this.ejected = new Uint8Array(size);
    this.consecutiveErrors = new Int32Array(size);
    this.timesEjected = new Int32Array(size);
    this.streak = new Int32Array(size);
    this.usable = new Uint8Array(size).fill(1);
    this.usableCount = size;
  }

  /**
   * Recomputes `eligible` after a health change of server `server` only (O(1), unless panic mode
   * starts or ends: then O(n), as every server's eligibility changes), or of any server (-1:
   * O(n)). Returns true when it changed; `wide` tells whether more than `server` may have.
   */
  update(server = -1): boolean {
    if (server < 0) return this.updateAll();
    const u = this.healthy[server] & (this.ejected[server] ^ 1);
    this.usableCount += u - this.usable[server];
    this.usable[server] = u;
    if (this.panicWith(this.usableCount) !== this.panic) return this.updateAll();
    const e = this.panic ? 1 : u;
    if (e === this.eligible[server]) return false;
    if (this.index) this.index.set(server, e);
    else this.eligible[server] = e;
    this.wide = false;
    return true;
  }

  private panicWith(usable: number): boolean {
    const threshold = this.config?.panicThresholdPercent ?? 0;
    return this.size > 0 && (usable * 100) / this.size < threshold;
  }

  private updateAll(): boolean {
    const n = this.size;
    let usable = 0;
    for (let s = 0; s < n; s++) {
      const u = this.healthy[s] & (this.ejected[s] ^ 1);
      this.usable[s] = u;
      usable += u;
    }
    this.usableCount = usable;
    this.panic = this.panicWith(usable);
    let changed = false;
    for (let s = 0; s < n; s++) {
      const e = this.panic ? 1 : this.usable[s];
      if (e !== this.eligible[s]) {
        this.eligible[s] = e;
        changed = true;
      }
    }
    this.wide = true;
    if (changed && this.index) this.index.load();
    return changed;
  }

  /** A probe result. Returns true when the server's health flipped. */
  probe(s: number, ok: boolean): boolean {
    const c = this.config!.checks!;
    const st = this.streak[s];
    this.streak[s] = ok ? (st > 0 ? st + 1 : 1) : st < 0 ? st - 1 : -1;
    if (this.healthy[s] === 1 && !ok && -this.streak[s] >= c.unhealthyThreshold) {
      this.healthy[s] = 0;
      return true;
    }
    if (this.healthy[s] === 0 && ok && this.streak[s] >= c.healthyThreshold) {
      this.healthy[s] = 1;
      return true;
    }
    return false;
  }

  /**
   * An attempt at server `s` ended, `ok` or not, as the client saw it. Returns the ejection time
   * in ms when this error ejects the server, else 0.
   */
  observe(s: number, ok: boolean): number {
    const o = this.config?.outlier;
    if (!o) return 0;
    if (ok) {
      this.consecutiveErrors[s] = 0;
      return 0;
    }
    if (++this.consecutiveErrors[s] < o.consecutiveErrors || this.ejected[s] === 1) return 0;
    const allowed = Math.max(1, Math.floor((o.maxEjectionPercent / 100) * this.size));
    if (this.ejectedCount >= allowed) return 0;
    this.ejected[s] = 1;
    this.ejectedCount++;
    this.timesEjected[s]++;
    this.consecutiveErrors[s] = 0;
    return o.baseEjectionMs * this.timesEjected[s];
  }

  uneject(s: number): void {
    if (this.ejected[s] === 0) return;
    this.ejected[s] = 0;
    this.ejectedCount--;
  }
}
