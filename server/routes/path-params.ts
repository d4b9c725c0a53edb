/** The ids in route paths, checked: each one or null once a 400 naming it has been sent. */
import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import { eventId, storeCode } from '../../domain/events.js';
import { screenName } from '../../domain/screens.js';

function pathParam<T>(schema: ZodType<T>, param: string, error: string, rule: string) {
  return (req: Request, res: Response): T | null => {
    const r = schema.safeParse(req.params[param]);
    if (r.success) return r.data;
    res.status(400).json({ error, details: [{ path: param, message: rule }] });
    return null;
  };
}

export const storeParam = pathParam(storeCode, 'store', 'invalid_store', 'must be 1-32 characters of A-Za-z0-9_-');
export const budgetParam = pathParam(eventId, 'budgetId', 'invalid_budget', 'must be 1-128 characters of A-Za-z0-9._:-');
export const itemParam = pathParam(eventId, 'itemId', 'invalid_material', 'must be 1-128 characters of A-Za-z0-9._:-');
export const screenParam = pathParam(screenName, 'name', 'invalid_screen', 'must be 1-64 characters of A-Za-z0-9_-');
