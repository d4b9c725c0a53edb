/** Configuration bodies of the admin API (stores, budgets), schema first. */
import { z } from 'zod';
import { DEFAULT_WARN_AT } from './budgets.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** Canonical names of the zones met so far: finding one builds a formatter, and the store registry reads every store's. */
const canonicalZones = new Map<string, string>();

/**
 * The zone's canonical name as the time zone database gives it (`asia/shanghai` → `Asia/Shanghai`,
 * `Etc/UTC` → `UTC`), or null when there is no such zone: a store keeps the one spelling.
 */
export function canonicalTimeZone(tz: string): string | null {
  const known = canonicalZones.get(tz);
  if (known) return known;
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    canonicalZones.set(tz, name);
    return name;
  } catch {
    return null;
  }
}

const timeZone = z.string().transform((tz, ctx) => {
  const name = canonicalTimeZone(tz);
  if (name === null) ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone name such as Asia/Shanghai' });
  return name ?? tz;
});

export const storeSettings = z.strictObject({
  name: z.string().min(1).max(64),
  timezone: timeZone.default(DEFAULT_TIMEZONE),
});
export type StoreSettings = z.infer<typeof storeSettings>;

/** A month of budgets and targets, `YYYY-MM` from 2000-01 to 2099-12: anything else is a typo, not a plan. */
export const monthKey = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM from 2000-01 to 2099-12');
/**
 * Bounds of the configured figures (docs/events.md, "Bounds"), each far above what a store or a
 * dealer group sets, and small enough that sums over stores and months stay exact integers: a
 * group of 1,000 stores at the largest budget is 10^11 yuan = 10^13 fen, 2^53 is 9 × 10^15.
 */
export const SETTINGS_BOUNDS = {
  /** A budget's `amount`, yuan: 一亿 for one month's line. */
  budgetAmount: 100_000_000,
  /** A monthly target of orders, deliveries or leads: a million, far beyond any store. */
  targetCount: 1_000_000,
  /** A material's `reorderLevel`, units. */
  reorderLevel: 1_000_000,
} as const;

const atMost = (max: number) => `must be at most ${max}`;

export const budgetSettings = z.strictObject({
  store: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Za-z0-9_-'),
  name: z.string().min(1).max(128),
  month: monthKey,
  amount: z
    .number()
    .positive('must be more than 0')
    .max(SETTINGS_BOUNDS.budgetAmount, atMost(SETTINGS_BOUNDS.budgetAmount))
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most 2 decimals'),
  warnAt: z.number().min(0).max(1).default(DEFAULT_WARN_AT),
  campaignId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/)
    .optional(),
});
export type BudgetSettings = z.infer<typeof budgetSettings>;

/** Zod issues as the API's `details` list. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.join('.') || '(body)',
    // As for events: the unknown fields named, rather than zod's wording.
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
}

export const materialSettings = z.strictObject({
  store: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Za-z0-9_-'),
  name: z.string().min(1).max(128),
  reorderLevel: z
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(SETTINGS_BOUNDS.reorderLevel, atMost(SETTINGS_BOUNDS.reorderLevel)),
});
export type MaterialSettings = z.infer<typeof materialSettings>;

const targetCount = z
  .number()
  .int()
  .min(1, 'must be at least 1')
  .max(SETTINGS_BOUNDS.targetCount, atMost(SETTINGS_BOUNDS.targetCount));
/** Monthly targets (刚性目标): at least one of orders, deliveries, leads. */
export const targetSettings = z
  .strictObject({ orders: targetCount.optional(), deliveries: targetCount.optional(), leads: targetCount.optional() })
  .refine(
    (t) => t.orders !== undefined || t.deliveries !== undefined || t.leads !== undefined,
    'give at least one of orders, deliveries, leads',
  );
export type TargetSettings = z.infer<typeof targetSettings>;
