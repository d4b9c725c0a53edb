/**
 * An open complaint past its response deadline (level 1) and then past its resolution deadline
 * (level 2). A response clears the first alert; a resolution clears whatever is left.
 *
 * The alert says what the complaint is about (its summary, else its category) and whose it is,
 * masked: a shared screen shows people, not complaint numbers. The id stays in `data`.
 */
import { complaintSeverity, passedComplaintDeadline, type ComplaintSeverity } from '../../../domain/complaints.js';
import { maskFreeText, maskName } from '../../../domain/masking.js';
import { withScores } from '../../../core/kpi/day-buckets.js';
import { storeKeys } from '../../../core/redis/keys.js';
import { loggedEvents } from '../../../core/work-lists/customers.js';
import type { AlertRule, Condition } from '../rule.js';

const SEVERITY_ZH: Record<ComplaintSeverity, string> = { low: '低', medium: '中', high: '高' };
const CATEGORY_ZH: Record<string, string> = { sales: '销售', service: '售后', parts: '配件', staff: '员工', other: '其他' };
/** A summary longer than this is cut (with …): the ticker is one line. */
export const SUMMARY_CHARS = 40;

/** What an alert may say of a complaint: its summary and customer masked, its category. */
function about(opening: unknown): Record<string, string> {
  const o = opening as { type?: string; category?: string; summary?: string; customer?: { name?: string } } | null;
  if (o?.type !== 'complaint.opened') return {};
  const out: Record<string, string> = {};
  if (o.category) out.category = o.category;
  const name = o.customer?.name?.trim();
  if (name) out.customer = maskName(name);
  const summary = o.summary ? maskFreeText(o.summary.replace(/\s+/g, ' ').trim(), [name]) : '';
  const chars = Array.from(summary);
  if (chars.length) out.summary = chars.length > SUMMARY_CHARS ? `${chars.slice(0, SUMMARY_CHARS - 1).join('')}…` : summary;
  return out;
}

export const complaintRule: AlertRule = {
  name: 'complaint',
  kinds: ['complaint_overdue'],
  triggers: ['complaint.opened', 'complaint.responded', 'complaint.resolved'],
  async evaluate(ctx) {
    const k = storeKeys(ctx.prefix, ctx.store);
    // `due` holds each open complaint at the moment its next deadline passes.
    const due = withScores(await ctx.redis.zrangebyscore(k.complaints.due, '-inf', `(${ctx.now}`, 'WITHSCORES'));
    if (!due.length) return { conditions: [] };
    const states = await ctx.redis.hmget(k.complaints.state, ...due.map((d) => d.member));
    const parsed = states.map((raw) => (raw ? (JSON.parse(raw) as { o: string; oid?: string; sev?: string; r?: string }) : null));
    const openings = await loggedEvents(
      ctx.redis,
      ctx.prefix,
      ctx.store,
      parsed.map((s) => s?.oid ?? null),
    );
    const d = ctx.config.complaintDeadlinesMs;
    const conditions: Condition[] = [];
    due.forEach(({ member: complaintId }, i) => {
      const s = parsed[i];
      if (!s) return;
      const opened = Number(s.o);
      const sev = complaintSeverity(s.sev);
      const passed = passedComplaintDeadline({ openedAt: opened, severity: sev, responded: !!s.r, resolved: false }, ctx.now, d);
      if (!passed) return;
      const { phase, at: crossedAt } = passed;
      const hours = Math.floor((ctx.now - opened) / 3600_000);
      const what = about(openings[i]);
      const subject = what.summary
        ? `：「${what.summary}」`
        : what.category
          ? `：${CATEGORY_ZH[what.category] ?? what.category}类投诉`
          : '';
      const who = what.customer ? `${what.customer}，` : '';
      conditions.push({
        key: `complaint:${complaintId}`,
        level: phase === 'resolution' ? 2 : 1,
        since: crossedAt,
        alert: {
          kind: 'complaint_overdue',
          severity: sev === 'high' || phase === 'resolution' ? 'critical' : 'warning',
          message: `${phase === 'response' ? '投诉超时未响应' : '投诉超时未解决'}${subject}（${who}${SEVERITY_ZH[sev]}级，已 ${hours} 小时）`,
          data: { complaintId, severity: sev, phase, hours, ...what },
        },
      });
    });
    return { conditions };
  },
};
