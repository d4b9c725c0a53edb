/** The rows of the two ratio panels, as the wall's pages and the staff page both show them. */
import type { Snapshot } from '../../../../domain/kpis.js';
import type { Messages } from '../../i18n/index.js';
import type { RateRow } from './sales/RateGridPanel.vue';

type Kpis = Snapshot['kpis'];

/** Test drives and order conversion (the sales floor). */
export const salesRates = (k: Kpis, m: Messages): RateRow[] => [
  { key: 'testDrive', label: m.testDriveRate, hint: m.testDriveHint, figures: k.testDriveRate, testid: 'test-drive-rate' },
  {
    key: 'conversion',
    label: m.orderConversion,
    hint: m.orderConversionHint,
    figures: k.orderConversion,
    testid: 'order-conversion',
  },
];

/** Appointments made and kept (customer care). */
export const serviceRates = (k: Kpis, m: Messages): RateRow[] => [
  { key: 'appointment', label: m.appointment, hint: m.appointmentShort, figures: k.appointmentRate, testid: 'appointment' },
  { key: 'show', label: m.showRate, hint: m.showRateHint, figures: k.appointmentShowRate, testid: 'show-rate' },
];
