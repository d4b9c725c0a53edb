/**
 * The name a person gives when acknowledging an alert or overriding the budget breaker, kept by
 * the browser (`pulse.person`) so that it is asked once per device, not per action.
 */
export const PERSON_KEY = 'pulse.person';

let memory = '';

export function savedPerson(): string {
  try {
    return localStorage.getItem(PERSON_KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function savePerson(name: string): void {
  memory = name.trim();
  try {
    localStorage.setItem(PERSON_KEY, memory);
  } catch {
    // kept for this page only
  }
}
