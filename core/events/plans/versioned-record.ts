/**
 * One record per business id, whatever the number of events naming it: leads, surveys, members,
 * media mentions. Where copies disagree the latest stands (kpis-operations.md, "Precision and
 * readings"); a member counts from their first joining. Each names, by key index, the sorted sets its record belongs to
 * ('index;…', each scored by the record's time); the number of keys varies with the family.
 */
import { EVENT_SCHEMAS, LEAD_CHANNELS } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseVersionedRecord', new URL('./versioned-record.lua', import.meta.url), '---', true);
export const versionedRecordScripts = [script];

/** Index of each lead channel's sorted set among the lead's keys (after log, seq, records, all). */
const CHANNEL_INDEX = Object.fromEntries(LEAD_CHANNELS.map((c, i) => [c, 5 + i])) as Record<
  (typeof LEAD_CHANNELS)[number],
  number
>;
/** The leads with a campaign: after the channels. */
const CAMPAIGN_INDEX = 5 + LEAD_CHANNELS.length;

export const versionedRecordPlans: EventPlans<'lead.created' | 'survey.completed' | 'member.joined' | 'media.mention'> = {
  'lead.created': {
    schema: EVENT_SCHEMAS['lead.created'],
    script,
    keys: (_, k) => {
      const l = k.leads;
      return [l.records, l.all, ...LEAD_CHANNELS.map((c) => l.byChannel(c)), l.withCampaign];
    },
    args: (e, c) => {
      const membership = ['4', String(CHANNEL_INDEX[e.channel])];
      if (e.campaignId) membership.push(String(CAMPAIGN_INDEX));
      return [e.leadId, c.at, e.id, 'last', membership.join(';'), e.campaignId ?? ''];
    },
  },
  'survey.completed': {
    schema: EVENT_SCHEMAS['survey.completed'],
    script,
    keys: (_, k) => [k.surveys.records, k.surveys.byKind('sales'), k.surveys.byKind('service')],
    args: (e, c) => [e.surveyId, c.at, e.id, 'last', e.kind === 'sales' ? '4' : '5', `${e.kind},${e.score},${e.nps ?? ''}`],
  },
  'member.joined': {
    schema: EVENT_SCHEMAS['member.joined'],
    script,
    keys: (_, k) => [k.members.records, k.members.all],
    args: (e, c) => [e.customer.id, c.at, e.id, 'first', '4', ''],
  },
  'media.mention': {
    schema: EVENT_SCHEMAS['media.mention'],
    script,
    keys: (_, k) => [k.media.records, k.media.all, k.media.negative],
    args: (e, c) => [e.mentionId, c.at, e.id, 'last', e.sentiment === 'negative' ? '4;5' : '4', e.sentiment],
  },
};
