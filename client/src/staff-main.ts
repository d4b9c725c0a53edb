// The staff page's own entry (client/staff.html, served for `/staff` and `/staff/{store}`): it loads
// the staff page and what it shows, never the wall, so that a phone's first paint waits for less.
import { createApp } from 'vue';
import StaffApp from './staff/StaffApp.vue';
import './styles.css';

createApp(StaffApp).mount('#app');
