/**
 * The wall's words in Chinese (default) and English: one typed table a locale, no library.
 * The English table must have every key of the Chinese one with the same signature.
 */
import { computed, ref, watchEffect } from 'vue';
import { en } from './en.js';
import { zhCN, type Messages } from './zh-CN.js';

export type { Messages };

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_KEY = 'pulse.locale';

export const messages: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // no storage: default
  }
  return 'zh-CN';
}

const locale = ref<Locale>(initialLocale());
const m = computed<Messages>(() => messages[locale.value]);

watchEffect(() => {
  document.documentElement.lang = locale.value;
  document.title = `${m.value.product}`;
});

function setLocale(next: Locale): void {
  locale.value = next;
  try {
    localStorage.setItem(LOCALE_KEY, next);
  } catch {
    // kept for this page only
  }
}

export function useI18n() {
  return {
    locale,
    m,
    setLocale,
    toggle: () => setLocale(locale.value === 'zh-CN' ? 'en' : 'zh-CN'),
  };
}
