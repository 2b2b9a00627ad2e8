/**
 * CSV text of numbers (traces, measured samples): a header line of distinct column names, then
 * one row per line with exactly one cell per column. No quoting. Blank lines are skipped but
 * counted in line numbers; spaces and tabs around a cell are ignored. A number is written in
 * plain decimal (`12`, `0.25`): no sign, exponent, hex or binary prefix, so what a spreadsheet
 * or a script meant cannot be misread. Errors name the file's path in the scenario (`at`), the
 * line and the column, and never quote the text (the file may be any file).
 */
import { ScenarioError } from './check.js';

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
export const MAX_CSV_COLUMNS = 1000;

export interface CellRule {
  integer?: boolean;
  /** Inclusive upper bound, and why (for the message). */
  max?: number;
  maxReason?: string;
}

export interface Csv {
  /** Column names of the header line, trimmed. Safe to compare, not to show: they are file content. */
  header: string[];
  /** The header's line number (from 1: blank lines may come first). */
  headerLine: number;
  /** Calls `visit` with each data row's cells (trimmed, one per column) and its line number (from 1); returns the number of rows. */
  forEachRow(visit: (cells: string[], line: number) => void): number;
  /** Cell `j` of a row as a number >= 0 obeying `rule`; the error names the column by `name` when given, else by number. */
  number(cells: readonly string[], j: number, line: number, rule?: CellRule, name?: string): number;
  /** A ScenarioError about line `line`, column `j` (from 0; named by `name` when given). */
  error(line: number, j: number, got: string, expected: string, name?: string): ScenarioError;
}

/** `text` as a Csv whose errors name `at` and `file`; at most `maxRows` data rows. */
export function parseCsv(text: string, at: string, file: string, maxRows: number): Csv {
  const lines = (visit: (line: string, n: number) => boolean | void): void => {
    for (let start = 0, n = 1; start <= text.length; n++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      start = end + 1;
      if (line.trim() !== '' && visit(line, n) === false) return;
    }
  };
  const error = (line: number, j: number, got: string, expected: string, name?: string) =>
    new ScenarioError(`${at} line ${line} column ${name ?? j + 1}`, undefined, `${expected} (${file})`, got);
  // Split with a limit: a line of a million commas is not made a million strings.
  const cells = (line: string, most: number) => line.split(',', most).map((c) => c.replace(/^[ \t]+|[ \t]+$/g, ''));

  let header: string[] | undefined, headerLine = 0;
  lines((line, n) => {
    header = cells(line, MAX_CSV_COLUMNS + 1);
    headerLine = n;
    return false;
  });
  if (!header) throw new ScenarioError(at, file, `a CSV file with a header line naming its columns (${file})`, 'an empty file');
  const names = header;
  if (names.length > MAX_CSV_COLUMNS) throw error(headerLine, MAX_CSV_COLUMNS, `more than ${MAX_CSV_COLUMNS} columns`, `at most ${MAX_CSV_COLUMNS} columns`);
  names.forEach((name, j) => {
    if (name === '') throw error(headerLine, j, 'an empty column name', 'a name for every column of the header line');
    if (names.indexOf(name) < j) throw error(headerLine, j, `the name of column ${names.indexOf(name) + 1} again`, 'distinct column names');
  });

  return {
    header: names,
    headerLine,
    forEachRow(visit) {
      let rows = 0;
      lines((line, n) => {
        if (n === headerLine) return;
        if (++rows > maxRows) throw new ScenarioError(at, file, `a CSV file of at most ${maxRows} data rows (${file})`, `more than ${maxRows} rows`);
        const row = cells(line, names.length + 1);
        if (row.length > names.length) throw error(n, names.length, `a cell beyond the header's ${names.length} column(s)`, 'one cell per column of the header');
        if (row.length < names.length) throw error(n, row.length, 'a missing cell', 'one cell per column of the header');
        visit(row, n);
      });
      return rows;
    },
    number(row, j, line, rule = {}, name) {
      const cell = row[j];
      const expected = rule.integer ? 'an integer >= 0 in plain decimal digits' : 'a number >= 0 in plain decimal (such as 12 or 0.25: no sign, exponent or hex)';
      if (cell === '') throw error(line, j, 'an empty cell', expected, name);
      if (!DECIMAL.test(cell)) throw error(line, j, 'a cell that is not a plain decimal number', expected, name);
      const v = Number(cell);
      if (!Number.isFinite(v)) throw error(line, j, 'a number too large for float64', expected, name);
      if (rule.integer && !Number.isInteger(v)) throw error(line, j, 'a fraction', expected, name);
      if (rule.max !== undefined && !(v <= rule.max)) throw error(line, j, `a number above ${rule.max}`, `at most ${rule.max}${rule.maxReason ? ` (${rule.maxReason})` : ''}`, name);
      return v;
    },
    error,
  };
}
