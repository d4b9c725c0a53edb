/**
 * Headers on every answer: a Content-Security-Policy that lets the built wall load only its own
 * scripts, styles and sockets, no framing, no referrer, no MIME sniffing.
 */
import type { NextFunction, Request, Response } from 'express';

/** A Host header fit to be written into the policy; anything else is left out ('self' still covers it). */
const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Vite extracts every component's style into one CSS file; bound styles are set through the CSSOM.
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  // The wall's service worker (/sw.js): from the page's own origin only.
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

export function securityHeaders() {
  return (req: Request, res: Response, next: NextFunction) => {
    // 'self' covers ws: and wss: of the page's host in current browsers; older ones need them named.
    const host = req.headers.host;
    const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
    res.setHeader('Content-Security-Policy', [...POLICY, `connect-src 'self'${sockets}`].join('; '));
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    next();
  };
}
