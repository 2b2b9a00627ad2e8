/**
 * Zeroed buffers whose first byte starts a cache line, for tables of 64- and 128-byte rows. A
 * large `new ArrayBuffer` starts 16 bytes past a page (glibc's malloc header before an mmap'd
 * block), so each 64-byte row straddles two lines and each 128-byte row three; in a pool of
 * 100,000 servers nearly every line an event touches is a cache miss. A `WebAssembly.Memory`'s
 * buffer starts on a page. Each Memory reserves address space far beyond its size (guard
 * regions, ~10 GB in V8) and cannot be shrunk, so only buffers of `ALIGNED_FROM` bytes or more
 * take one (small tables are in cache anyway); when the engine has no WebAssembly or refuses the
 * reservation, a plain ArrayBuffer does the same job a line less aligned.
 *
 * Except on huge pages: a process started with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (the lbsim
 * command starts itself so for pools of 10,000 servers or more, see cli/huge-pages.ts) has malloc
 * ask Linux for 2 MB pages, which a WebAssembly.Memory (mapped by V8 itself) does not get. There a
 * plain ArrayBuffer is taken: a line less aligned, but each 2 MB page saves the TLB misses of 512
 * small ones — at 100,000 servers 10–25% less time per request (README, "Huge pages").
 */

/** Buffers this large or larger are taken from a WebAssembly.Memory. */
export const ALIGNED_FROM = 1 << 20;
/** A WebAssembly page; a 32-bit Memory holds at most 65,536 of them (4 GB). */
const PAGE = 65_536, MAX_PAGES = 65_536;

export type MemoryConstructor = new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
const Memory = (globalThis as { WebAssembly?: { Memory?: MemoryConstructor } }).WebAssembly?.Memory ?? null;

/** The value GLIBC_TUNABLES (colon-separated name=value) gives glibc.malloc.hugetlb (the last, as glibc reads them in order), or undefined. */
export function hugetlbTunable(tunables: string | undefined): string | undefined {
  const name = 'glibc.malloc.hugetlb=';
  let value: string | undefined;
  for (const t of (tunables ?? '').split(':')) if (t.startsWith(name)) value = t.slice(name.length);
  return value;
}

/** True when GLIBC_TUNABLES (as in `env`) turns glibc's huge pages on (hugetlb 1: transparent, 2: reserved). */
export function hugePagesOn(env: Record<string, string | undefined> | undefined): boolean {
  const value = hugetlbTunable(env?.GLIBC_TUNABLES);
  return value === '1' || value === '2';
}

/** This process's environment where there is one (not in a browser). */
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
/** The Memory rows are taken from: none on huge pages. */
const ROWS_MEMORY = hugePagesOn(env) ? null : Memory;

/**
 * A zeroed buffer of at least `bytes` bytes (from `ALIGNED_FROM`, a whole number of 64 KB pages
 * starting on a page when the engine allows; otherwise exactly `bytes`). `memory`: the
 * WebAssembly.Memory constructor, null: none (on huge pages; tests pass one that fails, or none).
 */
export function lineAlignedBuffer(bytes: number, memory: MemoryConstructor | null = ROWS_MEMORY): ArrayBuffer {
  const pages = Math.ceil(bytes / PAGE);
  if (bytes >= ALIGNED_FROM && pages <= MAX_PAGES && memory !== null) {
    try {
      return new memory({ initial: pages }).buffer;
    } catch {
      // address space exhausted or WebAssembly disabled: a plain buffer below
    }
  }
  return new ArrayBuffer(bytes);
}
