/**
 * Imported first by main.ts, before any schema is built. The wall runs under a
 * Content-Security-Policy without 'unsafe-eval': zod must not try `new Function` (its probe for a
 * faster parser, made as each object schema is built), which the browser reports as a violation.
 */
import { z } from 'zod';

z.config({ jitless: true });
