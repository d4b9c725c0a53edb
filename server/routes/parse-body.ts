/** The one way a handler reads its JSON body: parsed by its zod schema, or a 400 naming each field and reason. */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { issuesOf } from '../../domain/settings.js';

export function parseBody<S extends z.ZodType>(req: Request, res: Response, schema: S, error: string): z.infer<S> | undefined {
  // No body is not an empty object: a PUT without one is refused, not taken as "all defaults".
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  res.status(400).json({ error, details: issuesOf(parsed.error) });
  return undefined;
}

/** A PUT's id from the path and its body: both, or null once the 400 of the first wrong one has been sent. */
export function parsePut<S extends z.ZodType>(
  req: Request,
  res: Response,
  idOf: (req: Request, res: Response) => string | null,
  schema: S,
  error: string,
): { id: string; body: z.infer<S> } | null {
  const id = idOf(req, res);
  if (!id) return null;
  const body = parseBody(req, res, schema, error);
  return body === undefined ? null : { id, body };
}
