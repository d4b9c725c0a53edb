/** The wall's pages, by name. */
import type { Component } from 'vue';
import type { WallPage } from '../../../domain/screens.js';
import MarketingPage from './MarketingPage.vue';
import OverviewPage from './OverviewPage.vue';
import SalesPage from './SalesPage.vue';
import ServicePage from './ServicePage.vue';
import ValuePage from './ValuePage.vue';

export const PAGE_COMPONENTS: Record<WallPage, Component> = {
  overview: OverviewPage,
  sales: SalesPage,
  service: ServicePage,
  marketing: MarketingPage,
  value: ValuePage,
};
