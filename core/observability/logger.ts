/**
 * Structured logs: one JSON object a line (pino) on stdout, each with the process role and pid.
 * Secrets never reach a line: Authorization headers and key-bearing fields are redacted, and a
 * URL is logged with the values of its secret query parameters replaced (`?token=[redacted]`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The process role of `--role=`: every line says which kind of process wrote it. */
export type ProcessRole = 'all' | 'server' | 'worker';

const REDACTED = '[redacted]';

/** Fields that may hold a key or a secret, wherever a caller puts them in a log object. */
const REDACT_PATHS = [
  'authorization',
  'token',
  'adminToken',
  'secret',
  '*.authorization',
  '*.token',
  '*.adminToken',
  '*.secret',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

export function createLogger(opts: { role: ProcessRole; level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { role: opts.role, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    // Synchronous writes to stdout (pino's default) unless told otherwise: a line written just
    // before a crash or an exit is not lost.
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** Query parameters whose values are never logged. */
const SECRET_PARAMS = /^(token|access_token|key|api_key|apikey|secret|signature|sig|password|auth)$/i;

/** The URL as it may be logged: path as is, values of secret query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* a malformed name is logged as it came */
      }
      return SECRET_PARAMS.test(decoded) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
