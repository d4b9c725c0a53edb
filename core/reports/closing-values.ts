/**
 * A period's figures as they stood at its close (reports.md, "Late events and revisions"). The
 * workers keep them once per store and period, at the first minute's recheck after the close; a
 * report's revision notice then names exactly the figures that late events moved since, not every
 * figure they could have moved — nor one that moved only because time passed (a callback falling
 * due).
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { periodBounds, periodClose, periodHolding, shiftPeriod, type Period, type PeriodKind } from '../../domain/periods.js';
import { REPORT_FIGURES, figureValue, type PeriodCounts } from '../../domain/reports.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';
import { readPeriodCounts, type PeriodReadConfig } from './read-period.js';

/**
 * The kinds kept: the reports that are sent. A day's notice names every figure its late events can
 * change (domain/revisions.ts), which keeps a store's kept values to ~70 small entries a year.
 */
const KINDS: PeriodKind[] = ['week', 'month', 'quarter'];

/** What is compared: each comparable figure's value, and a digest of each month list. */
export type ClosingValues = Record<string, number | null | string>;

const digest = (v: unknown) => createHash('sha1').update(JSON.stringify(v)).digest('base64').slice(0, 12);
/** Which figures the kept values list, in order: values kept under another list are not compared. */
const NAMES = digest(REPORT_FIGURES.map((f) => f.name));

/** The figures of some counts in the form they are compared in. */
export function closingValues(c: PeriodCounts): ClosingValues {
  const out: ClosingValues = {};
  for (const def of REPORT_FIGURES) out[def.name] = figureValue(def, c);
  out.targets = digest(c.targets);
  out.campaigns = digest(Object.entries(c.campaigns).sort(([a], [b]) => a.localeCompare(b)));
  return out;
}

/** Kept compactly: the values in REPORT_FIGURES order, then the two digests. */
interface Kept {
  at: number;
  names: string;
  v: (number | null)[];
  t: string;
  c: string;
}

function pack(values: ClosingValues, at: number): Kept {
  return {
    at,
    names: NAMES,
    v: REPORT_FIGURES.map((f) => values[f.name] as number | null),
    t: values.targets as string,
    c: values.campaigns as string,
  };
}

function unpack(k: Kept): ClosingValues | null {
  if (k.names !== NAMES || k.v.length !== REPORT_FIGURES.length) return null;
  const out: ClosingValues = { targets: k.t, campaigns: k.c };
  REPORT_FIGURES.forEach((f, i) => (out[f.name] = k.v[i]!));
  return out;
}

/** The names whose value differs between two keptings. */
export function changedNames(was: ClosingValues, now: ClosingValues): Set<string> {
  return new Set(Object.keys(now).filter((name) => name in was && was[name] !== now[name]));
}

/** The latest closed period of each kind at `now` in `zone`: the one before the period holding a day ago. */
export function latestClosed(now: number, zone: string): Period[] {
  const dayAgo = DateTime.fromMillis(now, { zone }).minus({ days: 1 }).toMillis();
  return KINDS.map((kind) => shiftPeriod(periodHolding(kind, dayAgo, zone), 1)).filter((p) => periodClose(p, zone) <= now);
}

/** Keeps the closing values of the store's latest closed periods not kept yet; returns the periods kept. */
export async function keepClosingValues(
  redis: RedisConn,
  cfg: PeriodReadConfig,
  store: string,
  zone: string,
  now: number,
): Promise<string[]> {
  const key = storeKeys(cfg.prefix, store).reportClosing;
  const periods = latestClosed(now, zone);
  const have = await redis.hmget(key, ...periods.map((p) => p.id));
  const kept: string[] = [];
  for (const [i, p] of periods.entries()) {
    if (have[i]) continue;
    const counts = await readPeriodCounts(redis, cfg, store, p, periodBounds(p, zone), now, zone);
    if (await redis.hsetnx(key, p.id, JSON.stringify(pack(closingValues(counts), now)))) kept.push(p.id);
  }
  return kept;
}

/** The values kept at a period's close and when, or null when none were (it closed before they were kept). */
export async function readClosingValues(
  redis: RedisConn,
  prefix: string,
  store: string,
  period: Period,
): Promise<{ at: number; values: ClosingValues } | null> {
  const raw = await redis.hget(storeKeys(prefix, store).reportClosing, period.id);
  if (!raw) return null;
  const kept = JSON.parse(raw) as Kept;
  const values = unpack(kept);
  return values ? { at: kept.at, values } : null;
}
