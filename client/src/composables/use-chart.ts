/**
 * One Chart.js instance per component for its whole life: created on mount, brought up to date in
 * place (`update('none')`, no animation, no re-creation) whenever `refresh` runs or the window is
 * resized, destroyed on unmount. Re-creating a chart per push would flicker and leak.
 */
import { Chart, type ChartConfiguration, type ChartType, type DefaultDataPoint } from 'chart.js';
import { onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';

/** A CSS custom property of the page, for chart colours that follow the theme. */
export const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** The page's rem in px: chart fonts and strokes scale with it, as the rest of the wall does. */
export const remPx = (): number => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

export interface ChartHandle<T extends ChartType, D, L> {
  /** The canvas to draw on: set by the shell (charts/ChartCanvas.vue) before mount. */
  canvas: ShallowRef<HTMLCanvasElement | null>;
  chart: ShallowRef<Chart<T, D, L> | null>;
  /** Applies the current props to the chart and redraws it. */
  refresh(): void;
}

export function useChart<T extends ChartType, D = DefaultDataPoint<T>, L = unknown>(
  config: () => ChartConfiguration<T, D, L>,
  /** Copies data and sizes onto the chart; the redraw follows. */
  apply: (chart: Chart<T, D, L>) => void,
  /** What a window resize changes (sizes only); `apply` by default. */
  onResize: (chart: Chart<T, D, L>) => void = apply,
): ChartHandle<T, D, L> {
  const canvas = shallowRef<HTMLCanvasElement | null>(null);
  const chart = shallowRef<Chart<T, D, L> | null>(null);
  const run = (fn: (c: Chart<T, D, L>) => void) => {
    const c = chart.value;
    if (!c) return;
    fn(c);
    c.update('none');
  };
  const refresh = () => run(apply);
  const resize = () => run(onResize);
  onMounted(() => {
    if (!canvas.value) return;
    chart.value = new Chart(canvas.value, config());
    refresh();
    window.addEventListener('resize', resize);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize);
    chart.value?.destroy();
    chart.value = null;
  });
  return { canvas, chart, refresh };
}

/**
 * What every chart of the wall shares: sized by its box, drawn at once (no animation), deaf to the
 * pointer, without legend or tooltip (the panels say what the lines are).
 */
export const stillOptions = () => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false as const,
  events: [] as (keyof HTMLElementEventMap)[],
  plugins: { legend: { display: false }, tooltip: { enabled: false } },
});

/** Tick fonts, tick paddings and grid lines of a line chart's two axes, in px for the current rem. */
export function sizeAxes<D, L>(c: Chart<'line', D, L>, rem: number): void {
  const font = { size: Math.round(1.5 * rem), family: getComputedStyle(document.body).fontFamily };
  const scales = c.options.scales as Record<
    'x' | 'y',
    { ticks: { font: unknown; padding: number }; grid: { lineWidth: number } }
  >;
  for (const axis of ['x', 'y'] as const) {
    scales[axis].ticks.font = font;
    scales[axis].ticks.padding = Math.round(0.4 * rem);
    scales[axis].grid.lineWidth = Math.max(1, rem / 16);
  }
}
