/** Plausible 17-character VINs (车架号) of cars built in China, with a valid check digit. */
import { pick, type Rng } from './random.js';

/** World manufacturer codes of two Chinese joint ventures. */
const WMIS = ['LVG', 'LFM'] as const;
/** VIN characters: no I, O or Q. */
const CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
/** Model-year codes cycle every 30 years; 2010 is A. */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
const VALUES: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

const charsOf = (rng: Rng, n: number, from = CHARS): string => Array.from({ length: n }, () => pick(rng, [...from])).join('');

export function vinOf(rng: Rng, modelYear: number): string {
  const year = YEAR_CODES[(((modelYear - 2010) % 30) + 30) % 30]!;
  const draft = `${pick(rng, WMIS)}${charsOf(rng, 5)}0${year}${charsOf(rng, 1)}${charsOf(rng, 6, '0123456789')}`;
  const sum = [...draft].reduce((s, ch, i) => s + (VALUES[ch] ?? Number(ch)) * WEIGHTS[i]!, 0);
  const check = sum % 11 === 10 ? 'X' : String(sum % 11);
  return draft.slice(0, 8) + check + draft.slice(9);
}
