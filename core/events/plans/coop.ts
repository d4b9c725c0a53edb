/**
 * The co-op ledger (ledgers.md): a claim's latest submission and latest decision stand (a
 * resubmission replaces the claim), payments add up. Decisions and payments of a claim not yet
 * submitted are kept as they come and count once it arrives. A stocktake (material.counted) is
 * a material's latest count, kept the same way.
 */
import { EVENT_SCHEMAS, toFen } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const latest = eventScript('pulseLatestRecord', new URL('./latest-record.lua', import.meta.url), '---');
const paid = eventScript('pulseCoopPaid', new URL('./coop-paid.lua', import.meta.url), '---');
export const coopScripts = [latest, paid];

export const coopPlans: EventPlans<'coop.claim.submitted' | 'coop.claim.decided' | 'coop.claim.paid' | 'material.counted'> = {
  'coop.claim.submitted': {
    schema: EVENT_SCHEMAS['coop.claim.submitted'],
    script: latest,
    keys: (_, k) => [k.coop.claims],
    args: (e, c) => [
      e.claimId,
      c.at,
      e.id,
      JSON.stringify({ program: e.program, spendIds: e.spendIds, fen: toFen(e.amount), evidence: e.evidence }),
    ],
  },
  'coop.claim.decided': {
    schema: EVENT_SCHEMAS['coop.claim.decided'],
    script: latest,
    keys: (_, k) => [k.coop.decisions],
    args: (e, c) => [
      e.claimId,
      c.at,
      e.id,
      JSON.stringify({ outcome: e.outcome, approvedFen: toFen(e.approvedAmount), ...(e.reason ? { reason: e.reason } : {}) }),
    ],
  },
  'coop.claim.paid': {
    schema: EVENT_SCHEMAS['coop.claim.paid'],
    script: paid,
    keys: (_, k) => [k.coop.payments],
    args: (e, c) => [JSON.stringify({ claimId: e.claimId, at: Number(c.at), fen: toFen(e.amount) })],
  },
  'material.counted': {
    schema: EVENT_SCHEMAS['material.counted'],
    script: latest,
    keys: (_, k) => [k.materials.counts],
    args: (e, c) => [e.itemId, c.at, e.id, String(e.counted)],
  },
};
