/**
 * A complaint becoming overdue raises one alert for its response deadline and, if it stays open,
 * one more for its resolution deadline. A deadline that passed more than a day before the system
 * learned of it (a back-filled history, a resolution still on its way) is counted as overdue on the
 * wall but not announced: alerts are for what is happening now.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../server/config.js';
import { storeKeys } from '../../server/redis-keys.js';
import { transition } from '../event-scripts.js';
import { raiseAlert } from './raise-alert.js';

type Severity = 'low' | 'medium' | 'high';
const ANNOUNCE_WITHIN_MS = 24 * 3600_000;
const SEVERITY_ZH: Record<Severity, string> = { low: '低', medium: '中', high: '高' };

export async function checkOverdueComplaints(
  redis: Redis,
  prefix: string,
  store: string,
  now: number,
  deadlines: Config['complaintDeadlinesMs'],
): Promise<number> {
  const k = storeKeys(prefix, store);
  const ids = await redis.zrangebyscore(k.complaints.due, '-inf', `(${now}`);
  if (!ids.length) return 0;
  const states = await redis.hmget(k.complaints.state, ...ids);
  let raised = 0;
  for (let i = 0; i < ids.length; i++) {
    const raw = states[i];
    if (!raw) continue;
    const s = JSON.parse(raw) as { o: string; sev: Severity; r?: string };
    const opened = Number(s.o);
    const sev: Severity = s.sev in SEVERITY_ZH ? s.sev : 'low';
    const resolutionDue = opened + deadlines.resolution[sev];
    const phase = now > resolutionDue ? 'resolution' : 'response';
    const old = await transition(redis, k.alertState, `complaint:${ids[i]}`, phase);
    if (old === phase || old === 'resolution') continue;
    const crossedAt =
      phase === 'resolution' ? resolutionDue : opened + Math.min(deadlines.response[sev], deadlines.resolution[sev]);
    if (now - crossedAt > ANNOUNCE_WITHIN_MS) continue;
    const hours = Math.floor((now - opened) / 3600_000);
    await raiseAlert(redis, prefix, {
      store,
      kind: 'complaint_overdue',
      severity: sev === 'high' || phase === 'resolution' ? 'critical' : 'warning',
      message:
        phase === 'response'
          ? `投诉超时未响应：${ids[i]}（${SEVERITY_ZH[sev]}级，已 ${hours} 小时）`
          : `投诉超时未解决：${ids[i]}（${SEVERITY_ZH[sev]}级，已 ${hours} 小时）`,
      at: new Date(now).toISOString(),
      data: { complaintId: ids[i]!, severity: sev, phase, hours },
    });
    raised++;
  }
  return raised;
}
