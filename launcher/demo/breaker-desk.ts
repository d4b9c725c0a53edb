/**
 * The demo's marketing desk: before each top-up of the budget scripted to trip, it asks the
 * breaker (`POST /api/v1/budgets/{id}/check`). Once the breaker refuses, the store manager lets
 * one top-up through with a reason — so the demo shows a trip, a refusal and a logged override.
 */
import { STORES, budgetIdOf } from './dealership.js';
import { DEMO_SHARE, budgetIn } from './plan-sample.js';

/** Real milliseconds between planned top-ups. */
const EVERY_MS = 30_000;
/** How long the manager takes to decide after the first refusal. */
const MANAGER_MS = 15_000;

export interface BreakerDeskApi {
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

interface CheckAnswer {
  fits?: boolean;
  shortfall?: number;
  after?: { ratio?: number };
  error?: string;
}

const yuan = (v: number) => `¥${v.toLocaleString('zh-CN')}`;

export function breakerDesk(api: BreakerDeskApi, month: () => string, log: (msg: string) => void) {
  const store = STORES.find((s) => s.budgets.some((b) => b.script && b.script.stopRatio > 1));
  const scripted = store?.budgets.find((b) => b.script && b.script.stopRatio > 1);
  // The budget as the demo sets it up: its share of the plan's amount.
  const plan = scripted && budgetIn(scripted, DEMO_SHARE);
  let nextAt = Date.now() + EVERY_MS / 2;
  let refusedAt: number | null = null;
  let overridden = false;
  return {
    async step(now: number): Promise<void> {
      if (!store || !plan) return;
      const budgetId = budgetIdOf(store.code, month(), plan.key);
      if (refusedAt !== null && !overridden && now - refusedAt >= MANAGER_MS) {
        overridden = true;
        const amount = Math.round(plan.amount * 0.02);
        const res = await api.post(`/api/v1/budgets/${budgetId}/check`, {
          amount,
          override: { by: '店总 陈建国', reason: '周末车展线索量高，临时追加线上投放' },
        });
        log(`breaker: ${store.name}「${plan.name}」${yuan(amount)} let through by the manager → ${res.status}`);
        return;
      }
      if (now < nextAt) return;
      nextAt = now + EVERY_MS;
      const amount = Math.round(plan.amount * 0.015);
      const res = await api.post(`/api/v1/budgets/${budgetId}/check`, { amount });
      const answer = res.body as CheckAnswer;
      if (res.status === 200) {
        log(
          `breaker: ${store.name}「${plan.name}」planned ${yuan(amount)} fits (then ${Math.round((answer.after?.ratio ?? 0) * 1000) / 10}%)`,
        );
      } else if (res.status === 409) {
        refusedAt ??= now;
        log(
          `breaker: ${store.name}「${plan.name}」planned ${yuan(amount)} refused (${answer.error}, short ${yuan(answer.shortfall ?? 0)})`,
        );
      }
    },
  };
}
