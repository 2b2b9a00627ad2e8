import { CalendarHeap } from '../../src/engine/calendar-heap.js';

/**
 * CalendarHeap's protected operations made public for tests, plus a look at the top and at how
 * many entries the heap (not the calendar) holds. Shared by the calendar-heap tests.
 */
export class Q extends CalendarHeap {
  push(t: number, seq: number, d: number): void {
    this.insertEntry(t, seq, d);
  }
  /** The top entry (time, seq, data), left in place. */
  peek(): [number, number, number] {
    return [this.h[0], this.h[1], this.h[2]];
  }
  /** The top entry (time, seq, data), removed. */
  pop(): [number, number, number] {
    const top = this.peek();
    this.removeTop();
    return top;
  }
  clear(): void {
    this.clearEntries();
  }
  heapEntries(): number {
    return this.n;
  }
}
