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
