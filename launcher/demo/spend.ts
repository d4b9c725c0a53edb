/**
 * Marketing spend (spend.recorded) of one store for one month, budget by budget. Planned a month at
 * a time because a budget is monthly: the month's spend is shared out over its days. A budget under
 * a manufacturer co-op program records the program and its share on every spend; the claims that
 * follow are planned from the spends returned here (`coop.ts`).
 */
import type { DateTime } from 'luxon';
import { budgetIdOf, coopProgramName, type BudgetPlan } from './dealership.js';
import { between, chance, intBetween, pick, rngFor, toYuan2, type Rng } from './random.js';
import { HOUR, MINUTE, hm, inHours, type Sink } from './timeline.js';

interface Billing {
  ms: number;
  weight: number;
}

/** When a budget is billed in a month, with the relative size of each bill. */
function billings(rng: Rng, budget: BudgetPlan, month: DateTime): Billing[] {
  const days = Array.from({ length: month.daysInMonth ?? 30 }, (_, i) => month.plus({ days: i }));
  const at = (day: DateTime, from: number, to: number) => day.plus({ minutes: between(rng, from, to) }).toMillis();
  switch (budget.rhythm) {
    case 'daily':
      // Ad platforms bill yesterday's consumption every morning; weekends cost a little more.
      return days.map((d) => ({ ms: at(d, hm(9), hm(10, 30)), weight: between(rng, 0.7, 1.3) * (d.weekday >= 6 ? 1.2 : 1) }));
    case 'weekly': {
      // About two invoices a week, on working days.
      const bills = days
        .filter((d) => d.weekday <= 6 && chance(rng, 2 / 6))
        .map((d) => ({ ms: at(d, hm(10), hm(17)), weight: between(rng, 0.5, 1.5) }));
      return bills.length ? bills : [{ ms: at(days[9]!, hm(10), hm(17)), weight: 1 }];
    }
    case 'show':
      // An auto show: booth deposit early in the month, the balance mid-month, extras in between.
      return [
        { ms: at(days[2]!, hm(10), hm(16)), weight: 40 },
        { ms: at(days[14]!, hm(10), hm(16)), weight: 30 },
        ...Array.from({ length: 5 }, () => ({ ms: at(pick(rng, days), hm(10), hm(17)), weight: between(rng, 3, 9) })),
      ];
  }
}

/** A spend as it stands (its latest record), for the co-op claims. */
export interface PlannedSpend {
  spendId: string;
  budgetId: string;
  ms: number;
  amount: number;
}

/** Plans the month's spend of a budget into the sink; returns each spend as it stands, in time order. */
export function planSpend(sink: Sink, budget: BudgetPlan, month: DateTime, seed: number, demoStart: number): PlannedSpend[] {
  const store = sink.store;
  const budgetId = budgetIdOf(store.code, month.toFormat('yyyy-LL'), budget.key);
  const rng = rngFor(seed, budgetId, 'spend');
  const monthEnd = month.plus({ months: 1 }).toMillis();
  const coop = budget.coop
    ? { coop: { program: coopProgramName(budget.coop.program, month.year), share: budget.coop.share } }
    : {};
  const standing = new Map<string, PlannedSpend>();
  const record = (spendId: string, suffix: string, ms: number, amount: number) => {
    const vendor = pick(rng, budget.vendors);
    sink.add(ms, { id: `${spendId}.${suffix}`, type: 'spend.recorded', spendId, budgetId, amount, vendor, ...coop });
    // A correction comes later: the latest record stands.
    standing.set(spendId, { spendId, budgetId, ms, amount });
  };
  const spends = () => [...standing.values()].sort((a, b) => a.ms - b.ms || (a.spendId < b.spendId ? -1 : 1));

  const bills = billings(rng, budget, month).sort((a, b) => a.ms - b.ms);
  const scripted = budget.script && demoStart >= month.toMillis() && demoStart < monthEnd ? budget.script : undefined;

  if (!scripted) {
    // A scripted budget runs hot again in the months after the demo's; before it, it kept its pace.
    const past = monthEnd <= demoStart;
    const target = budget.amount * (past ? budget.pace : (budget.script?.startRatio ?? budget.pace));
    const total = bills.reduce((s, b) => s + b.weight, 0);
    bills.forEach((b, i) => {
      const spendId = `${budgetId}-${String(i + 1).padStart(2, '0')}`;
      // Invoices are in whole yuan; platform bills to the fen.
      const raw = (target * b.weight) / total;
      const amount = budget.rhythm === 'daily' ? toYuan2(raw) : Math.round(raw);
      record(spendId, 'rec', b.ms, amount);
      // Now and then finance corrects an invoice a few days later: the later record stands.
      if (budget.rhythm !== 'daily' && chance(rng, 0.08)) {
        const fixAt = inHours(rng, b.ms + between(rng, 24, 72) * HOUR, store.timezone);
        record(spendId, 'fix', fixAt, Math.round(amount * between(rng, 0.85, 1.05)));
      }
    });
    return spends();
  }

  // Scripted budget: bills before the demo started add up to startRatio…
  let pre = bills.filter((b) => b.ms < demoStart);
  if (!pre.length) pre = [{ ms: Math.max(month.toMillis(), demoStart - MINUTE), weight: 1 }];
  const preTotal = pre.reduce((s, b) => s + b.weight, 0);
  let spent = 0;
  pre.forEach((b, i) => {
    const amount = toYuan2((budget.amount * scripted.startRatio * b.weight) / preTotal);
    spent += amount;
    record(`${budgetId}-p${String(i + 1).padStart(2, '0')}`, 'rec', b.ms, amount);
  });
  // …then the platform bills every hour or two, day and night, until the campaign is paused.
  let t = demoStart + between(rng, 15, 45) * MINUTE;
  for (let n = 1; spent < budget.amount * scripted.stopRatio && t < monthEnd; n++) {
    const amount = toYuan2(budget.amount * scripted.step * between(rng, 0.6, 1.4));
    spent += amount;
    record(`${budgetId}-l${String(n).padStart(3, '0')}`, 'rec', t, amount);
    t += intBetween(rng, 60, 110) * MINUTE;
  }
  return spends();
}
