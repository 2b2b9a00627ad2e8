/** Plain-text output: aligned tables and CSV. */

/** Numbers right-aligned, text (the first column, or all with `left`) left-aligned; `rows` include any header. */
export function table(rows: readonly (readonly string[])[], left = false): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 || left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd())
    .join('\n') + '\n';
}

export function csv(rows: readonly (readonly (string | number)[])[]): string {
  const quote = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

/** Text from a scenario file (a name) made safe for a terminal: control characters (escape sequences, line breaks) shown as '?'. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** A number for people: 4 significant digits, no exponent for everyday magnitudes. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) < 1e-9) return '0'; // rounding noise, e.g. the spread of identical values
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-3) return x.toExponential(2);
  if (abs >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

export function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 2)}%` : '-';
}
