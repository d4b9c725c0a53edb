/** GET /api/v1/whoami — the calling key's name, scopes and stores, so a page offers only what it may do. */
import type { Request, Response } from 'express';

export async function getWhoami(req: Request, res: Response) {
  const { keyId, name, scopes, stores } = req.principal!;
  res.json({ keyId, name, scopes, stores });
}
