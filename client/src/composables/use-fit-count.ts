/**
 * How many rows of a list fit its box on a no-scroll wall: all of them, or as many as fit with a
 * "n more" line under them. Measured from the box and its first row, again whenever either changes
 * size. Only a ResizeObserver measures: it calls back after the browser's own layout, so reading
 * sizes there costs nothing, where measuring on mount would force a layout of the whole wall.
 */
import { nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';

export interface FitOptions {
  /** The rows, inside the box. */
  rowSelector: string;
  /** Something inside the box above the rows (a table head), whose height is not room for rows. */
  headSelector?: string;
  /** Row height (rem) until a row exists to measure. */
  fallbackRowRem: number;
  /** Height (rem) of the "n more" line. */
  moreRem?: number;
}

export function useFitCount(box: Readonly<Ref<HTMLElement | null>>, options: FitOptions) {
  const fitsAll = ref(8);
  const fitsWithMore = ref(7);
  let observer: ResizeObserver | undefined;

  function measure(): void {
    const el = box.value;
    if (!el) return;
    // Everything in rem, rounded to 1/100: the wall scales with the screen (rem = 1/120 of its
    // width), so a 3840×2160 screen is exactly a 1920×1080 one twice over and must show the same
    // rows — pixel rounding of the one must not fit a row the other does not.
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const inRem = (px: number): number => Math.round((px / rem) * 100) / 100;
    const style = getComputedStyle(el);
    const gap = inRem(parseFloat(style.rowGap) || 0);
    const headEl = options.headSelector ? el.querySelector<HTMLElement>(options.headSelector) : null;
    const head = headEl ? inRem(headEl.getBoundingClientRect().height) : 0;
    const padding = (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
    const room = inRem(el.getBoundingClientRect().height - padding) - head + 0.02;
    const rowEl = el.querySelector<HTMLElement>(options.rowSelector);
    const row = (rowEl ? inRem(rowEl.getBoundingClientRect().height) : options.fallbackRowRem) + gap;
    const more = options.moreRem ?? 2;
    fitsAll.value = Math.max(1, Math.floor((room + gap) / row));
    fitsWithMore.value = Math.max(0, Math.floor((room - more) / row));
  }

  /** The row measured, observed too: a font arriving late changes its height, not the box's. */
  let row: Element | null = null;

  onMounted(() => {
    observer = new ResizeObserver(() => measure());
    if (box.value) observer.observe(box.value);
  });
  // The box may come and go (an empty list shows a note instead). Observing calls back once.
  watch(box, (el, old) => {
    if (!observer) return;
    if (old) observer.unobserve(old);
    if (el) observer.observe(el);
  });
  onBeforeUnmount(() => observer?.disconnect());

  return {
    /** How many of `total` rows to show. */
    shown: (total: number): number => (total <= fitsAll.value ? total : Math.min(total, fitsWithMore.value)),
    /** Measure again after the first rows appeared: by observing the first row. */
    remeasure: (): void =>
      void nextTick(() => {
        const first = box.value?.querySelector(options.rowSelector) ?? null;
        if (!observer || first === row) return;
        if (row) observer.unobserve(row);
        row = first;
        if (row) observer.observe(row);
      }),
  };
}
