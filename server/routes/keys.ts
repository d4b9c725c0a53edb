/** POST /api/v1/keys — an admin creates a key; its token is shown in this answer only. */
import type { Request, Response } from 'express';
import { issuesOf } from '../../domain/settings.js';
import { newKeyBody } from '../auth/api-keys.js';
import type { AppDeps } from '../deps.js';

export async function postKey(req: Request, res: Response, deps: AppDeps) {
  const parsed = newKeyBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid_key', details: issuesOf(parsed.error) });
    return;
  }
  const { token, key } = await deps.keys.create(parsed.data);
  res.status(201).json({ token, ...key });
}
