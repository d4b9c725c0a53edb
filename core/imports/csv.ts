/**
 * A small RFC 4180 CSV reader: comma-separated cells, cells in double quotes may hold commas,
 * quotes (doubled: `""`) and line breaks; records end with CRLF, LF or a lone CR; a UTF-8 BOM at
 * the start is dropped; blank lines are skipped. It never throws: a malformed record is returned
 * with an `error`, and reading goes on with the next one.
 */

export interface CsvRecord {
  /** Line of the file (1-based) where the record starts. */
  line: number;
  cells: string[];
  /** Why the record is malformed (its cells are then as far as they could be read). */
  error?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Line breaks in a piece of text: CRLF, LF and a lone CR count one each. */
function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

export function* readCsv(text: string): Generator<CsvRecord> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let error: string | undefined;
    let quoted = false;
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        let from = i + 1;
        cell = '';
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            cell += text.slice(from);
            error ??= 'a quoted cell is never closed (a " is missing)';
            i = n;
            break;
          }
          cell += text.slice(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            cell += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        line += lineBreaks(cell);
        // Only a comma or the end of the record may follow the closing quote.
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        if (j > i) {
          error ??= 'text after the closing quote of a cell';
          cell += text.slice(i, j);
          i = j;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) error ??= 'a " inside a cell that does not start with one (quote the whole cell and double the ")';
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      if (i < n) {
        i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (cells.length === 1 && cells[0] === '' && !quoted && !error) continue;
    yield error ? { line: start, cells, error } : { line: start, cells };
  }
}

/** Writes one cell, quoting it when it needs to be (for tests, docs and exports). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}
