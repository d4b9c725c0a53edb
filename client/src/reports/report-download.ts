/**
 * Saves a report as a file: the workbook (`….xlsx`) or the CSV (`Accept: text/csv`). The key goes
 * in the Authorization header as on every API call, so a plain link cannot do: the answer is read
 * as a blob and handed to the browser's download through a temporary object URL.
 */
import { ApiError } from '../api.js';

export type ReportFormat = 'xlsx' | 'csv';

/** The name the server gives in Content-Disposition (RFC 6266, `filename*` first), if any. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain ? plain[1]!.trim() : null;
}

export async function downloadReport(apiPath: string, format: ReportFormat, token: string, fallbackName: string): Promise<void> {
  const path = format === 'xlsx' ? `${apiPath}.xlsx` : apiPath;
  const accept = format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  const res = await fetch(new URL(path, location.origin), { headers: { authorization: `Bearer ${token}`, accept } });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { message?: unknown; error?: unknown };
      if (typeof body.message === 'string') message = body.message;
      else if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, message);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = dispositionName(res.headers.get('content-disposition')) ?? `${fallbackName}.${format}`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL is let go after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
