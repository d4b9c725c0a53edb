/**
 * The planner's table: for every event type, by its name, its schema, its script, its keys and its
 * arguments. Each family's plan sits beside its Lua script in this folder.
 */
import type { EventType } from '../../../domain/events.js';
import type { EventPlans, EventScript } from '../event-plan.js';
import { appointmentPlans, appointmentScripts } from './appointment.js';
import { callbackPlans, callbackScripts } from './callback.js';
import { complaintPlans, complaintScripts } from './complaint.js';
import { coopPlans, coopScripts } from './coop.js';
import { countedPlans, countedScripts } from './counted.js';
import { logOnlyScript } from './log-only.js';
import { materialPlans, materialScripts } from './material.js';
import { orderPlans, orderScripts } from './order.js';
import { postsalePlans, postsaleScripts } from './postsale.js';
import { repairOpenedPlans, repairOpenedScripts } from './repair-opened.js';
import { spendPlans, spendScripts } from './spend.js';
import { versionedRecordPlans, versionedRecordScripts } from './versioned-record.js';

export const EVENT_PLANS: EventPlans<EventType> = {
  ...countedPlans,
  ...versionedRecordPlans,
  ...orderPlans,
  ...callbackPlans,
  ...appointmentPlans,
  ...repairOpenedPlans,
  ...complaintPlans,
  ...spendPlans,
  ...materialPlans,
  ...postsalePlans,
  ...coopPlans,
};

/** Every script the plans name, each defined once as a command. */
export const EVENT_SCRIPTS: readonly EventScript[] = [
  logOnlyScript,
  ...callbackScripts,
  ...repairOpenedScripts,
  ...complaintScripts,
  ...spendScripts,
  ...countedScripts,
  ...orderScripts,
  ...appointmentScripts,
  ...postsaleScripts,
  ...materialScripts,
  ...versionedRecordScripts,
  ...coopScripts,
];
