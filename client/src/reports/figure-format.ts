/**
 * How a report figure is written, by its unit (domain/reports.ts): ratios as percentages with one
 * decimal, yuan with thousands separators, hours and NPS with one decimal, averages with two. The
 * numbers are the API's, rounded here for display only; a missing value is "—", never 0.
 */
import type { FigureUnit } from '../../../domain/reports.js';
import { changeTone, type ChangeTone } from '../../../domain/report-directions.js';

export const DASH = '—';

const DECIMALS: Record<FigureUnit, number> = { ratio: 1, count: 0, yuan: 2, hours: 1, score: 2, nps: 1 };

const fmt = new Map<string, Intl.NumberFormat>();
function grouped(value: number, min: number, max: number): string {
  const key = `${min}|${max}`;
  let f = fmt.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });
    fmt.set(key, f);
  }
  return f.format(value);
}

const present = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** A number in a unit, without sign handling beyond the number's own: 0.94 ratio → "94.0%". */
export function formatValue(unit: FigureUnit, value: number | null | undefined): string {
  if (!present(value)) return DASH;
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'yuan': {
      // Whole yuan without decimals; fen shown only when there are any.
      const whole = Math.abs(value - Math.round(value)) < 0.005;
      return `¥${grouped(value, whole ? 0 : 2, whole ? 0 : 2)}`;
    }
    case 'count':
      return grouped(value, 0, 2);
    default:
      return value.toFixed(DECIMALS[unit]);
  }
}

export interface ChangeText {
  /** ▲, ▼ or '' (no change, or none to show). */
  arrow: '▲' | '▼' | '';
  /** The size of the change, without sign: "2.5" (pp for ratios), "¥1,200", "3". */
  text: string;
  tone: ChangeTone;
}

/**
 * A change (`delta`, ratios already in percentage points): an arrow, its size as displayed, and
 * whether it is good news. A change that rounds to nothing at the figure's precision is flat.
 */
export function formatChange(name: string, unit: FigureUnit, delta: number | null | undefined): ChangeText | null {
  if (!present(delta)) return null;
  const decimals = DECIMALS[unit];
  const size = Math.abs(delta);
  if (Number(size.toFixed(decimals)) === 0) return { arrow: '', text: '0', tone: 'neutral' };
  const text =
    unit === 'ratio'
      ? size.toFixed(1)
      : unit === 'yuan'
        ? formatValue('yuan', size)
        : unit === 'count'
          ? grouped(size, 0, 2)
          : size.toFixed(decimals);
  return { arrow: delta > 0 ? '▲' : '▼', text, tone: changeTone(name, delta) };
}
