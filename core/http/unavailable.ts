/**
 * The answer when a request cannot be completed now — Redis is away (down, or not answering in
 * time) or something failed on the way: 503 `unavailable` with `Retry-After`, so a client knows it
 * may send the same request again shortly (for events: with the same ids, which makes a resend of
 * a request that was stored after all harmless).
 */
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';

/** Seconds a client is told to wait before it sends the request again. */
export const RETRY_AFTER_S = 2;

/** Sets the `Retry-After` header of a 503 (Express or plain Node response). */
export function setRetryAfter(res: Response | ServerResponse): void {
  res.setHeader('Retry-After', String(RETRY_AFTER_S));
}

/** 503 `{"error":"unavailable",...}` with Retry-After; the request id lets a user quote the failure. */
export function answerUnavailable(res: Response, requestId: string): void {
  setRetryAfter(res);
  res.status(503).json({
    error: 'unavailable',
    message: 'the request could not be completed; retry shortly',
    requestId,
  });
}
