/**
 * What the demo configures through the admin API besides stores and budgets: each store's
 * materials with their reorder levels, the month's targets (刚性目标) and the screen playlists.
 * Pure: the requests are built here and sent by `feed.ts`.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import type { BudgetSettings, MaterialSettings, TargetSettings } from '../../domain/settings.js';
import type { ScreenSettings } from '../../domain/screens.js';
import { MATERIALS, STORES, budgetIdOf, campaignIdOf, itemIdOf, type StoreProfile } from './dealership.js';
import { generateStoreEvents } from './generate.js';
import { DEMO_SHARE, budgetIn } from './plan-sample.js';

export interface ApiCall<T = unknown> {
  method: 'PUT';
  path: string;
  body: T;
}

/** Every item the store moves, with its name and reorder level (库存预警). */
export function materialCalls(store: StoreProfile): ApiCall<MaterialSettings>[] {
  return MATERIALS.map((item) => ({
    method: 'PUT',
    path: `/api/v1/materials/${itemIdOf(store.code, item)}`,
    body: { store: store.code, name: item.name, reorderLevel: item.reorderLevel },
  }));
}

export type MonthTargets = Required<TargetSettings>;

/**
 * What the store does over the whole month (`YYYY-MM`) in the demo, at its share of the plan, as the
 * history's months are set from theirs: leads, orders kept, deliveries.
 */
export function monthActuals(store: StoreProfile, seed: number, month: string, share = DEMO_SHARE): MonthTargets {
  const start = DateTime.fromFormat(month, 'yyyy-LL', { zone: store.timezone });
  const end = start.plus({ months: 1 }).toMillis();
  return actualsOf(generateStoreEvents(store, { seed, from: start.toMillis(), to: end, now: end, share }));
}

/** Leads, orders kept and deliveries among a month's events. */
export function actualsOf(events: readonly PulseEvent[]): MonthTargets {
  const cancelled = new Set(events.flatMap((e) => (e.type === 'order.cancelled' ? [e.orderId] : [])));
  const count = (test: (e: PulseEvent) => boolean) => events.filter(test).length;
  return {
    orders: count((e) => e.type === 'order.signed' && !cancelled.has(e.orderId)),
    deliveries: count((e) => e.type === 'vehicle.delivered'),
    leads: count((e) => e.type === 'lead.created'),
  };
}

const roundTo = (v: number, step: number): number => Math.max(step, Math.round(v / step) * step);

/**
 * The month's targets as management sets them, in round figures: the store's actual month times its
 * plan (`StoreProfile.targets`), so a store on plan keeps pace and one set above it falls behind.
 */
export function monthTargets(store: StoreProfile, seed: number, month: string): MonthTargets {
  return targetsFor(store, monthActuals(store, seed, month));
}

/** Targets in round figures from what the store will do in the month (its plan times `StoreProfile.targets`). */
export function targetsFor(store: StoreProfile, actual: MonthTargets): MonthTargets {
  return {
    orders: roundTo(actual.orders * store.targets.orders, 5),
    deliveries: roundTo(actual.deliveries * store.targets.deliveries, 5),
    leads: roundTo(actual.leads * store.targets.leads, 10),
  };
}

export function targetCall(
  store: StoreProfile,
  seed: number,
  month: string,
  targets: MonthTargets = monthTargets(store, seed, month),
): ApiCall<MonthTargets> {
  return { method: 'PUT', path: `/api/v1/targets/${store.code}/${month}`, body: targets };
}

/**
 * The month's budgets of a store, at the demo's share of the plan's amounts (`plan-sample.ts`), every month alike.
 * A budget spend is booked against but nobody set up is left out: the wall shows it as unbudgeted.
 */
export function budgetCalls(store: StoreProfile, month: string, share = DEMO_SHARE): ApiCall<BudgetSettings>[] {
  return store.budgets
    .filter((b) => !b.unconfigured)
    .map((plan) => budgetIn(plan, share))
    .map((b) => ({
      method: 'PUT',
      path: `/api/v1/budgets/${budgetIdOf(store.code, month, b.key)}`,
      body: {
        store: store.code,
        name: b.name,
        month,
        amount: b.amount,
        warnAt: b.warnAt,
        ...(b.campaign ? { campaignId: campaignIdOf(store.code, month, b.key) } : {}),
      },
    }));
}

/** The showroom TV (展厅大屏) plays the group and the flagship store; each store has its own screen too. */
export function screenCalls(): ApiCall<ScreenSettings>[] {
  const flagship = STORES[0]!;
  const lobby: ScreenSettings = {
    title: '展厅大屏',
    items: [
      { page: 'overview', store: '*', seconds: 20 },
      { page: 'sales', store: flagship.code, seconds: 15 },
      { page: 'service', store: flagship.code, seconds: 15 },
      { page: 'marketing', store: '*', seconds: 15 },
      { page: 'value', store: flagship.code, seconds: 15 },
    ],
  };
  const storeScreen = (store: StoreProfile): ScreenSettings => ({
    title: store.name,
    items: [
      { page: 'overview', store: store.code, seconds: 20 },
      { page: 'sales', store: store.code, seconds: 15 },
      { page: 'service', store: store.code, seconds: 15 },
      { page: 'marketing', store: store.code, seconds: 15 },
      { page: 'value', store: store.code, seconds: 15 },
    ],
  });
  return [
    { method: 'PUT', path: '/api/v1/screens/lobby', body: lobby },
    { method: 'PUT', path: `/api/v1/screens/${flagship.code.toLowerCase()}`, body: storeScreen(flagship) },
  ];
}
