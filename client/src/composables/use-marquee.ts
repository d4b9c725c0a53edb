/**
 * A line of text longer than its box, read in full on a wall nobody scrolls: the line slides
 * slowly to its end, waits, and slides back. Each box (`boxSelector`, inside `root`) holds one run
 * of text (its first child); a box whose run is wider gets `data-scroll` and, in rem, how far
 * (`--shift`) and how long (`--scroll-time`) to slide. The style sheet animates it, or, where
 * motion is unwelcome (prefers-reduced-motion), wraps the run instead.
 *
 * Measured only in a ResizeObserver (after the browser's own layout), whenever a box or a run
 * changes size: a new alert, a text changed, the screen resized, a font arrived.
 */
import { onBeforeUnmount, onMounted, onUpdated, type Ref } from 'vue';

/** Sliding speed, rem a second: slow enough to read along (about two characters a second at 1080p). */
export const MARQUEE_REM_PER_S = 3;
/** The share of the cycle spent sliding; the rest waits at either end. */
export const MARQUEE_SLIDING = 0.6;

export function useMarquee(root: Readonly<Ref<HTMLElement | null>>, boxSelector: string): void {
  let observer: ResizeObserver | undefined;
  const watched = new Set<Element>();

  function measure(box: HTMLElement): void {
    const run = box.firstElementChild as HTMLElement | null;
    if (!run) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const over = (run.scrollWidth - box.clientWidth) / rem;
    if (over > 0.05) {
      const shift = Math.ceil(over * 100) / 100;
      box.dataset.scroll = '';
      box.style.setProperty('--shift', `-${shift}rem`);
      box.style.setProperty('--scroll-time', `${(Math.max(2, shift / MARQUEE_REM_PER_S) / MARQUEE_SLIDING).toFixed(2)}s`);
    } else if ('scroll' in box.dataset) {
      delete box.dataset.scroll;
      box.style.removeProperty('--shift');
      box.style.removeProperty('--scroll-time');
    }
  }

  /** Observe every box and run now in the list (observing costs no layout; it calls back once). */
  function track(): void {
    const el = root.value;
    if (!observer || !el) return;
    const now = new Set<Element>();
    for (const box of el.querySelectorAll(boxSelector)) {
      now.add(box);
      if (box.firstElementChild) now.add(box.firstElementChild);
    }
    for (const e of watched) if (!now.has(e)) observer.unobserve(e);
    for (const e of now) if (!watched.has(e)) observer.observe(e);
    watched.clear();
    for (const e of now) watched.add(e);
  }

  onMounted(() => {
    observer = new ResizeObserver((entries) => {
      const boxes = new Set<HTMLElement>();
      for (const { target } of entries) {
        const box = (target as HTMLElement).matches(boxSelector) ? target : target.parentElement;
        if (box instanceof HTMLElement && box.matches(boxSelector)) boxes.add(box);
      }
      for (const box of boxes) measure(box);
    });
    track();
  });
  onUpdated(track);
  onBeforeUnmount(() => observer?.disconnect());
}
