/** Reads from and writes to the HTTP API with the kiosk key, as `Authorization: Bearer <key>`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The machine-readable `error` of the body (e.g. `alert_cleared`), if any. */
    readonly code: string | null = null,
    /** The parsed JSON body, if any (a 409 of the budget check carries the whole refusal). */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  token: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, location.origin), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    let code: string | null = null;
    let parsed: unknown = null;
    try {
      parsed = await res.json();
      const b = parsed as { error?: unknown; message?: unknown; details?: unknown };
      if (typeof b.error === 'string' && b.error) code = b.error;
      if (typeof b.message === 'string' && b.message) message = b.message;
      else if (Array.isArray(b.details) && b.details.length) message = detailsText(b.details);
      else if (code) message = code;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, message, code, parsed);
  }
  return (await res.json()) as T;
}

/** `[{path, message}]` of a 400 → "amount: must be positive; …". */
function detailsText(details: unknown[]): string {
  return details
    .map((d) => {
      const { path, message } = (d ?? {}) as { path?: unknown; message?: unknown };
      const p = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
      return `${p ? `${p}: ` : ''}${typeof message === 'string' ? message : ''}`;
    })
    .join('; ');
}

export function apiGet<T>(path: string, token: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, token, undefined, signal);
}

/** A JSON body in, JSON out; a refusal throws ApiError with the status, the `error` code and the body. */
export function apiPost<T>(path: string, body: unknown, token: string, signal?: AbortSignal): Promise<T> {
  return request<T>('POST', path, token, body, signal);
}

/** A JSON body in, JSON out, for settings (PUT); refusals as apiPost. */
export function apiPut<T>(path: string, body: unknown, token: string, signal?: AbortSignal): Promise<T> {
  return request<T>('PUT', path, token, body, signal);
}
