// The report page's own entry (client/reports.html, served for `/reports/...`): the period report,
// its tables and trend charts, never the wall or the staff page.
import { createApp } from 'vue';
import ReportsApp from './reports/ReportsApp.vue';
import './styles.css';
import './reports/report-page.css';

createApp(ReportsApp).mount('#app');
