/**
 * Event API v1: the one home of the event schemas. Server (validation), workers (job data) and
 * client (types) all import from here; types are inferred from the schemas.
 */
import { z } from 'zod';
import { differentBodyMessage, FirstOccurrences } from './event-identity.js';

/** Events dated further ahead than this are rejected: a clock that far off is a sender bug. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;
export const MAX_BATCH = 1000;

const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const STORE_RE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The idempotency key: an event id is unique within its store; the same id again for the same store
 * changes nothing, whatever the body; the same id in two stores is two events (domain/event-identity.ts).
 */
export const eventId = z.string().regex(ID_RE, 'must be 1-128 characters of A-Za-z0-9._:-');
export const storeCode = z.string().regex(STORE_RE, 'must be 1-32 characters of A-Za-z0-9_-');
/** Ids of business objects (orders, repair orders, complaints…) follow the event id rule. */
const ref = eventId;

export const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time with offset or Z' });

/**
 * The other times an event names (an appointment's slot, a one-stop task's deadline) lie within
 * this of its `at`: further is a typo (a year 9999 or 0001), not a plan.
 */
export const MAX_RELATED_TIME_MS = 730 * 24 * 3600_000;
const RELATED_TIMES = ['scheduledFor', 'dueAt'] as const;

/** A whole number of fen: the tolerance absorbs float noise (0.1 + 0.2), not a sliver such as 1e-9. */
const wholeFen = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6 && (v === 0 || Math.round(v * 100) !== 0);

/**
 * Bounds of the numbers an event carries (docs/events.md, "Bounds"): each far above anything a
 * dealership reports, and low enough that every sum the product keeps stays an exact integer.
 * JavaScript and Redis' Lua hold integers exactly up to 2^53 − 1 = 9,007,199,254,740,991
 * (MAX_EXACT_SUM); the sums kept over a store's whole history are:
 * - an item's stock, the sum of its movements: at 100,000 a movement it takes 90 billion
 *   movements of the largest size to reach 2^53 — 28 a second, day and night, for a century.
 *   The apply script refuses a movement that would take a stock past ±MAX_EXACT_SUM all the
 *   same, so a stock is always read back exactly;
 * - a budget's spend in fen, the sum of its standing spend records: 10^8 yuan = 10^10 fen each,
 *   so 900,000 spends of the largest amount before 2^53; a busy budget takes a few hundred a
 *   month. Refused past MAX_EXACT_SUM like a stock;
 * - orders and repairs in fen, summed when read over a month (the wall) or 730 days (customer
 *   value): a 4S store signs a few thousand orders a year, about 10^11 fen; it would take
 *   900,000 orders of 一亿 each in the window to reach 2^53.
 * The bounds are whole yuan, so that a bound in fen (× 100) is exact too.
 */
export const BOUNDS = {
  /** order.signed `amount`, yuan: 一亿, a fleet order of many cars under one order id included. */
  orderAmount: 100_000_000,
  /** repair.closed `amount`, yuan: 一千万, above the dearest repair of the dearest car. */
  repairAmount: 10_000_000,
  /** spend.recorded `amount`, yuan: 一亿, as much as a whole monthly budget may hold. */
  spendAmount: 100_000_000,
  /** material.moved `quantity`, units either way: a container of brochures is some tens of thousands. */
  materialQuantity: 100_000,
  /** material.counted `counted`, units: far above any stock room (a store's whole year of movements at most). */
  materialCount: 100_000_000,
  /** coop.claim.* amounts, yuan: a claim covers at most 500 spends of a budget. */
  coopAmount: 100_000_000,
  /** coop.claim.submitted `spendIds`: the spends one claim names. */
  claimSpends: 500,
  /** coop.claim.submitted `evidence`: documents attached to one claim. */
  claimEvidence: 10_000,
} as const;

/** The largest magnitude of a sum kept in Redis (an item's stock, a budget's spend in fen): 2^53 − 1. */
export const MAX_EXACT_SUM = Number.MAX_SAFE_INTEGER;

/** Yuan with at most two decimals, up to `max`; kept internally as integer fen. */
function yuan(min: 'positive' | 'nonnegative', max: number) {
  const base = min === 'positive' ? z.number().positive('must be more than 0') : z.number().nonnegative('must be at least 0');
  return base.max(max, `must be at most ${max}`).refine(wholeFen, 'must have at most 2 decimals');
}

export const customer = z.strictObject({
  id: z.string().min(1).max(128),
  name: z.string().max(64).optional(),
  phone: z.string().max(32).optional(),
});

const common = {
  id: eventId,
  store: storeCode,
  at: rfc3339,
  customer: customer.optional(),
};

export const LEAD_CHANNELS = ['walk_in', 'phone', 'web', 'event', 'referral', 'other'] as const;
export const CALLBACK_KINDS = ['sales', 'service'] as const;
export const CALLBACK_OUTCOMES = ['reached', 'no_answer', 'refused'] as const;
export const COMPLAINT_CHANNELS = ['phone', 'wechat', 'walk_in', 'survey', 'media', 'other'] as const;
export const COMPLAINT_CATEGORIES = ['sales', 'service', 'parts', 'staff', 'other'] as const;
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const POSTSALE_KINDS = ['inspection', 'plate', 'insurance', 'loan', 'pickup_notice'] as const;
/** A manufacturer's decision on a co-op claim (厂家审核): in full, in part, or refused. */
export const COOP_OUTCOMES = ['approved', 'partial', 'rejected'] as const;

/** A co-op program's name as the manufacturer's portal gives it (text, rendered as text). */
const programName = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

// `extend` (not an object spread) so that a type's own field, like the required `customer` of
// member.joined, replaces the common optional one in the inferred type too.
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject(common).extend({ type: z.literal(type), ...shape });

export const eventSchemas = [
  ev('showroom.visit', { firstVisit: z.boolean() }),
  ev('lead.created', { leadId: ref, channel: z.enum(LEAD_CHANNELS), campaignId: ref.optional() }),
  ev('testdrive.completed', { leadId: ref.optional(), model: z.string().min(1).max(64) }),
  ev('order.signed', {
    orderId: ref,
    model: z.string().min(1).max(64),
    amount: yuan('positive', BOUNDS.orderAmount),
    campaignId: ref.optional(),
  }),
  ev('order.cancelled', { orderId: ref }),
  ev('vehicle.delivered', { orderId: ref, model: z.string().min(1).max(64).optional(), vin: z.string().max(32).optional() }),
  ev('appointment.booked', { appointmentId: ref, scheduledFor: rfc3339 }),
  ev('appointment.cancelled', { appointmentId: ref }),
  ev('repair.opened', { roId: ref, appointmentId: ref.optional() }),
  ev('repair.closed', { roId: ref, amount: yuan('nonnegative', BOUNDS.repairAmount) }),
  ev('callback.attempted', {
    callbackId: ref,
    kind: z.enum(CALLBACK_KINDS),
    subjectId: ref,
    outcome: z.enum(CALLBACK_OUTCOMES),
    satisfied: z.boolean().optional(),
  }),
  ev('complaint.opened', {
    complaintId: ref,
    channel: z.enum(COMPLAINT_CHANNELS),
    category: z.enum(COMPLAINT_CATEGORIES),
    severity: z.enum(SEVERITIES),
    summary: z.string().max(500).optional(),
  }),
  ev('complaint.responded', { complaintId: ref }),
  ev('complaint.resolved', { complaintId: ref }),
  ev('spend.recorded', {
    spendId: ref,
    budgetId: ref,
    amount: yuan('positive', BOUNDS.spendAmount),
    vendor: z.string().max(128).optional(),
    /** Under a manufacturer co-op program (厂家市场支持), which reimburses `share` of it once claimed. */
    coop: z
      .strictObject({
        program: programName,
        share: z.number().positive('must be more than 0').max(1, 'must be at most 1'),
      })
      .optional(),
  }),
  ev('coop.claim.submitted', {
    claimId: ref,
    program: programName,
    spendIds: z
      .array(ref)
      .min(1, 'must name at least 1 spend')
      .max(BOUNDS.claimSpends, `must name at most ${BOUNDS.claimSpends} spends`)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a spend twice'),
    amount: yuan('positive', BOUNDS.coopAmount),
    evidence: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(BOUNDS.claimEvidence, `must be at most ${BOUNDS.claimEvidence}`),
  }),
  ev('coop.claim.decided', {
    claimId: ref,
    outcome: z.enum(COOP_OUTCOMES),
    approvedAmount: yuan('nonnegative', BOUNDS.coopAmount),
    reason: z.string().max(500, 'must be at most 500 characters').optional(),
  }),
  ev('coop.claim.paid', { claimId: ref, amount: yuan('positive', BOUNDS.coopAmount) }),
  ev('survey.completed', {
    surveyId: ref,
    kind: z.enum(CALLBACK_KINDS),
    score: z.number().min(0, 'must be at least 0').max(100, 'must be at most 100'),
    nps: z.number().int().min(0, 'must be at least 0').max(10, 'must be at most 10').optional(),
  }),
  ev('member.joined', { customer }),
  ev('media.mention', {
    mentionId: ref,
    sentiment: z.enum(SENTIMENTS),
    outlet: z.string().min(1).max(128),
    title: z.string().max(300).optional(),
  }),
  ev('material.moved', {
    itemId: ref,
    // `q !== 0` is false for -0 too: JSON's `-0` is refused like `0`.
    quantity: z
      .number()
      .int()
      .min(-BOUNDS.materialQuantity, `must be at least ${-BOUNDS.materialQuantity}`)
      .max(BOUNDS.materialQuantity, `must be at most ${BOUNDS.materialQuantity}`)
      .refine((q) => q !== 0, 'must not be 0'),
  }),
  ev('material.counted', {
    itemId: ref,
    counted: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(BOUNDS.materialCount, `must be at most ${BOUNDS.materialCount}`),
  }),
  ev('postsale.task', {
    taskId: ref,
    orderId: ref,
    kind: z.enum(POSTSALE_KINDS),
    status: z.enum(['open', 'done']),
    dueAt: rfc3339.optional(),
  }),
] as const;

export const pulseEvent = z.discriminatedUnion('type', eventSchemas);
export type PulseEvent = z.infer<typeof pulseEvent>;
export type EventType = PulseEvent['type'];
export type EventOf<T extends EventType> = Extract<PulseEvent, { type: T }>;
export const EVENT_TYPES = eventSchemas.map((s) => s.shape.type.value) as EventType[];
type EventSchema = (typeof eventSchemas)[number];
/** Each event type's schema, by its name. */
export const EVENT_SCHEMAS = Object.fromEntries(eventSchemas.map((s) => [s.shape.type.value, s])) as {
  [S in EventSchema as z.infer<S>['type']]: S;
};

export interface EventIssue {
  index: number;
  path: string;
  message: string;
}

/**
 * Validates one event as received. `now` bounds how far in the future `at` may be; it is a
 * parameter so that tests can pin the clock.
 */
export function validateEvent(raw: unknown, index: number, now = Date.now()): { event?: PulseEvent; issues: EventIssue[] } {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const type = (raw as { type?: unknown }).type;
    if (typeof type !== 'string' || !(EVENT_TYPES as string[]).includes(type)) {
      return {
        issues: [{ index, path: 'type', message: `must be one of ${EVENT_TYPES.join(', ')}` }],
      };
    }
  }
  const parsed = pulseEvent.safeParse(raw);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        index,
        path: i.path.length ? i.path.join('.') : '(event)',
        message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
      })),
    };
  }
  const event = parsed.data;
  const at = Date.parse(event.at);
  const issues: EventIssue[] = [];
  if (at > now + MAX_FUTURE_MS) issues.push({ index, path: 'at', message: 'is more than 5 minutes in the future' });
  if (event.type === 'coop.claim.decided') {
    // A refusal approves nothing; an approval, in full or in part, approves something.
    const rejected = event.outcome === 'rejected';
    if (rejected !== (event.approvedAmount === 0)) {
      issues.push({
        index,
        path: 'approvedAmount',
        message: rejected ? 'must be 0 when the outcome is rejected' : `must be more than 0 when the outcome is ${event.outcome}`,
      });
    }
  }
  for (const field of RELATED_TIMES) {
    const t = (event as Partial<Record<(typeof RELATED_TIMES)[number], string>>)[field];
    if (t !== undefined && Math.abs(Date.parse(t) - at) > MAX_RELATED_TIME_MS) {
      issues.push({ index, path: field, message: 'must be within 2 years (730 days) of at' });
    }
  }
  return issues.length ? { issues } : { event, issues };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a request body: one event, or {events: [1..1000]}. All or nothing. `events` are the
 * distinct events, each with its `indexes` in the request: an event given twice with the same body
 * is kept once (`repeats` counts the others); the same id of a store with another body is refused.
 */
export function validateBody(
  body: unknown,
  now = Date.now(),
): { events: PulseEvent[]; indexes: number[]; repeats: number; issues: EventIssue[] } {
  const refused = (issues: EventIssue[]) => ({ events: [], indexes: [], repeats: 0, issues });
  let list: unknown[];
  if (isObject(body) && Object.keys(body).length === 0) {
    return refused([{ index: -1, path: '(body)', message: 'is empty: send one event or {"events": [...]}' }]);
  } else if (isObject(body) && 'events' in body && !('type' in body)) {
    const unknown = Object.keys(body).filter((k) => k !== 'events');
    if (unknown.length) return refused([{ index: -1, path: '(body)', message: `unknown field(s): ${unknown.join(', ')}` }]);
    const evs = body.events;
    if (!Array.isArray(evs)) return refused([{ index: -1, path: 'events', message: 'must be an array' }]);
    if (evs.length < 1 || evs.length > MAX_BATCH) {
      return refused([{ index: -1, path: 'events', message: `must hold 1 to ${MAX_BATCH} events` }]);
    }
    list = evs;
  } else if (isObject(body)) {
    list = [body];
  } else {
    return refused([{ index: -1, path: '(body)', message: 'must be an event object or {"events": [...]}' }]);
  }
  const events: PulseEvent[] = [];
  const indexes: number[] = [];
  const issues: EventIssue[] = [];
  const firsts = new FirstOccurrences<number>();
  list.forEach((raw, i) => {
    const r = validateEvent(raw, i, now);
    issues.push(...r.issues);
    if (!r.event) return;
    const seen = firsts.see(r.event, i);
    if (seen.kind === 'conflict') {
      issues.push({ index: i, path: 'id', message: differentBodyMessage(`event ${seen.first}`) });
    } else if (seen.kind === 'first') {
      events.push(r.event);
      indexes.push(i);
    }
  });
  return issues.length ? refused(issues) : { events, indexes, repeats: list.length - events.length, issues };
}

/** Yuan (≤ 2 decimals) to integer fen, exactly. */
export const toFen = (yuan: number): number => Math.round(yuan * 100);
export const toYuan = (fen: number): number => fen / 100;
