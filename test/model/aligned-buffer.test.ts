import { describe, expect, it } from 'vitest';
import { ALIGNED_FROM, lineAlignedBuffer, type MemoryConstructor } from '../../src/model/aligned-buffer.js';

describe('lineAlignedBuffer', () => {
  it('below ALIGNED_FROM: a plain buffer of exactly the size asked', () => {
    const b = lineAlignedBuffer(ALIGNED_FROM - 8);
    expect(b.byteLength).toBe(ALIGNED_FROM - 8);
  });

  it('from ALIGNED_FROM: whole 64 KB pages, at least the size asked, zeroed and writable', () => {
    const bytes = ALIGNED_FROM + 100;
    const b = lineAlignedBuffer(bytes);
    expect(b.byteLength).toBe(Math.ceil(bytes / 65_536) * 65_536);
    const v = new Float64Array(b, 0, bytes >> 3);
    expect(v.every((x) => x === 0)).toBe(true);
    v[v.length - 1] = 2.5;
    expect(new Float64Array(b, 0, bytes >> 3)[v.length - 1]).toBe(2.5);
  });

  it('falls back to a plain buffer when the engine refuses a Memory (or has none)', () => {
    const refusing = class {
      constructor() {
        throw new RangeError('WebAssembly.Memory(): could not allocate memory');
      }
    } as unknown as MemoryConstructor;
    expect(lineAlignedBuffer(ALIGNED_FROM, refusing).byteLength).toBe(ALIGNED_FROM);
    expect(lineAlignedBuffer(ALIGNED_FROM + 1, null).byteLength).toBe(ALIGNED_FROM + 1);
  });
});
