/**
 * How busy a day is, relative to the demo's base volumes: the year's rhythm of a Chinese 4S store,
 * the group's growth, and weeks that simply go better or worse than others. Pure: a function of
 * the store, the seed and the local date only, so every range that plans a day plans it alike.
 */
import type { DateTime } from 'luxon';
import type { StoreProfile } from './dealership.js';
import { hashSeed } from './random.js';

/** Year on year growth of the group (orders, traffic, workshop): modest, as in a mature market. */
export const YEARLY_GROWTH = 0.08;
/** The level is 1 (the base volumes) on this date; earlier days are smaller, later ones larger. */
const GROWTH_ANCHOR_MS = Date.UTC(2026, 10, 1);
const YEAR_MS = 365.25 * 24 * 3_600_000;

/**
 * Month by month, January first. Sales: January waits for the holiday, February has it, the
 * autumn is the season (金九银十) and December closes the year with the dealers' year-end push.
 * The workshop is steadier: a pre-holiday rush in January, a quiet February.
 */
const SALES_MONTHS = [0.9, 0.78, 1.0, 0.97, 1.02, 0.98, 0.92, 0.95, 1.05, 1.08, 1.0, 1.15] as const;
const SERVICE_MONTHS = [1.05, 0.8, 0.98, 1.0, 1.0, 0.98, 0.95, 0.97, 1.0, 0.98, 1.0, 1.05] as const;

/** Spring Festival (除夕 is the day before): the showroom and the workshop are all but closed for a week. */
const SPRING_FESTIVAL = ['2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13', '2030-02-03'];
const DAY_MS = 24 * 3_600_000;
const festivalDays = SPRING_FESTIVAL.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS);

export interface DayLevel {
  /** Showroom traffic, leads, test drives, orders. */
  sales: number;
  /** Workshop visits. */
  service: number;
}

/** Local calendar day as days since 1970-01-01. */
const dayNumber = (d: DateTime): number => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;

/** Some weeks go better than others (a good campaign, bad weather): ±10 %, the same for the whole ISO week. */
export function weekFactor(store: StoreProfile, seed: number, start: DateTime): number {
  const u = (hashSeed(seed, store.code, 'week', `${start.weekYear}-W${start.weekNumber}`) % 10_000) / 10_000;
  return 0.9 + 0.2 * u;
}

/** The day's level: season × holidays × growth × how the week goes. */
export function volumeLevel(store: StoreProfile, seed: number, start: DateTime): DayLevel {
  const n = dayNumber(start);
  const growth = (1 + YEARLY_GROWTH) ** ((n * DAY_MS - GROWTH_ANCHOR_MS) / YEAR_MS);
  const weekly = weekFactor(store, seed, start);
  let sales = SALES_MONTHS[start.month - 1]! * growth * weekly;
  let service = SERVICE_MONTHS[start.month - 1]! * growth * weekly;
  // Spring Festival: from 除夕 to the 6th day of the new year, then a slow restart.
  const sinceFestival = n - (festivalDays.find((f) => n - f >= -1 && n - f <= 13) ?? Infinity);
  if (sinceFestival >= -1 && sinceFestival <= 5) [sales, service] = [sales * 0.3, service * 0.25];
  else if (sinceFestival > 5 && sinceFestival <= 13) [sales, service] = [sales * 0.8, service * 1.1];
  // Golden Week (国庆): the showroom's best week of the year, the workshop half empty.
  if (start.month === 10 && start.day <= 7) [sales, service] = [sales * 1.35, service * 0.7];
  // May Day (五一) holiday brings buyers too.
  if (start.month === 5 && start.day <= 5) sales *= 1.2;
  // Year-end push: the last fortnight of December sells to make the annual targets.
  if (start.month === 12 && start.day >= 16) sales *= 1.15;
  return { sales, service };
}
