import { describe, expect, it } from 'vitest';
import {
  F_ARRIVAL, F_COST, F_DEPART_ID, F_TIMEOUT_ID, I_CALL, I_CLIENT, I_HEDGE_HEAD, I_KEY, I_NEXT_IN_QUEUE, I_RETRIES, I_SERVER, InFlightLimitError,
  RequestTable, ROW_BYTES, ROW_F64, ROW_I32,
} from '../../src/model/request-table.js';
import * as layout from '../../src/model/request-table.js';
import { TopologyTable } from '../../src/model/topology-table.js';

describe('RequestTable rows', () => {
  it('one buffer of 128-byte rows, read as f64 and i32; slots of one row do not overlap', () => {
    const t = new RequestTable(4);
    expect(ROW_BYTES).toBe(128);
    expect(t.f64.buffer).toBe(t.buffer);
    expect(t.i32.buffer).toBe(t.buffer);
    expect(t.buffer.byteLength).toBe(4 * ROW_BYTES);
    const r = t.alloc();
    t.f64[r * ROW_F64 + F_ARRIVAL] = 1.5;
    t.f64[r * ROW_F64 + F_COST] = 2.5;
    t.i32[r * ROW_I32 + I_KEY] = 7;
    t.i32[r * ROW_I32 + I_SERVER] = 3;
    expect([t.f64[r * ROW_F64 + F_ARRIVAL], t.f64[r * ROW_F64 + F_COST], t.i32[r * ROW_I32 + I_KEY], t.i32[r * ROW_I32 + I_SERVER]]).toEqual([1.5, 2.5, 7, 3]);
    expect(t.f64[r * ROW_F64 + F_DEPART_ID]).toBe(-1); // alloc's resets did not clobber the fields above
    expect(t.f64[r * ROW_F64 + F_TIMEOUT_ID]).toBe(-1);
    expect(t.i32[r * ROW_I32 + I_CALL]).toBe(r);
  });

  it('every F_/I_ slot has its own bytes inside the row; what a waiting request touches taking a slot is in the first line', () => {
    const slots = Object.entries(layout).filter(([name]) => /^[FI]_[A-Z_]+$/.test(name)) as [string, number][];
    const bytes = slots.map(([name, k]): [string, number, number] => (name[0] === 'F' ? [name, k * 8, k * 8 + 8] : [name, k * 4, k * 4 + 4]));
    bytes.sort((a, b) => a[1] - b[1]);
    expect(bytes.length).toBe(25);
    for (let k = 0; k < bytes.length; k++) {
      expect(bytes[k][2], bytes[k][0]).toBeLessThanOrEqual(k + 1 < bytes.length ? bytes[k + 1][1] : ROW_BYTES);
    }
    // serveQueued → beginService (queue links, attempt and request state, cost, times, departure id):
    // one line of the waiting row; enqueue and remove touch only the links of other rows.
    const firstLine = ['I_NEXT_IN_QUEUE', 'I_PREV_IN_QUEUE', 'I_STATE', 'I_MEASURED', 'I_CALL', 'I_CALL_STATE', 'I_AT_SERVER', 'I_HEDGE_HEAD', 'F_COST', 'F_START', 'F_END', 'F_DEPART_ID'];
    for (const name of firstLine) expect(bytes.find((b) => b[0] === name)![2], name).toBeLessThanOrEqual(64);
  });

  it('a table past 1 MB (its rows in a line-aligned buffer) keeps every row across growth', () => {
    const t = new RequestTable(4096);
    const rows: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const r = t.alloc();
      rows.push(r);
      t.f64[r * ROW_F64 + F_COST] = k;
      t.i32[r * ROW_I32 + I_KEY] = -k;
    }
    expect(t.size).toBe(32_768);
    expect(t.f64.length).toBe(32_768 * ROW_F64);
    expect(t.i32.length).toBe(32_768 * ROW_I32);
    expect(rows.every((r, k) => t.f64[r * ROW_F64 + F_COST] === k && t.i32[r * ROW_I32 + I_KEY] === -k)).toBe(true);
  });

  it('hands out the lowest new row first and the last freed again (the order parallel arrays had)', () => {
    const t = new RequestTable(4);
    expect([t.alloc(), t.alloc(), t.alloc()]).toEqual([0, 1, 2]);
    t.release(1);
    t.release(0);
    expect([t.alloc(), t.alloc(), t.alloc(), t.alloc()]).toEqual([0, 1, 3, 4]); // then grown: 4 first
    expect(t.size).toBe(8);
    expect(t.live).toBe(5);
  });

  it('keeps every row across growth, and new rows start with no hedge and no client', () => {
    const t = new RequestTable(2);
    for (let k = 0; k < 2; k++) {
      const r = t.alloc();
      t.f64[r * ROW_F64 + F_ARRIVAL] = 10 + k;
      t.i32[r * ROW_I32 + I_KEY] = 100 + k;
      t.retryId[r] = 5;
    }
    t.clientFields = false; // alloc leaves the client fields alone: their initial values show
    const r = t.alloc();
    expect(r).toBe(2);
    expect(t.size).toBe(4);
    expect([t.f64[0 * ROW_F64 + F_ARRIVAL], t.f64[1 * ROW_F64 + F_ARRIVAL], t.i32[0 * ROW_I32 + I_KEY], t.i32[1 * ROW_I32 + I_KEY]]).toEqual([10, 11, 100, 101]);
    expect([t.retryId[0], t.retryId[1]]).toEqual([5, 5]);
    expect([t.i32[r * ROW_I32 + I_HEDGE_HEAD], t.i32[r * ROW_I32 + I_CLIENT], t.retryId[r], t.hedgeId[r], t.deadlineId[r]]).toEqual([-1, -1, -1, -1, -1]);
    expect(t.i32[r * ROW_I32 + I_NEXT_IN_QUEUE]).toBe(-1);
  });

  it('resets, per flag, only the client fields of the features set (each flag alone)', () => {
    const fields = (t: RequestTable, r: number) => ({
      retries: t.i32[r * ROW_I32 + I_RETRIES], backoff: t.backoffMs[r], retry: t.retryId[r],
      hedgeHead: t.i32[r * ROW_I32 + I_HEDGE_HEAD], hedge: t.hedgeId[r], deadline: t.deadlineId[r], client: t.i32[r * ROW_I32 + I_CLIENT],
    });
    const dirty = { retries: 7, backoff: 7, retry: 7, hedgeHead: 7, hedge: 7, deadline: 7, client: 7 };
    const cases = {
      retryFields: { retries: 0, backoff: 0, retry: -1 },
      hedgeFields: { hedgeHead: -1, hedge: -1 },
      deadlineFields: { deadline: -1 },
      sourceFields: { client: -1 },
    } as const;
    for (const [flag, reset] of Object.entries(cases)) {
      const t = new RequestTable(4);
      const r = t.alloc();
      t.i32[r * ROW_I32 + I_RETRIES] = 7; t.backoffMs[r] = 7; t.retryId[r] = 7;
      t.i32[r * ROW_I32 + I_HEDGE_HEAD] = 7; t.hedgeId[r] = 7; t.deadlineId[r] = 7; t.i32[r * ROW_I32 + I_CLIENT] = 7;
      t.release(r);
      t.clientFields = false;
      t[flag as keyof typeof cases] = true;
      expect([t.retryFields, t.hedgeFields, t.deadlineFields, t.sourceFields, t.clientFields]).toEqual(
        ['retryFields', 'hedgeFields', 'deadlineFields', 'sourceFields'].map((f) => f === flag).concat(true),
      );
      expect(t.alloc()).toBe(r);
      expect(fields(t, r)).toEqual({ ...dirty, ...reset });
    }
  });

  it('refuses more than maxRows rows alive, and a row freed twice when checked', () => {
    const t = new RequestTable(2);
    t.maxRows = 3;
    t.checked = true;
    const rows = [t.alloc(), t.alloc(), t.alloc()];
    expect(() => t.alloc()).toThrow(InFlightLimitError);
    t.release(rows[1]);
    expect(() => t.release(rows[1])).toThrow('request row 1 freed twice');
    expect(t.alloc()).toBe(1);
    t.checked = false; // not checked: no inUse marks, a double free is not detected
    expect(t.checked).toBe(false);
    t.release(1);
    expect(() => t.release(1)).not.toThrow();
  });

  it('a TopologyTable grows its own columns with the rows', () => {
    const t = new TopologyTable();
    const n = t.size;
    expect(t.parent.length).toBe(n);
    for (let k = 0; k <= n; k++) {
      const r = t.alloc(); // first: a grown table has new arrays
      t.parent[r] = k;
    }
    expect(t.size).toBe(2 * n);
    expect(t.parent.length).toBe(2 * n);
    expect(t.parent[n]).toBe(n);
    expect(t.parent[0]).toBe(0);
  });
});
