/**
 * The lists behind the figures (drill-down on the staff page). Names and phones are masked unless
 * the key has scope `pii`.
 */
export const WORK_LISTS = ['pendingCallbacks', 'overdueComplaints', 'lowMaterials', 'highChurn'] as const;
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

export interface WorkListItems {
  pendingCallbacks: PendingCallbackItem[];
  overdueComplaints: OverdueComplaintItem[];
  lowMaterials: LowMaterialItem[];
  highChurn: ChurnCustomerItem[];
}

export interface WorkList<N extends WorkListName = WorkListName> {
  store: string;
  list: N;
  asOf: string;
  masked: boolean;
  total: number;
  items: WorkListItems[N];
}
