/**
 * Daily figures kept for good (`GET /api/v1/stores/{store}/daily`): when raw events pass the
 * retention horizon, each day's counts are kept, so months and years can still be compared.
 */
export interface DailyCallbackCounts {
  /** Deliveries (sales) or closed repairs (service) that day. */
  subjects: number;
  /** Of them, reached within the deadline. */
  met: number;
}

export interface DailyFigures {
  /** Local 'YYYY-MM-DD' in the store's time zone. */
  date: string;
  salesCallback: DailyCallbackCounts;
  serviceCallback: DailyCallbackCounts;
  /** Repair orders opened, and of them booked in advance. */
  repairs: number;
  booked: number;
  leads: number;
  orders: number;
  deliveries: number;
  /** Mean survey score, null on a day without surveys. */
  salesSatisfaction: number | null;
  serviceSatisfaction: number | null;
  /** Yuan recorded that day on that month's budgets. */
  spend: number;
}
