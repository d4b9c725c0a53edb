/**
 * GET /api/v1/stores/{store}/reports/{period} and GET /api/v1/reports/{period} (group): the period
 * report as JSON, as CSV (`Accept: text/csv`, or `.csv` appended) or as a workbook (`.xlsx`
 * appended); `…/trend?count=12` the last periods' values for the report page's charts.
 */
import type { Request, Response } from 'express';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import { parsePeriod, type Period } from '../../domain/periods.js';
import type { Report } from '../../domain/reports.js';
import {
  buildGroupReport,
  buildStoreReport,
  buildTrend,
  periodStarted,
  type ReportDeps,
} from '../../core/reports/build-report.js';
import { reportCsv } from '../../core/reports/report-csv.js';
import { reportWorkbook } from '../../core/reports/report-xlsx.js';
import type { AppDeps } from '../deps.js';
import { reachableStore } from './store-access.js';

type Format = 'json' | 'csv' | 'xlsx';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TREND_MAX = 36;

const reportDeps = (deps: AppDeps): ReportDeps => ({ redis: deps.redis, stores: deps.stores, config: deps.config });

function badPeriod(res: Response, message: string) {
  res.status(400).json({ error: 'invalid_period', details: [{ path: 'period', message }] });
}

/** The period of the path and the format its suffix or the Accept header asks for; null once a 400 is sent. */
function periodOf(req: Request, res: Response): { period: Period; format: Format } | null {
  const raw = String(req.params.period ?? '');
  const m = /^(.*?)(?:\.(xlsx|csv|json))?$/.exec(raw)!;
  const parsed = parsePeriod(m[1]!);
  if (!parsed.ok) {
    badPeriod(res, parsed.reason);
    return null;
  }
  const suffix = m[2] as Format | undefined;
  const format: Format = suffix ?? (req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
  return { period: parsed.period, format };
}

/** A period wholly after now (in every zone given) has no report: 400 naming the period. */
function refuseFuture(res: Response, period: Period, zones: string[], now: number): boolean {
  if (zones.some((zone) => periodStarted(period, zone, now))) return false;
  badPeriod(res, `${period.id} has not begun yet`);
  return true;
}

function fileName(report: Report, ext: string): string {
  return `${report.store ?? 'group'}-${report.period}.${ext}`;
}

async function send(res: Response, report: Report, format: Format) {
  if (format === 'json') {
    res.json(report);
    return;
  }
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment(fileName(report, 'csv')).send(reportCsv(report));
    return;
  }
  const book = await reportWorkbook(report);
  res.type(XLSX_TYPE).attachment(fileName(report, 'xlsx')).send(book);
}

export async function getStoreReport(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'read');
  if (!store) return;
  const asked = periodOf(req, res);
  if (!asked) return;
  const settings = await deps.stores.get(store);
  if (!settings) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  const now = Date.now();
  if (refuseFuture(res, asked.period, [settings.timezone], now)) return;
  const report = await buildStoreReport(reportDeps(deps), store, asked.period, now);
  if (!report) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  await send(res, report, asked.format);
}

export async function getGroupReport(req: Request, res: Response, deps: AppDeps) {
  const asked = periodOf(req, res);
  if (!asked) return;
  const now = Date.now();
  // The group's period begins with its earliest store.
  const zones = [DEFAULT_TIMEZONE, ...[...(await deps.stores.all()).values()].map((s) => s.timezone)];
  if (refuseFuture(res, asked.period, zones, now)) return;
  const report = await buildGroupReport(reportDeps(deps), asked.period, now, req.principal!.stores);
  await send(res, report, asked.format);
}

function trendCount(req: Request, res: Response): number | null {
  const raw = req.query.count ?? '12';
  const n = Number(raw);
  if (typeof raw === 'string' && Number.isInteger(n) && n >= 1 && n <= TREND_MAX) return n;
  res
    .status(400)
    .json({ error: 'invalid_query', details: [{ path: 'count', message: `must be a whole number 1–${TREND_MAX}` }] });
  return null;
}

export async function getStoreTrend(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'read');
  if (!store) return;
  const parsed = parsePeriod(String(req.params.period ?? ''));
  if (!parsed.ok) return badPeriod(res, parsed.reason);
  const count = trendCount(req, res);
  if (count === null) return;
  const trend = await buildTrend(reportDeps(deps), store, parsed.period, count, Date.now());
  if (!trend) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  res.json({ store, ...trend });
}

export async function getGroupTrend(req: Request, res: Response, deps: AppDeps) {
  const parsed = parsePeriod(String(req.params.period ?? ''));
  if (!parsed.ok) return badPeriod(res, parsed.reason);
  const count = trendCount(req, res);
  if (count === null) return;
  const trend = await buildTrend(reportDeps(deps), '*', parsed.period, count, Date.now(), req.principal!.stores);
  res.json({ store: '*', ...trend! });
}
