/**
 * Callbacks (回访): a subject whose deadline passed without a reached call (missed), and a pending
 * subject whose deadline is near (due soon). A late-reported call made in time clears a miss.
 */
import { callbackDeadline, callbackStanding, isCallbackDueSoon } from '../../../domain/callbacks.js';
import { hoursLeft } from '../../../domain/work-lists.js';
import { withScores } from '../../../core/kpi/day-buckets.js';
import { storeKeys, type CallbackKind } from '../../../core/redis/keys.js';
import { SETTLE_MS, type AlertRule, type Condition, type RuleContext } from '../rule.js';

const KINDS: CallbackKind[] = ['sales', 'service'];
const KIND_ZH: Record<CallbackKind, string> = { sales: '销售', service: '售后' };
const H = 3600_000;
/** Misses are watched this long after their deadline, so that a late report of a call in time still clears them. */
const MISSED_WINDOW_MS = 7 * 24 * H;
const TRIGGERS = ['vehicle.delivered', 'repair.closed', 'callback.attempted'] as const;

interface Subject {
  kind: CallbackKind;
  id: string;
  at: number;
  deadline: number;
  met: boolean;
}

/** Subjects of a kind whose deadline falls in [from, to), with whether they are met. */
async function subjects(ctx: RuleContext, kind: CallbackKind, from: number, to: number): Promise<Subject[]> {
  const c = storeKeys(ctx.prefix, ctx.store).callback(kind);
  const d = ctx.config.callbackDeadlineMs[kind];
  const found = withScores(await ctx.redis.zrangebyscore(c.subjectsByTime, from - d, `(${to - d}`, 'WITHSCORES'));
  if (!found.length) return [];
  const met = await ctx.redis.zmscore(c.met, ...found.map((s) => s.member));
  return found.map((s, i) => ({ kind, id: s.member, at: s.score, deadline: callbackDeadline(s.score, d), met: met[i] !== null }));
}

const iso = (ms: number) => new Date(ms).toISOString();

export const callbackMissedRule: AlertRule = {
  name: 'missed',
  kinds: ['callback_missed'],
  triggers: TRIGGERS,
  // A delivery applied before its callback looks missed for a moment.
  settleMs: SETTLE_MS,
  async evaluate(ctx) {
    const from = ctx.now - Math.max(MISSED_WINDOW_MS, ctx.rules.announceWithinHours * H);
    const examined = new Set<string>();
    const conditions: Condition[] = [];
    for (const kind of KINDS) {
      // As in the callback rate, a subject is due from the moment of its deadline.
      for (const s of await subjects(ctx, kind, from, ctx.now + 1)) {
        const key = `missed:${kind}:${s.id}`;
        examined.add(key);
        if (callbackStanding(s.at, s.met, ctx.now, ctx.config.callbackDeadlineMs[kind]) !== 'missed') continue;
        conditions.push({
          key,
          level: 1,
          since: s.deadline,
          alert: {
            kind: 'callback_missed',
            severity: 'warning',
            message: `${KIND_ZH[kind]}回访超时：${s.id} 未在期限内回访`,
            data: { kind, subjectId: s.id, deadline: iso(s.deadline) },
          },
        });
      }
    }
    return { conditions, examined: (key) => examined.has(key) };
  },
};

export const callbackDueSoonRule: AlertRule = {
  name: 'duesoon',
  kinds: ['callback_due_soon'],
  triggers: TRIGGERS,
  async evaluate(ctx) {
    const soon = ctx.rules.callbackDueSoonHours * H;
    const conditions: Condition[] = [];
    for (const kind of KINDS) {
      for (const s of await subjects(ctx, kind, ctx.now + 1, ctx.now + soon + 1)) {
        if (s.met || !isCallbackDueSoon(s.at, ctx.now, ctx.config.callbackDeadlineMs[kind], soon)) continue;
        const left = hoursLeft(s.deadline, ctx.now);
        conditions.push({
          key: `duesoon:${kind}:${s.id}`,
          level: 1,
          since: Math.max(0, s.deadline - soon),
          alert: {
            kind: 'callback_due_soon',
            severity: 'info',
            message: `${KIND_ZH[kind]}回访即将到期：${s.id} 剩余 ${left} 小时`,
            data: { kind, subjectId: s.id, deadline: iso(s.deadline), hoursLeft: left },
          },
        });
      }
    }
    // Met, or past its deadline (then it is a miss): cleared.
    return { conditions };
  },
};
