/**
 * A sweep's fingerprint: 16 hex digits hashed (FNV-1a, two 32-bit lanes) from the parsed
 * experiment — scenario, grid, seeds, requests, metrics. Shards carry it on every row so that
 * `lbsim merge` refuses rows of another sweep, even one with the same name and run count.
 */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2 * 0x100) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
