/**
 * An open complaint past its response deadline (level 1) and then past its resolution deadline
 * (level 2). A response clears the first alert; a resolution clears whatever is left.
 */
import { withScores } from '../../../server/kpi/day-buckets.js';
import { storeKeys } from '../../../server/redis-keys.js';
import type { AlertRule, Condition } from '../rule.js';

type Severity = 'low' | 'medium' | 'high';
const SEVERITY_ZH: Record<Severity, string> = { low: '低', medium: '中', high: '高' };

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
    const d = ctx.config.complaintDeadlinesMs;
    const conditions: Condition[] = [];
    due.forEach(({ member: complaintId }, i) => {
      const raw = states[i];
      if (!raw) return;
      const s = JSON.parse(raw) as { o: string; sev: Severity; r?: string };
      const opened = Number(s.o);
      const sev: Severity = s.sev in SEVERITY_ZH ? s.sev : 'low';
      const resolutionDue = opened + d.resolution[sev];
      const phase = ctx.now > resolutionDue ? 'resolution' : 'response';
      const crossedAt = phase === 'resolution' ? resolutionDue : opened + Math.min(d.response[sev], d.resolution[sev]);
      const hours = Math.floor((ctx.now - opened) / 3600_000);
      conditions.push({
        key: `complaint:${complaintId}`,
        level: phase === 'resolution' ? 2 : 1,
        since: crossedAt,
        alert: {
          kind: 'complaint_overdue',
          severity: sev === 'high' || phase === 'resolution' ? 'critical' : 'warning',
          message: `${phase === 'response' ? '投诉超时未响应' : '投诉超时未解决'}：${complaintId}（${SEVERITY_ZH[sev]}级，已 ${hours} 小时）`,
          data: { complaintId, severity: sev, phase, hours },
        },
      });
    });
    return { conditions };
  },
};
