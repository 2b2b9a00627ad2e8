import { describe, expect, it } from 'vitest';
import { ALIGNED_FROM, hugePagesOn, lineAlignedBuffer, type MemoryConstructor } from '../../src/model/aligned-buffer.js';

/** The engine's Memory, passed explicitly: the default is none in a process on huge pages. */
const Memory = WebAssembly.Memory as unknown as MemoryConstructor;

describe('lineAlignedBuffer', () => {
  it('below ALIGNED_FROM: a plain buffer of exactly the size asked', () => {
    const b = lineAlignedBuffer(ALIGNED_FROM - 8, Memory);
    expect(b.byteLength).toBe(ALIGNED_FROM - 8);
  });

  it('from ALIGNED_FROM: whole 64 KB pages, at least the size asked, zeroed and writable', () => {
    const bytes = ALIGNED_FROM + 100;
    const b = lineAlignedBuffer(bytes, Memory);
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

  it('on huge pages (glibc.malloc.hugetlb=1 or 2 among the tunables) rows are plain buffers, which malloc puts on 2 MB pages', () => {
    expect(hugePagesOn({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).toBe(true);
    expect(hugePagesOn({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2' })).toBe(true);
    expect(hugePagesOn({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' })).toBe(false);
    expect(hugePagesOn({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' })).toBe(false);
    expect(hugePagesOn({ GLIBC_TUNABLES: 'xglibc.malloc.hugetlb=1' })).toBe(false);
    expect(hugePagesOn({})).toBe(false);
    expect(hugePagesOn(undefined)).toBe(false); // a browser: no process
  });
});
