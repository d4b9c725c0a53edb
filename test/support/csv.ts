/** CSV files of events for the import tests: one row an event, `customer.*` columns flattened. */
import type { PulseEvent } from '../../domain/events.js';
import type { ImportStatus } from '../../domain/imports.js';
import { csvCell } from '../../core/imports/csv.js';
import { ADMIN_TOKEN, waitFor, type Stack } from './stack.js';

/** The events as a CSV file: every field a column (in first-seen order), empty where absent. */
export function eventsToCsv(events: PulseEvent[], opts: { eol?: string; bom?: boolean } = {}): string {
  const rows = events.map((e) => {
    const { customer, ...rest } = e as PulseEvent & Record<string, unknown>;
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest)) flat[k] = String(v);
    for (const [k, v] of Object.entries(customer ?? {})) flat[`customer.${k}`] = String(v);
    return flat;
  });
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const eol = opts.eol ?? '\r\n';
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? '')).join(','))];
  return (opts.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

export async function postCsv(
  stack: Stack,
  body: string | Uint8Array<ArrayBuffer>,
  token: string | null = ADMIN_TOKEN,
  contentType = 'text/csv; charset=utf-8',
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${stack.baseUrl}/api/v1/imports`, { method: 'POST', headers, body });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Waits until the import is done (or failed) and returns its status. */
export function importFinished(stack: Stack, importId: string, token = ADMIN_TOKEN, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const res = await stack.request('GET', `/api/v1/imports/${importId}`, undefined, token);
      const s = res.body as ImportStatus;
      return s.state === 'done' || s.state === 'failed' ? s : null;
    },
    timeoutMs,
    `import ${importId} to finish`,
  );
}

/** Waits until the events queue has nothing left to apply. */
export function eventsDrained(stack: Stack, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const c = await stack.app.deps.queues.events.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    },
    timeoutMs,
    'the events queue to drain',
  );
}
