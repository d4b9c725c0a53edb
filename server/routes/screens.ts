/** PUT/GET /api/v1/screens/:name — a TV's playlist of wall pages (admin names it, TVs read it). */
import type { Request, Response } from 'express';
import { screenSettings } from '../../domain/screens.js';
import { canSeeScreen } from '../../core/auth/api-keys.js';
import { loadScreen, saveScreen } from '../../core/books/screen-book.js';
import type { AppDeps } from '../deps.js';
import { parsePut } from './parse-body.js';
import { screenParam } from './path-params.js';

export async function putScreen(req: Request, res: Response, deps: AppDeps) {
  const put = parsePut(req, res, screenParam, screenSettings, 'invalid_screen');
  if (!put) return;
  const { id: name, body } = put;
  // Screens are shared by name: a store-limited key may not show other stores nor replace a screen that does.
  const previous = await loadScreen(deps.redis, deps.config.prefix, name);
  if (!canSeeScreen(req.principal!, body.items) || (previous && !canSeeScreen(req.principal!, previous.items))) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not manage a screen showing other stores or the group' });
    return;
  }
  res.json(await saveScreen(deps.redis, deps.config.prefix, name, body));
}

export async function getScreen(req: Request, res: Response, deps: AppDeps) {
  const name = screenParam(req, res);
  if (!name) return;
  const screen = await loadScreen(deps.redis, deps.config.prefix, name);
  if (!screen) {
    res.status(404).json({ error: 'not_found', message: `no screen ${name}` });
    return;
  }
  if (!canSeeScreen(req.principal!, screen.items)) {
    res.status(403).json({ error: 'forbidden', message: 'this screen shows stores this key may not read' });
    return;
  }
  res.json(screen);
}
