/**
 * A store's or the group's report of a period (reports.md): the period's counts, the previous
 * period's and the same period's a year earlier, and the revision notice — each store read in its
 * own time zone, the group summed as the live group is.
 */
import { DateTime } from 'luxon';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import { lastYearPeriod, periodBounds, periodClose, shiftPeriod, trailingPeriods, type Period } from '../../domain/periods.js';
import {
  REPORT_FIGURES,
  mergePeriodCounts,
  reportFigures,
  hasData,
  figureValue,
  type PeriodCounts,
  type Report,
  type Revision,
} from '../../domain/reports.js';
import type { RedisConn } from '../redis/connections.js';
import type { StoreRegistry } from '../books/store-registry.js';
import type { StoreSettings } from '../../domain/settings.js';
import { readPeriodCounts, type PeriodReadConfig } from './read-period.js';
import { mergeLate, readLateEvents, type LateCounts } from './revisions.js';
import { changedNames, closingValues, readClosingValues } from './closing-values.js';

export const GROUP_REPORT_NAME = '集团';

export interface ReportDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: PeriodReadConfig;
}

const iso = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO()!;

/** The figures' names in report order, then the lists, of those the late events can change. */
function revisedFigures(late: LateCounts, figures: Report['figures']): string[] {
  const names = REPORT_FIGURES.map((f) => f.name).filter((n) => late.figures.has(n));
  if (late.figures.has('targets') && Object.keys(figures.targets).length) names.push('targets');
  if (late.figures.has('campaigns') && figures.campaigns.length) names.push('campaigns');
  return names;
}

function revision(late: LateCounts | null, figures: Report['figures']): Revision | null {
  if (!late || late.events === 0) return null;
  return { events: late.events, lastAt: new Date(late.lastAt).toISOString(), figures: revisedFigures(late, figures) };
}

interface StoreRead {
  store: string;
  settings: StoreSettings;
}

/** One store's counts of a period in its zone; a period wholly after now reads nothing. */
async function countsOf(deps: ReportDeps, s: StoreRead, period: Period, now: number): Promise<PeriodCounts> {
  const bounds = periodBounds(period, s.settings.timezone);
  return readPeriodCounts(deps.redis, deps.config, s.store, period, bounds, now, s.settings.timezone);
}

/**
 * The store's late events of the period, once it has closed. The figures named are those the
 * events can change that did change since the close, when the values at the close were kept.
 */
async function lateOf(
  deps: ReportDeps,
  s: StoreRead,
  period: Period,
  counts: PeriodCounts,
  now: number,
): Promise<LateCounts | null> {
  const close = periodClose(period, s.settings.timezone);
  if (now < close) return null;
  const bounds = periodBounds(period, s.settings.timezone);
  const late = await readLateEvents(deps.redis, deps.config.prefix, s.store, bounds, close);
  if (late.events === 0) return late;
  const atClose = await readClosingValues(deps.redis, deps.config.prefix, s.store, period);
  // Values kept after a late event had arrived already hold it: they cannot tell what it moved.
  if (atClose && atClose.at < late.firstAt) {
    const moved = changedNames(atClose.values, closingValues(counts));
    late.figures = new Set([...late.figures].filter((f) => moved.has(f)));
  }
  return late;
}

/** The report over some stores: one store's, or the group's summed. */
async function reportOver(
  deps: ReportDeps,
  stores: StoreRead[],
  period: Period,
  now: number,
): Promise<{ counts: PeriodCounts; figures: Report['figures']; late: LateCounts | null }> {
  const read = (p: Period) => Promise.all(stores.map((s) => countsOf(deps, s, p, now)));
  const [perStore, previous, lastYear] = await Promise.all([
    read(period),
    read(shiftPeriod(period, 1)).then(mergePeriodCounts),
    read(lastYearPeriod(period)).then(mergePeriodCounts),
  ]);
  const counts = mergePeriodCounts(perStore);
  const lates = await Promise.all(stores.map((s, i) => lateOf(deps, s, period, perStore[i]!, now)));
  const figures = reportFigures(counts, hasData(previous) ? previous : null, hasData(lastYear) ? lastYear : null);
  const known = lates.filter((l): l is LateCounts => l !== null);
  // The period closes store by store; before the first close there is nothing to revise.
  const late = known.length ? mergeLate(known) : null;
  return { counts, figures, late };
}

function head(period: Period, zone: string, now: number) {
  const { start, end } = periodBounds(period, zone);
  return {
    period: period.id,
    kind: period.kind,
    start: iso(start, zone),
    end: iso(end, zone),
    timezone: zone,
    asOf: iso(now, zone),
    partial: now < end,
    previousPeriod: shiftPeriod(period, 1).id,
    lastYearPeriod: lastYearPeriod(period).id,
  };
}

/** Whether the period has begun in `zone` (a period wholly in the future has no report). */
export function periodStarted(period: Period, zone: string, now: number): boolean {
  return periodBounds(period, zone).start <= now;
}

export async function buildStoreReport(deps: ReportDeps, store: string, period: Period, now: number): Promise<Report | null> {
  const settings = await deps.stores.get(store);
  if (!settings) return null;
  const { figures, late } = await reportOver(deps, [{ store, settings }], period, now);
  const h = head(period, settings.timezone, now);
  return { store, name: settings.name, ...h, revised: revision(late, figures), figures };
}

/** The group's stores (optionally only some: a store-limited key sees its own). */
async function groupStores(deps: ReportDeps, only?: string[] | null): Promise<StoreRead[]> {
  const all = await deps.stores.all();
  return [...all.keys()]
    .filter((s) => !only || only.includes(s))
    .sort()
    .map((store) => ({ store, settings: all.get(store)! }));
}

export async function buildGroupReport(deps: ReportDeps, period: Period, now: number, only?: string[] | null): Promise<Report> {
  const stores = await groupStores(deps, only);
  const zone = DEFAULT_TIMEZONE;
  const { figures, late } = await reportOver(deps, stores, period, now);
  const h = head(period, zone, now);
  return {
    stores: stores.map((s) => s.store),
    name: GROUP_REPORT_NAME,
    ...h,
    // A group period is partial while any store's is still running.
    partial: h.partial || stores.some((s) => now < periodBounds(period, s.settings.timezone).end),
    revised: revision(late, figures),
    figures,
  };
}

export interface ReportTrend {
  /** Oldest first, ending with the period asked for. */
  periods: string[];
  /** Each comparable figure's value per period (null: a ratio with nothing counted). */
  values: Record<string, (number | null)[]>;
}

/** The last `count` periods' values of every comparable figure (the report page's trend charts). */
export async function buildTrend(
  deps: ReportDeps,
  store: string | '*',
  period: Period,
  count: number,
  now: number,
  only?: string[] | null,
): Promise<ReportTrend | null> {
  let stores: StoreRead[];
  if (store === '*') stores = await groupStores(deps, only);
  else {
    const settings = await deps.stores.get(store);
    if (!settings) return null;
    stores = [{ store, settings }];
  }
  const periods = trailingPeriods(period, count);
  const all = await Promise.all(
    periods.map((p) => Promise.all(stores.map((s) => countsOf(deps, s, p, now))).then(mergePeriodCounts)),
  );
  const values: ReportTrend['values'] = {};
  for (const def of REPORT_FIGURES) {
    values[def.name] = all.map((c) => figureValue(def, c));
  }
  return { periods: periods.map((p) => p.id), values };
}
