/**
 * What people read on a wall instead of codes: a campaign or budget id without a configured name
 * reads as its own words ("CMP-HZ01-2612-show" → "show"), and the built-in admin key as a role.
 * Codes stay in the API and on the staff page's detail views; a wall is read by people.
 */

/** The name the built-in admin key (`PULSE_ADMIN_TOKEN`) carries in the API. */
export const ADMIN_KEY_NAME = 'PULSE_ADMIN_TOKEN';

/** Parts of an id that are codes, not words: prefixes, store codes, months (2612), dates (20261201), counters. */
const CODE_PART = /^(?:CMP|BUD|B|CP|[A-Z]{2}\d{2}|\d+)$/i;

/**
 * An id's own words for people: the parts that are not codes, joined by spaces; the id itself when
 * it has no such part.
 */
export function humaniseId(id: string): string {
  const words = id.split(/[-_.\s]+/).filter((p) => p && !CODE_PART.test(p));
  return words.length > 0 ? words.join(' ') : id;
}

/** Who did something, for people: the admin key reads as its role. */
export function actorName(by: string, adminLabel: string): string {
  return by === ADMIN_KEY_NAME ? adminLabel : by;
}
