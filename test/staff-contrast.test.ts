/**
 * The staff page's colours against WCAG 2.1 AA (4.5:1 for text), read from styles.css itself: the
 * wall's palette with the staff page's overrides, each tone's text on the panel and on its own
 * soft tint, and white text on the badges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrastRatio, over, parseColour, type Rgb } from '../client/src/contrast.js';

const css = readFileSync(new URL('../client/src/styles.css', import.meta.url), 'utf8');

/** The custom properties declared in the first block that opens with `selector {`. */
function block(selector: string): Map<string, string> {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`no ${selector} block`);
  const body = css.slice(at, css.indexOf('}', at)).replace(/\/\*[\s\S]*?\*\//g, '');
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}
const wall = block(':root');
const staff = new Map([...wall, ...block(":root[data-layout='staff']")]);
const colour = (vars: Map<string, string>, name: string) => parseColour(vars.get(name) ?? name);
const solid = (vars: Map<string, string>, name: string): Rgb => colour(vars, name).rgb;

describe('contrast arithmetic', () => {
  it('gives the ratios the audit measured for the old red', () => {
    const red = parseColour('#f43f5e').rgb;
    expect(contrastRatio([255, 255, 255], red).toFixed(2)).toBe('3.67');
    // 4.13 in the audit (axe rounds down), 4.14 rounded.
    expect(contrastRatio(red, parseColour('#371d31').rgb).toFixed(2)).toBe('4.14');
    // 18% of the red over the panel is that background.
    expect(over(parseColour('rgb(244 63 94 / 0.18)'), parseColour('#0d1627').rgb)).toEqual([55, 29, 49]);
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBe(21);
  });
});

describe('staff page palette (AA, 4.5:1)', () => {
  const panel = solid(staff, '--panel');
  const bg = solid(staff, '--bg');
  const pairs: [string, Rgb, Rgb][] = [];
  for (const text of ['--text', '--text-soft', '--muted', '--accent', '--ok', '--warn', '--bad', '--info']) {
    pairs.push([`${text} on --panel`, solid(staff, text), panel]);
    pairs.push([`${text} on --bg`, solid(staff, text), bg]);
  }
  for (const tone of ['ok', 'warn', 'bad', 'info']) {
    pairs.push([`--${tone} on --${tone}-soft`, solid(staff, `--${tone}`), over(colour(staff, `--${tone}-soft`), panel)]);
  }
  pairs.push(['white on --bad-strong (badges)', [255, 255, 255], solid(staff, '--bad-strong')]);
  pairs.push(['.btn-primary text on --accent', parseColour('#04101f').rgb, solid(staff, '--accent')]);
  pairs.push(['.btn-danger white on #be123c', [255, 255, 255], parseColour('#be123c').rgb]);
  pairs.push(['stale notice white on #b45309', [255, 255, 255], parseColour('#b45309').rgb]);

  it.each(pairs)('%s', (_name, fg, back) => {
    expect(contrastRatio(fg, back)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps the wall red for the wall, and a lighter one for small text on the staff page', () => {
    expect(wall.get('--bad')).toBe('#f43f5e');
    expect(staff.get('--bad')).toBe('#fb7185');
    // The numbers the audit will see now: white on the badge, red on its tint.
    expect(contrastRatio([255, 255, 255], solid(staff, '--bad-strong')).toFixed(2)).toBe('4.70');
    expect(contrastRatio(solid(staff, '--bad'), over(colour(staff, '--bad-soft'), panel)).toFixed(2)).toBe('5.64');
  });
});
