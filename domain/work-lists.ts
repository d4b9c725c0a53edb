/**
 * The lists behind the figures (drill-down on the staff page). Names and phones are masked unless
 * the key has scope `pii`.
 */
export const WORK_LISTS = [
  'pendingCallbacks',
  'openComplaints',
  'overdueComplaints',
  'lowMaterials',
  'highChurn',
  'coopUnclaimed',
  'coopUnpaid',
] as const;
export type WorkListName = (typeof WORK_LISTS)[number];

export interface CustomerRef {
  id: string;
  name?: string;
  phone?: string;
}

export interface PendingCallbackItem {
  kind: 'sales' | 'service';
  /** orderId of the delivery or roId of the closed repair. */
  subjectId: string;
  at: string;
  deadline: string;
  /** Hours left until the deadline. */
  hoursLeft: number;
  customer?: CustomerRef;
}
export interface OverdueComplaintItem {
  complaintId: string;
  severity: 'low' | 'medium' | 'high';
  openedAt: string;
  responded: boolean;
  /** The deadline that was passed. */
  overdueSince: string;
  summary?: string;
  customer?: CustomerRef;
}
/** Every open complaint with its SLA countdown, the most urgent first. */
export interface OpenComplaintItem {
  complaintId: string;
  severity: 'low' | 'medium' | 'high';
  openedAt: string;
  responded: boolean;
  responseDue: string;
  resolutionDue: string;
  /** The deadline to meet next: the response until there is one, then the resolution. */
  phase: 'response' | 'resolution';
  deadline: string;
  /** Hours until `deadline`; negative once it has passed. */
  hoursLeft: number;
  overdue: boolean;
  summary?: string;
  customer?: CustomerRef;
}
export interface LowMaterialItem {
  itemId: string;
  name: string;
  stock: number;
  reorderLevel: number;
}
export interface ChurnCustomerItem {
  customer: CustomerRef;
  /** Yuan over the last 730 days. */
  value: number;
  lastActivity: string | null;
}

/** A co-op spend unclaimed for more than 30 days (domain/coop.ts), the oldest first. */
export interface CoopUnclaimedItem {
  spendId: string;
  budgetId: string;
  program: string;
  /** The spend's time, in the store's time zone. */
  at: string;
  /** The spend, yuan. */
  amount: number;
  share: number;
  /** What the program pays back: amount × share, yuan. */
  coopAmount: number;
  /** Days since the spend (store-local dates). */
  ageDays: number;
}
/** An approved claim not fully paid 30 days after its decision, the oldest decision first. */
export interface CoopUnpaidItem {
  claimId: string;
  program: string;
  outcome: 'approved' | 'partial' | 'rejected';
  submittedAt: string;
  decidedAt: string;
  claimed: number;
  approved: number;
  received: number;
  outstanding: number;
  /** Days since the decision (store-local dates). */
  ageDays: number;
}

export interface WorkListItems {
  pendingCallbacks: PendingCallbackItem[];
  openComplaints: OpenComplaintItem[];
  overdueComplaints: OverdueComplaintItem[];
  lowMaterials: LowMaterialItem[];
  highChurn: ChurnCustomerItem[];
  coopUnclaimed: CoopUnclaimedItem[];
  coopUnpaid: CoopUnpaidItem[];
}

export interface WorkList<N extends WorkListName = WorkListName> {
  store: string;
  list: N;
  asOf: string;
  masked: boolean;
  total: number;
  items: WorkListItems[N];
}

/** Hours from `now` to a deadline, to one decimal; negative once it has passed. */
export const hoursLeft = (deadline: number, now: number): number => Math.round(((deadline - now) / 3600_000) * 10) / 10;
