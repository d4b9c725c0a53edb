/**
 * CSV rows as events: one row an event, columns named as the fields, the fields of an object
 * field as `field.name` (the customer's as `customer.id`, `customer.name`, `customer.phone`, a
 * co-op spend's as `coop.program`, `coop.share`). An empty cell is an absent field; numbers and
 * booleans are read as the event's schema types them, a list (a claim's `spendIds`) as its items
 * separated by `;`; then each row is validated by the very schema of the JSON API (`validateEvent`).
 */
import type { z } from 'zod';
import { customer, eventSchemas, validateEvent, type PulseEvent } from '../../domain/events.js';
import type { ImportRowError } from '../../domain/imports.js';
import { readCsv } from './csv.js';

/** A problem of one row (or of the header, row 1). */
export type RowIssue = ImportRowError;

type CellKind = 'string' | 'number' | 'boolean' | 'list';

/** A list's items in one cell: ids hold no `;`. */
export const LIST_SEPARATOR = ';';

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };
/** A field's schema with `optional` unwrapped. */
function defOf(schema: z.ZodType): Def {
  let def = schema.def as Def;
  while (def.type === 'optional' && def.innerType) def = def.innerType.def as Def;
  return def;
}

/** The JSON type a field takes, read off its zod schema. */
function kindOf(schema: z.ZodType): CellKind | 'object' {
  const type = defOf(schema).type;
  if (type === 'number' || type === 'boolean' || type === 'object') return type;
  return type === 'array' ? 'list' : 'string';
}

const CUSTOMER_PREFIX = 'customer.';
const customerFields = new Set(Object.keys(customer.shape));

/** type → column → how its cell is read; an object field's fields as `field.name` (`customer` is handled apart). */
const FIELD_KINDS = new Map<string, Map<string, CellKind>>(
  eventSchemas.map((s) => {
    const fields = new Map<string, CellKind>();
    for (const [name, field] of Object.entries(s.shape)) {
      const kind = kindOf(field as z.ZodType);
      if (kind !== 'object') fields.set(name, kind);
      else if (name !== 'customer') {
        for (const [sub, subField] of Object.entries(defOf(field as z.ZodType).shape ?? {})) {
          const k = kindOf(subField as z.ZodType);
          if (k !== 'object') fields.set(`${name}.${sub}`, k);
        }
      }
    }
    return [s.shape.type.value, fields];
  }),
);

/** Every column a file may have, in a stable order (for messages and docs). */
export const CSV_COLUMNS: readonly string[] = [
  ...new Set([...FIELD_KINDS.values()].flatMap((f) => [...f.keys()])),
  ...[...customerFields].map((f) => CUSTOMER_PREFIX + f),
];
export const REQUIRED_COLUMNS = ['id', 'type', 'store', 'at'] as const;
const KNOWN = new Set(CSV_COLUMNS);

/** Checks the header (row 1): known columns, each once, the common ones present. */
export function checkHeader(cells: string[]): { columns: string[]; issues: RowIssue[] } {
  const columns = cells.map((c) => c.trim());
  const issues: RowIssue[] = [];
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    const path = name || `(column ${i + 1})`;
    if (!KNOWN.has(name)) {
      issues.push({ row: 1, path, message: name ? 'unknown column' : 'the column has no name' });
    } else if (seen.has(name)) {
      issues.push({ row: 1, path, message: 'the column appears twice' });
    }
    seen.add(name);
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!seen.has(name)) issues.push({ row: 1, path: name, message: 'the column is missing' });
  }
  return { columns, issues };
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function readCell(kind: CellKind, cell: string): { value?: unknown; message?: string } {
  if (kind === 'string') return { value: cell };
  if (kind === 'list') return { value: cell.split(LIST_SEPARATOR).map((item) => item.trim()) };
  const t = cell.trim();
  if (kind === 'number') return NUMBER_RE.test(t) ? { value: Number(t) } : { message: 'must be a number' };
  const b = t.toLowerCase();
  return b === 'true' || b === 'false' ? { value: b === 'true' } : { message: 'must be true or false' };
}

/**
 * One data row to an event, or its problems. `now` bounds how far ahead `at` may be, as for the
 * JSON API.
 */
export function rowToEvent(
  columns: string[],
  cells: string[],
  row: number,
  now = Date.now(),
): { event?: PulseEvent; issues: RowIssue[] } {
  if (cells.length !== columns.length) {
    return {
      issues: [{ row, path: '(row)', message: `has ${cells.length} cells, the header has ${columns.length}` }],
    };
  }
  const typeCell = cells[columns.indexOf('type')] ?? '';
  const kinds = FIELD_KINDS.get(typeCell);
  const raw: Record<string, unknown> = {};
  const issues: RowIssue[] = [];
  columns.forEach((column, i) => {
    const cell = cells[i]!;
    if (cell === '') return;
    if (column.startsWith(CUSTOMER_PREFIX)) {
      const c = (raw.customer ??= {}) as Record<string, string>;
      c[column.slice(CUSTOMER_PREFIX.length)] = cell;
      return;
    }
    if (!kinds) {
      raw[column] = cell; // the type itself is wrong: validateEvent says so
      return;
    }
    const kind = kinds.get(column);
    if (!kind) {
      issues.push({ row, path: column, message: `is not a field of ${typeCell}` });
      return;
    }
    const { value, message } = readCell(kind, cell);
    if (message) issues.push({ row, path: column, message });
    else if (column.includes('.')) {
      const [field, sub] = column.split('.') as [string, string];
      ((raw[field] ??= {}) as Record<string, unknown>)[sub] = value;
    } else raw[column] = value;
  });
  // The schema checks the rest; a cell already found unreadable is not reported twice.
  const r = validateEvent(raw, row, now);
  const flagged = new Set(issues.map((i) => i.path));
  for (const i of r.issues) {
    if (flagged.has(i.path)) continue;
    issues.push({ row, ...(kinds ? onColumn(kinds, raw, i.path, i.message) : { path: i.path, message: i.message }) });
  }
  return issues.length ? { issues } : { event: r.event, issues };
}

/**
 * An item of a list is checked as `spendIds.1`, which is no column of the file: the problem is put
 * on the list's column, saying which item (counted from 1, as a person reading the cell counts).
 */
function onColumn(
  kinds: Map<string, CellKind>,
  raw: Record<string, unknown>,
  path: string,
  message: string,
): { path: string; message: string } {
  const item = /^([^.]+)\.(\d+)$/.exec(path);
  if (!item || kinds.get(item[1]!) !== 'list') return { path, message };
  const [, column, index] = item as unknown as [string, string, string];
  const value = (raw[column] as unknown[] | undefined)?.[Number(index)];
  return { path: column, message: `item ${Number(index) + 1} (${JSON.stringify(value)}): ${message}` };
}

/** The file's header and its number of data rows, or why the file as a whole is refused. */
export function inspectCsv(text: string): { columns: string[]; rows: number; issues: RowIssue[] } {
  const records = readCsv(text);
  const first = records.next();
  if (first.done) {
    return {
      columns: [],
      rows: 0,
      issues: [{ row: 1, path: '(file)', message: 'is empty: the first line must name the columns' }],
    };
  }
  const header = first.value;
  const { columns, issues } = checkHeader(header.cells);
  if (header.error) issues.unshift({ row: header.line, path: '(row)', message: header.error });
  let rows = 0;
  while (!records.next().done) rows++;
  if (!issues.length && rows === 0) issues.push({ row: 2, path: '(file)', message: 'has no rows below the header' });
  return { columns, rows, issues };
}

/** Each data row of a file whose header passed `inspectCsv`: its event, or its problems. */
export function* csvRows(text: string, now = Date.now()): Generator<{ row: number; event?: PulseEvent; issues: RowIssue[] }> {
  const records = readCsv(text);
  const first = records.next();
  if (first.done) return;
  const { columns } = checkHeader(first.value.cells);
  for (const rec of records) {
    if (rec.error) yield { row: rec.line, issues: [{ row: rec.line, path: '(row)', message: rec.error }] };
    else yield { row: rec.line, ...rowToEvent(columns, rec.cells, rec.line, now) };
  }
}
