/**
 * A material's stock against its reorder level (库存预警): it needs reordering once the stock is at
 * or below the level. "At" and "below" are told apart in words, because "库存 12，低于补货线 12"
 * reads as a contradiction to the person who has to order.
 */

/** `below`: under the level; `at`: exactly on it; `above`: no reorder needed. */
export type StockReading = 'below' | 'at' | 'above';

export function stockReading(stock: number, reorderLevel: number): StockReading {
  if (stock < reorderLevel) return 'below';
  return stock === reorderLevel ? 'at' : 'above';
}

/** Whether the item is to be reordered: at or below its reorder level. */
export const needsReorder = (stock: number, reorderLevel: number): boolean => stockReading(stock, reorderLevel) !== 'above';

/** The alert line the server sends with a material alert, in Chinese (the wall builds its own per locale). */
export function materialLowMessage(name: string, stock: number, reorderLevel: number): string {
  const where = stockReading(stock, reorderLevel) === 'below' ? '低于' : '已到';
  return `物料库存预警：${name} 库存 ${stock}，${where}补货线 ${reorderLevel}`;
}

/**
 * A stocktake (盘点) against the books: the book stock at the stocktake's own moment (every
 * movement dated at or before it, whenever it arrived) minus what was counted. 0 is the goal
 * (实物、帐面数据统一，零误差); above 0, goods are missing; below 0, goods were not booked in.
 */
export const stockDiscrepancy = (bookAtCount: number, counted: number): number => bookAtCount - counted;

/** The alert line of a stocktake that differs from the books, in Chinese (the wall builds its own per locale). */
export function stockDiscrepancyMessage(name: string, book: number, counted: number): string {
  const d = stockDiscrepancy(book, counted);
  return `盘点差异：${name} 帐面 ${book}，实盘 ${counted}，${d > 0 ? '短少' : '多出'} ${Math.abs(d)}`;
}
