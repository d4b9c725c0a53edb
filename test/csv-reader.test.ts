/** The CSV reader of the imports (RFC 4180), alone: examples, then round trips of arbitrary text. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRows, inspectCsv } from '../core/imports/csv-events.js';
import { csvCell, readCsv } from '../core/imports/csv.js';

const read = (text: string) => [...readCsv(text)];

describe('readCsv', () => {
  it('reads cells, quoted cells with commas, doubled quotes and line breaks', () => {
    expect(read('a,b,c\n1,"x, y","say ""hi"""\n')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x, y', 'say "hi"'] },
    ]);
    expect(read('a,"two\r\nlines"\r\nb,c')).toEqual([
      { line: 1, cells: ['a', 'two\r\nlines'] },
      { line: 3, cells: ['b', 'c'] },
    ]);
  });

  it('takes CRLF, LF and a lone CR as line ends, drops a BOM and skips blank lines', () => {
    expect(read('\uFEFFid,name\r\n\r\n1,王小明\r2,李静\n\n')).toEqual([
      { line: 1, cells: ['id', 'name'] },
      { line: 3, cells: ['1', '王小明'] },
      { line: 4, cells: ['2', '李静'] },
    ]);
  });

  it('keeps empty cells, a trailing comma and a quoted empty cell', () => {
    expect(read('a,,c,\n""\n,\n')).toEqual([
      { line: 1, cells: ['a', '', 'c', ''] },
      { line: 2, cells: [''] },
      { line: 3, cells: ['', ''] },
    ]);
  });

  it('reports a malformed record and goes on with the next one', () => {
    const [a, b, c] = read('x,a"b\n"c"d,e\nok,1\n"open,2\nlost,3');
    expect(a).toMatchObject({ line: 1, cells: ['x', 'a"b'], error: expect.stringContaining('does not start with') });
    expect(b).toMatchObject({ line: 2, cells: ['cd', 'e'], error: expect.stringContaining('after the closing quote') });
    expect(c).toEqual({ line: 3, cells: ['ok', '1'] });
    const d = read('x\n"open,2\nlost,3')[1];
    expect(d).toMatchObject({ line: 2, cells: ['open,2\nlost,3'], error: expect.stringContaining('never closed') });
  });

  it('reads back whatever csvCell wrote, on the right lines (property)', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', '王', '\uFEFF') }),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 6 }).filter((r) => !(r.length === 1 && r[0] === ''));
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        (rows, eol, bom, trailing) => {
          fc.pre(bom || !rows[0]![0]!.startsWith('\uFEFF'));
          const text = (bom ? '\uFEFF' : '') + rows.map((r) => r.map(csvCell).join(',')).join(eol) + (trailing ? eol : '');
          const got = read(text);
          expect(got.map((r) => r.cells)).toEqual(rows);
          expect(got.every((r) => r.error === undefined)).toBe(true);
          // Each record starts one line after the previous one's last line.
          let line = 1;
          rows.forEach((r, i) => {
            expect(got[i]!.line).toBe(line);
            line += 1 + r.reduce((n, c) => n + c.replace(/\r\n/g, '\n').replace(/[^\r\n]/g, '').length, 0);
          });
        },
      ),
      { seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined, numRuns: 300 },
    );
  });
});

describe('the sample file of docs/events.md', () => {
  it('is valid: five rows, five events', () => {
    const text = readFileSync(new URL('../docs/samples/events-import.csv', import.meta.url), 'utf8');
    expect(inspectCsv(text)).toMatchObject({ rows: 5, issues: [] });
    const rows = [...csvRows(text, Date.parse('2026-11-23T00:00:00Z'))];
    expect(rows.flatMap((r) => r.issues)).toEqual([]);
    expect(rows.map((r) => r.event?.type)).toEqual([
      'showroom.visit',
      'order.signed',
      'vehicle.delivered',
      'complaint.opened',
      'callback.attempted',
    ]);
    expect(rows[1]!.event).toMatchObject({ model: '凯美瑞 2.0G "豪华版"', amount: 219800, customer: { name: '王小明' } });
  });
});
