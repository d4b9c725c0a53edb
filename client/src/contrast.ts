/**
 * WCAG 2.1 contrast, for checking the palette (styles.css) against AA: 4.5:1 for text, 3:1 for
 * large text and for the parts of controls.
 */
export type Rgb = readonly [number, number, number];

/** `#rrggbb` or `rgb(r g b / a)` / `rgb(r, g, b, a)` as a colour and its opacity. */
export function parseColour(css: string): { rgb: Rgb; alpha: number } {
  const s = css.trim();
  const hex = /^#([0-9a-f]{6})$/i.exec(s);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return { rgb: [(n >> 16) & 255, (n >> 8) & 255, n & 255], alpha: 1 };
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[/,]\s*([\d.]+%?))?\s*\)$/i.exec(s);
  if (fn) {
    const a = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? Number(fn[4].slice(0, -1)) / 100 : Number(fn[4]);
    return { rgb: [Number(fn[1]), Number(fn[2]), Number(fn[3])], alpha: a };
  }
  throw new Error(`not a colour: ${css}`);
}

/** A translucent colour laid over an opaque one, rounded to whole channels as a screen shows it. */
export const over = (top: { rgb: Rgb; alpha: number }, under: Rgb): Rgb =>
  top.rgb.map((c, i) => Math.round(c * top.alpha + under[i]! * (1 - top.alpha))) as unknown as Rgb;

const channel = (c: number): number => {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
export const luminance = ([r, g, b]: Rgb): number => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);

/** (lighter + 0.05) / (darker + 0.05), from 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const x = luminance(a);
  const y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
