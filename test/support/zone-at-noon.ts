/**
 * A fixed-offset zone where it is about noon now, so events "an hour ago" fall in today and this
 * month whatever time the tests run; with the month it is in.
 */
export function zoneAtNoon(): { zone: string; month: string } {
  const offset = Math.max(-12, Math.min(14, 12 - new Date().getUTCHours()));
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  return { zone, month: new Date(Date.now() + offset * 3600_000).toISOString().slice(0, 7) };
}
