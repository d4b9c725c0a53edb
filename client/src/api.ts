/** Reads from the HTTP API with the kiosk key, as `Authorization: Bearer <key>`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function apiGet<T>(path: string, token: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(new URL(path, location.origin), {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal,
  });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: unknown; message?: unknown };
      if (typeof body.message === 'string' && body.message) message = body.message;
      else if (typeof body.error === 'string' && body.error) message = body.error;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}
