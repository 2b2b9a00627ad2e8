/**
 * Reading a text file named by the user or by a scenario (Node only), bounded: only regular
 * files (not /dev/zero, a FIFO or a directory), at most `MAX_FILE_BYTES` bytes counted as they
 * are read (/proc files report size 0), a leading UTF-8 byte order mark skipped. Errors name
 * the file and never its content.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Largest scenario, trace or sample file read: 64 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_FILE_MIB = MAX_FILE_BYTES / 1024 / 1024;

/**
 * The text of `file` (UTF-8), or the error `refuse` makes of the reason it cannot be read
 * ("no such file", "a directory", "larger than 64 MiB", ...: never the file's content).
 */
export function readTextFile(file: string, refuse: (reason: string) => Error): string {
  try {
    const text = readBounded(file);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    throw refuse(e instanceof Unreadable ? e.message : errorText(e));
  }
}

class Unreadable extends Error {}

function readBounded(file: string): string {
  // Looked at before opening too: opening a FIFO would wait for a writer.
  const before = statSync(file);
  if (!before.isFile()) throw new Unreadable(kind(before));
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Unreadable(kind(stat));
    if (stat.size > MAX_FILE_BYTES) throw new Unreadable(`larger than ${MAX_FILE_MIB} MiB (${stat.size} bytes)`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_FILE_BYTES + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_FILE_BYTES) throw new Unreadable(`larger than ${MAX_FILE_MIB} MiB`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function kind(stat: Stats): string {
  return stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a pipe' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
}

/** An fs error as "no such file" etc.: its code, not its message (which repeats the path). */
function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'not readable (permission denied)';
    case 'EISDIR':
      return 'a directory';
    default:
      return `unreadable (${code ?? 'error'})`;
  }
}
