/**
 * What a group's snapshot lists. Its figures are every store's, summed; its lists of budgets and
 * materials — rows that belong to one store each — hold the most urgent rows up to a limit, with
 * the number of all of them beside the list. A group of 500 stores has thousands of such rows:
 * pushed 4 times a second to every group screen they made each push hundreds of KiB, while a wall
 * shows a dozen and a store's own snapshot lists every one of its rows.
 */
import type { BudgetLine, BudgetStatus, MaterialLine, MaterialsFigure, SpendFigure } from './kpis.js';

/** Rows of each list a group snapshot carries at most. */
export const GROUP_LIST_LIMIT = 50;

const STATUS_RANK: Record<BudgetStatus, number> = { tripped: 0, warn: 1, ok: 2 };

/** Tripped, then warn, then ok; the most used first; then by id, so the cut is the same every time. */
export const budgetUrgency = (a: BudgetLine, b: BudgetLine): number =>
  STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
  b.ratio - a.ratio ||
  a.store.localeCompare(b.store) ||
  a.budgetId.localeCompare(b.budgetId);

/** How full an item is against its reorder level: 0 empty, 1 at the level (an item with no level: full while in stock). */
export const materialFill = (stock: number, reorderLevel: number): number =>
  reorderLevel > 0 ? Math.max(0, stock) / reorderLevel : stock > 0 ? 1 : 0;

/** Low items first, then those whose stocktake differs from the books, then the rest; the emptiest first within each. */
const materialRank = (m: MaterialLine): number => (m.low ? 0 : m.discrepancy ? 1 : 2);
export const materialUrgency = (a: MaterialLine, b: MaterialLine): number =>
  materialRank(a) - materialRank(b) ||
  materialFill(a.stock, a.reorderLevel) - materialFill(b.stock, b.reorderLevel) ||
  a.store.localeCompare(b.store) ||
  a.itemId.localeCompare(b.itemId);

/** The group's spend with at most `limit` budgets listed (the totals stay those of every budget). */
export function groupSpend(spend: SpendFigure, limit = GROUP_LIST_LIMIT): SpendFigure {
  if (spend.budgets.length <= limit) return spend;
  return { ...spend, budgets: [...spend.budgets].sort(budgetUrgency).slice(0, limit), budgetCount: spend.budgets.length };
}

/** The group's materials with at most `limit` items listed, the low ones first (lowCount and discrepancyCount stay those of every item). */
export function groupMaterials(materials: MaterialsFigure, limit = GROUP_LIST_LIMIT): MaterialsFigure {
  if (materials.items.length <= limit) return materials;
  return { ...materials, items: [...materials.items].sort(materialUrgency).slice(0, limit), itemCount: materials.items.length };
}
