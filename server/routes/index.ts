/** Every API route in one table: method, path, scope, handler. */
import type { Request, Response } from 'express';
import type { Scope } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { postAlertAck } from './alert-ack.js';
import { getAlertRules, putAlertRules } from './alert-rules.js';
import { getAlerts, getStoreAlerts } from './alerts.js';
import { getBudgetOverrides, getStoreOverrides, postBudgetCheck } from './budget-check.js';
import { getWhoami } from './whoami.js';
import { getDaily } from './daily.js';
import { getBudget, putBudget } from './budgets.js';
import { getGroupKpis, getStoreKpis } from './kpis.js';
import { getGroupReport, getGroupTrend, getStoreReport, getStoreTrend } from './reports.js';
import { deleteKey, getKeys, postKey } from './keys.js';
import { postEvents } from './post-events.js';
import { getRejectedEvents } from './rejected-events.js';
import { getImport } from './get-import.js';
import { postImport } from './post-import.js';
import { getStore, putStore } from './store-settings.js';
import { getStores } from './stores-list.js';
import { getMaterial, putMaterial } from './materials.js';
import { getTargets, putTargets } from './targets.js';
import { getWorkList } from './work-lists.js';
import { getScreen, putScreen } from './screens.js';
import { deleteDevice } from './device-delete.js';
import { postDeviceIdentify, postDeviceReload } from './device-commands.js';
import { getDevice } from './device-get.js';
import { putDevice } from './device-put.js';
import { getDevices } from './devices-list.js';
import { getSegmentsJob } from './segments-job.js';
import { postSegmentsRecompute } from './segments-recompute.js';
import { deleteWebhookRoute } from './webhook-delete.js';
import { getWebhookDeliveries } from './webhook-deliveries.js';
import { putWebhook } from './webhook-put.js';
import { postWebhookTest } from './webhook-send-test.js';
import { getWebhooks } from './webhooks-list.js';
import { getReportDelivery } from './report-delivery-get.js';
import { putReportDelivery } from './report-delivery-put.js';

export interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  /** Several scopes: any one of them will do. */
  scope: Scope | readonly Scope[];
  handler: (req: Request, res: Response, deps: AppDeps) => Promise<void>;
  /** The handler reads the body itself (the CSV import); every other route's body is JSON, read after the guards. */
  readsOwnBody?: true;
}

export const routes: Route[] = [
  { method: 'post', path: '/api/v1/events', scope: 'ingest', handler: postEvents },
  { method: 'post', path: '/api/v1/imports', scope: 'ingest', handler: postImport, readsOwnBody: true },
  { method: 'get', path: '/api/v1/imports/:importId', scope: ['ingest', 'read'], handler: getImport },
  { method: 'get', path: '/api/v1/kpis', scope: 'read', handler: getGroupKpis },
  { method: 'get', path: '/api/v1/stores', scope: 'read', handler: getStores },
  { method: 'get', path: '/api/v1/stores/:store/kpis', scope: 'read', handler: getStoreKpis },
  { method: 'get', path: '/api/v1/stores/:store/reports/:period', scope: 'read', handler: getStoreReport },
  { method: 'get', path: '/api/v1/stores/:store/reports/:period/trend', scope: 'read', handler: getStoreTrend },
  { method: 'get', path: '/api/v1/reports/:period', scope: 'read', handler: getGroupReport },
  { method: 'get', path: '/api/v1/reports/:period/trend', scope: 'read', handler: getGroupTrend },
  { method: 'get', path: '/api/v1/stores/:store/alerts', scope: 'read', handler: getStoreAlerts },
  { method: 'get', path: '/api/v1/alerts', scope: 'read', handler: getAlerts },
  { method: 'post', path: '/api/v1/alerts/:alertId/ack', scope: 'ack', handler: postAlertAck },
  { method: 'get', path: '/api/v1/whoami', scope: 'read', handler: getWhoami },
  { method: 'put', path: '/api/v1/stores/:store/alert-rules', scope: 'admin', handler: putAlertRules },
  { method: 'get', path: '/api/v1/stores/:store/alert-rules', scope: 'read', handler: getAlertRules },
  { method: 'post', path: '/api/v1/budgets/:budgetId/check', scope: 'read', handler: postBudgetCheck },
  { method: 'get', path: '/api/v1/budgets/:budgetId/overrides', scope: 'read', handler: getBudgetOverrides },
  { method: 'get', path: '/api/v1/stores/:store/overrides', scope: 'read', handler: getStoreOverrides },
  { method: 'get', path: '/api/v1/stores/:store/lists/:list', scope: 'read', handler: getWorkList },
  { method: 'get', path: '/api/v1/stores/:store/daily', scope: 'read', handler: getDaily },
  { method: 'get', path: '/api/v1/stores/:store/rejected', scope: 'admin', handler: getRejectedEvents },
  { method: 'put', path: '/api/v1/stores/:store', scope: 'admin', handler: putStore },
  { method: 'get', path: '/api/v1/stores/:store', scope: 'admin', handler: getStore },
  { method: 'put', path: '/api/v1/budgets/:budgetId', scope: 'admin', handler: putBudget },
  { method: 'get', path: '/api/v1/budgets/:budgetId', scope: 'admin', handler: getBudget },
  { method: 'put', path: '/api/v1/materials/:itemId', scope: 'admin', handler: putMaterial },
  { method: 'get', path: '/api/v1/materials/:itemId', scope: 'admin', handler: getMaterial },
  { method: 'put', path: '/api/v1/targets/:store/:month', scope: 'admin', handler: putTargets },
  { method: 'get', path: '/api/v1/targets/:store/:month', scope: 'admin', handler: getTargets },
  { method: 'put', path: '/api/v1/screens/:name', scope: 'admin', handler: putScreen },
  { method: 'get', path: '/api/v1/screens/:name', scope: 'read', handler: getScreen },
  { method: 'get', path: '/api/v1/devices', scope: 'admin', handler: getDevices },
  { method: 'get', path: '/api/v1/devices/:deviceId', scope: 'admin', handler: getDevice },
  { method: 'put', path: '/api/v1/devices/:deviceId', scope: 'admin', handler: putDevice },
  { method: 'delete', path: '/api/v1/devices/:deviceId', scope: 'admin', handler: deleteDevice },
  { method: 'post', path: '/api/v1/devices/:deviceId/reload', scope: 'admin', handler: postDeviceReload },
  { method: 'post', path: '/api/v1/devices/:deviceId/identify', scope: 'admin', handler: postDeviceIdentify },
  { method: 'post', path: '/api/v1/stores/:store/segments/recompute', scope: 'admin', handler: postSegmentsRecompute },
  { method: 'get', path: '/api/v1/stores/:store/segments/job/:jobId', scope: 'admin', handler: getSegmentsJob },
  { method: 'post', path: '/api/v1/keys', scope: 'admin', handler: postKey },
  { method: 'get', path: '/api/v1/keys', scope: 'admin', handler: getKeys },
  { method: 'delete', path: '/api/v1/keys/:keyId', scope: 'admin', handler: deleteKey },
  { method: 'get', path: '/api/v1/stores/:store/webhooks', scope: 'admin', handler: getWebhooks },
  { method: 'put', path: '/api/v1/stores/:store/webhooks/:webhookId', scope: 'admin', handler: putWebhook },
  { method: 'delete', path: '/api/v1/stores/:store/webhooks/:webhookId', scope: 'admin', handler: deleteWebhookRoute },
  { method: 'get', path: '/api/v1/stores/:store/webhooks/:webhookId/deliveries', scope: 'admin', handler: getWebhookDeliveries },
  { method: 'post', path: '/api/v1/stores/:store/webhooks/:webhookId/test', scope: 'admin', handler: postWebhookTest },
  { method: 'get', path: '/api/v1/stores/:store/report-delivery', scope: 'admin', handler: getReportDelivery },
  { method: 'put', path: '/api/v1/stores/:store/report-delivery', scope: 'admin', handler: putReportDelivery },
];
