/**
 * Late events and report revisions (reports.md, "Late events and revisions"): an event belongs to
 * the period holding its own `at`; applied after that period's close, it revises a report that may
 * already have been sent. Which report figures an event can change is read off the event alone, so
 * the notice can name them without working the period out twice.
 */
import type { PulseEvent } from './events.js';
import { UNCLAIMED_AT_END_FIGURES } from './coop-periods.js';

/** A decision counts once its claim is known: a claim arriving late can move its period's decisions too. */
const COOP_DECIDED = ['coop.decided.approved', 'coop.decided.rejectedCount', 'coop.approvalRate'];

/**
 * An event applied this long after its own time may be late for some period: no period closes
 * sooner than a local day (23 hours on a daylight-saving day) after the end of the day holding it.
 */
export const LATE_AFTER_MS = 20 * 3600_000;

/** The report figures (domain/reports.ts names, and `targets`, `campaigns`) an event can change. */
export function figuresChangedBy(e: PulseEvent): string[] {
  switch (e.type) {
    case 'showroom.visit':
      return e.firstVisit ? ['showroom.visits', 'showroom.firstVisits', 'testDriveRate', 'orderConversion'] : ['showroom.visits'];
    case 'lead.created':
      return ['leads.total', `leads.byChannel.${e.channel}`, 'targets', ...(e.campaignId ? ['campaigns'] : [])];
    case 'testdrive.completed':
      return ['testDriveRate'];
    case 'order.signed':
    case 'order.cancelled':
      return ['orders.count', 'orders.amount', 'orderConversion', 'targets', 'campaigns'];
    case 'vehicle.delivered':
      return ['deliveries.count', 'salesCallbackRate', 'targets'];
    case 'appointment.booked':
    case 'appointment.cancelled':
      return ['appointmentShowRate'];
    case 'repair.opened':
      return ['appointmentRate', ...(e.appointmentId ? ['appointmentShowRate'] : [])];
    case 'repair.closed':
      return ['serviceCallbackRate'];
    case 'callback.attempted':
      return e.outcome === 'reached' ? [`${e.kind}CallbackRate`] : [];
    case 'complaint.opened':
      return ['complaints.opened', 'complaints.openAtEnd', 'complaints.overdueAtEnd', 'complaints.medianResolutionHours'];
    case 'complaint.responded':
      return ['complaints.overdueAtEnd'];
    case 'complaint.resolved':
      return ['complaints.resolved', 'complaints.medianResolutionHours', 'complaints.openAtEnd', 'complaints.overdueAtEnd'];
    case 'spend.recorded':
      return ['spend.spent', 'spend.unbudgeted', 'campaigns', ...(e.coop ? UNCLAIMED_AT_END_FIGURES : [])];
    case 'coop.claim.submitted':
      return ['coop.submitted.count', 'coop.submitted.amount', ...COOP_DECIDED, 'coop.paid.amount', ...UNCLAIMED_AT_END_FIGURES];
    case 'coop.claim.decided':
      return COOP_DECIDED;
    case 'coop.claim.paid':
      return ['coop.paid.amount'];
    case 'survey.completed': {
      const k = `satisfaction.${e.kind}`;
      return [`${k}.count`, `${k}.average`, ...(e.nps === undefined ? [] : [`${k}.nps`])];
    }
    case 'member.joined':
      return ['members.joined'];
    case 'media.mention':
      return e.sentiment === 'negative' ? ['media.total', 'media.negative'] : ['media.total'];
    case 'postsale.task':
      return e.status === 'done' ? ['postsale.done'] : [];
    case 'material.moved':
    case 'material.counted':
      return [];
  }
}

/**
 * The late-event record an apply script keeps (a sorted-set member scored by the event's time), or
 * '' when the event is on time, part of a history load (`arrivedAt` null) or changes no report
 * figure: 'eventId|arrivedAtMs|figure,figure'.
 */
export function lateRecord(e: PulseEvent, arrivedAt: number | null): string {
  if (arrivedAt === null) return '';
  // A reached call counts in its subject's period: its script, which knows the subject's time, decides.
  const bySubject = e.type === 'callback.attempted' && e.outcome === 'reached';
  if (!bySubject && arrivedAt - Date.parse(e.at) <= LATE_AFTER_MS) return '';
  const figures = figuresChangedBy(e);
  return figures.length ? `${e.id}|${arrivedAt}|${figures.join(',')}` : '';
}

/** A late-event record read back. */
export function parseLateRecord(member: string): { eventId: string; arrivedAt: number; figures: string[] } | null {
  const m = /^(.*)\|(\d+)\|([^|]*)$/.exec(member);
  return m ? { eventId: m[1]!, arrivedAt: Number(m[2]), figures: m[3] ? m[3].split(',') : [] } : null;
}
