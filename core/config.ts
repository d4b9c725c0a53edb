/**
 * The one place that reads the environment. Parsed once, with defaults that work on a laptop;
 * a bad value stops the process with a message naming the variable.
 */
import { z } from 'zod';
import { DEFAULT_CALLBACK_DEADLINE_HOURS } from '../domain/callbacks.js';
import { COMPLAINT_DEADLINES_MS, type ComplaintDeadlines } from '../domain/complaints.js';
import { WORKER_DEAD_AFTER_MS } from '../domain/freshness.js';
import { MAX_PUSHES_PER_SECOND } from '../domain/protocol.js';
import { parseWebhookAllowList, type WebhookAllowList } from '../domain/webhook-addresses.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../domain/webhooks.js';
import { LOG_LEVELS, type LogLevel } from './observability/logger.js';
import type { ClusterNode } from './redis/connections.js';

const hours = (def: number) =>
  z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(def);

/** A duration in milliseconds, at most 10 minutes. */
const ms = (def: number, min: number) => z.coerce.number().int().min(min).max(600_000).default(def);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().url().optional(),
  /** A Redis Cluster instead of one Redis: some of its masters, `host:port,host:port` (docs/scaling.md). */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s:,]+:\d{1,5}\s*(,\s*[^\s:,]+:\d{1,5}\s*)*$/, 'must list host:port,host:port')
    .transform((v): ClusterNode[] =>
      v.split(',').map((n) => {
        const [host, port] = n.trim().split(':');
        return { host: host!, port: Number(port) };
      }),
    )
    .refine((nodes) => nodes.every((n) => n.port >= 1 && n.port <= 65535), 'ports must be 1 to 65535')
    .optional(),
  /** Namespace of every Redis key, so several installs (or test files) can share one Redis. */
  PULSE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('pulse'),
  PULSE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PULSE_CALLBACK_DEADLINE_HOURS_SALES: hours(DEFAULT_CALLBACK_DEADLINE_HOURS),
  PULSE_CALLBACK_DEADLINE_HOURS_SERVICE: hours(DEFAULT_CALLBACK_DEADLINE_HOURS),
  /** Jobs each worker process runs at once, per queue (docs/scaling.md). */
  PULSE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PULSE_MAINTENANCE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PULSE_NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  PULSE_SEGMENTS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  PULSE_IMPORTS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** Customer value: a customer with no order, repair or visit for this many days is likely to churn. */
  PULSE_CHURN_DAYS: z.coerce.number().int().min(1).max(730).default(180),
  PULSE_DATA_DIR: z.string().default('./data'),
  /** Raw events are kept this many days; daily figures are kept for good. Customer value looks back 730 days. */
  PULSE_RETENTION_DAYS: z.coerce.number().int().min(60).max(36500).default(800),
  /**
   * A Redis command of an HTTP request or a live socket that gets no answer within this long fails,
   * and the request is answered 503 (a frozen or swamped Redis keeps its connections open, so only
   * a timeout notices it). Workers wait instead.
   */
  PULSE_REDIS_COMMAND_TIMEOUT_MS: ms(1500, 100),
  /** Structured logs (JSON lines on stdout) at this level and above. */
  PULSE_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Port of the /metrics, /healthz and /readyz listener of a worker-only process (--role=worker). */
  PULSE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** A job whose worker stops renewing its lock for this long is stalled, and handed to another worker. */
  PULSE_WORKER_LOCK_MS: ms(30_000, 1000),
  /** How often each worker looks for stalled jobs. */
  PULSE_WORKER_STALLED_INTERVAL_MS: ms(30_000, 100),
  /** A job stalled more often than this fails for good. Applying events is idempotent, so a few are harmless. */
  PULSE_WORKER_MAX_STALLED: z.coerce.number().int().min(0).max(100).default(5),
  /** On SIGTERM, /readyz answers 503 this long before the server stops accepting connections. */
  PULSE_DRAIN_DELAY_MS: ms(2000, 0),
  /** On SIGTERM, sockets are told to reconnect after this long (plus up to as much again, at random). */
  PULSE_RECONNECT_HINT_MS: ms(1000, 0),
  /** A shutdown taking longer than this is forced (jobs cut off are picked up again by another worker). */
  PULSE_SHUTDOWN_TIMEOUT_MS: ms(20_000, 1000),
  /** Requests a minute per key: ingest routes (events, imports), and every other API route. 0: no limit. */
  PULSE_RATE_INGEST_PER_MIN: z.coerce.number().int().min(0).default(600),
  PULSE_RATE_API_PER_MIN: z.coerce.number().int().min(0).default(1200),
  /** Requests refused for their key (none, unknown, revoked) a minute per client address and server process; past it, 429. 0: no limit. */
  PULSE_RATE_REFUSALS_PER_MIN: z.coerce.number().int().min(0).default(60),
  /** Proxies (load balancers) in front of the servers that append to X-Forwarded-For: the client is the address they saw. */
  PULSE_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Rooms (stores, the group, screens) one live socket may join. */
  PULSE_LIVE_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1000).default(20),
  /** Live sockets one key may hold open across every server of the install. 0: no limit. */
  PULSE_LIVE_SOCKETS_PER_KEY: z.coerce.number().int().min(0).default(500),
  /** A server that dies without closing its sockets stops counting them against their keys after this long. */
  PULSE_LIVE_SOCKET_LEASE_MS: ms(60_000, 1000),
  /** Tests only: a worker whose heartbeat is this old counts as dead (WORKER_DEAD_AFTER_MS by default). */
  PULSE_WORKER_DEAD_AFTER_MS: ms(WORKER_DEAD_AFTER_MS, 1000),
  /** Messages a second one live socket may send, and how many at once after a quiet spell. 0: no limit. */
  PULSE_LIVE_MESSAGES_PER_SECOND: z.coerce.number().min(0).max(10_000).default(20),
  PULSE_LIVE_MESSAGE_BURST: z.coerce.number().int().min(1).max(10_000).default(40),
  /** Pushes per room and second. For benchmarks and tests only: the protocol promises at most 4. */
  PULSE_LIVE_MAX_PUSHES_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(MAX_PUSHES_PER_SECOND),
  /** Comma-separated origins (https://bi.example.com) whose pages may call the API and open sockets; none by default. */
  PULSE_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must list origins such as https://bi.example.com')),
    ),
  /** Where people open the product (links in report summaries): scheme, host, port, no trailing slash needed. */
  PULSE_PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** The mail server summaries are sent through, smtp://user:pass@host:587 or smtps://…:465; unset: no e-mail. */
  PULSE_SMTP_URL: z
    .string()
    .url()
    .refine((u) => /^smtps?:$/.test(new URL(u).protocol), 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The sender of summary e-mails. */
  PULSE_MAIL_FROM: z.string().min(3).max(256).default('展厅脉搏 Showroom Pulse <pulse@localhost>'),
  /**
   * Internal addresses webhooks may reach after all (docs/alerts-webhooks.md): host names, IP
   * addresses, either with :port, or CIDR ranges, comma-separated; none by default.
   */
  PULSE_WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((v, ctx): WebhookAllowList => {
      const { list, errors } = parseWebhookAllowList(v);
      for (const message of errors) ctx.addIssue({ code: 'custom', message });
      return list;
    }),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); set: every connection is a Cluster one. */
  redisCluster: ClusterNode[] | undefined;
  prefix: string;
  /** Requests and live sockets: a Redis command unanswered this long fails, and the request gets 503. */
  redisCommandTimeoutMs: number;
  adminToken: string | undefined;
  callbackDeadlineMs: { sales: number; service: number };
  /** Complaint deadlines by severity, ms (kpis.md; the rule: domain/complaints.ts). */
  complaintDeadlinesMs: ComplaintDeadlines;
  /** Jobs each worker process runs at once, per queue. */
  workerConcurrency: { events: number; maintenance: number; notify: number; segments: number; imports: number };
  /** Days without an order, repair or showroom visit after which a customer is likely to churn. */
  churnDays: number;
  dataDir: string;
  /** Days of raw events kept in the log; older ones are refused at ingest and dropped by the retention job. */
  retentionDays: number;
  /** Outbound webhooks: attempts, first retry delay, request timeout (tests make them short). */
  notify: DeliveryPolicy;
  logLevel: LogLevel;
  /** The worker-only process's metrics listener; unset: DEFAULT_WORKER_METRICS_PORT for --role=worker. */
  metricsPort: number | undefined;
  /** BullMQ's stalled-job detection for every worker: a crashed worker's jobs are taken over after `lockMs`. */
  workerLocks: { lockMs: number; stalledIntervalMs: number; maxStalledCount: number };
  /** What SIGTERM does (docs/operations-faults.md). */
  shutdown: { drainDelayMs: number; reconnectHintMs: number; timeoutMs: number };
  /** Requests per key and window, shared by all server processes (0: no limit); tests shorten the window. */
  rateLimits: { windowMs: number; ingest: number; api: number };
  /** Requests refused for their key, per client address, window and server process (0: no limit). */
  refusalLimit: { perAddress: number; windowMs: number };
  /** How many proxies in front append to X-Forwarded-For (0: the peer's address is the client's). */
  trustProxyHops: number;
  /** Per live socket: rooms it may join; per key, across every server: open sockets (0: no limit). */
  liveLimits: { subscriptionsPerSocket: number; socketsPerKey: number };
  /** How long a key's socket counts without its server renewing it (a server that died). */
  liveSocketLeaseMs: number;
  /** A worker whose last heartbeat is this old counts as dead (domain/freshness.ts). */
  workerDeadAfterMs: number;
  /** Per live socket: messages a second, and the burst allowed after a quiet spell (perSecond 0: no limit). */
  liveMessages: { perSecond: number; burst: number };
  /** `kpis` pushes per room and second at most (MAX_PUSHES_PER_SECOND unless a benchmark raises it). */
  livePushesPerSecond: number;
  /** How often each server re-checks the keys of its open sockets, in case it missed a revocation. */
  keyRecheckMs: number;
  /** Origins whose pages may call the API and open sockets (CORS); empty: same origin only. */
  corsOrigins: string[];
  /** Loopback, private and link-local addresses webhooks may reach after all; empty: none. */
  webhookAllowHosts: WebhookAllowList;
  /** Where people open the product: report links in summaries start with it. */
  publicUrl: string;
  /** Summary e-mails: the SMTP server (unset: none are sent) and the sender. */
  mail: { smtpUrl: string | undefined; from: string };
  /**
   * Scheduled summaries: how long a sender holds a period's channel (longer than a send may take:
   * a dead sender's channel is taken over after it), and the timeout of one SMTP exchange.
   */
  reportDelivery: { lockMs: number; smtpTimeoutMs: number };
}

/** Where a worker-only process serves /metrics when PULSE_METRICS_PORT is not set. */
export const DEFAULT_WORKER_METRICS_PORT = 9464;

const H = 3600_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    throw new Error(
      'Invalid settings in the environment:\n  REDIS_CLUSTER_NODES: set either REDIS_URL or REDIS_CLUSTER_NODES, not both',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER_NODES,
    prefix: e.PULSE_PREFIX,
    redisCommandTimeoutMs: e.PULSE_REDIS_COMMAND_TIMEOUT_MS,
    adminToken: e.PULSE_ADMIN_TOKEN,
    callbackDeadlineMs: {
      sales: e.PULSE_CALLBACK_DEADLINE_HOURS_SALES * H,
      service: e.PULSE_CALLBACK_DEADLINE_HOURS_SERVICE * H,
    },
    complaintDeadlinesMs: COMPLAINT_DEADLINES_MS,
    workerConcurrency: {
      events: e.PULSE_WORKER_CONCURRENCY,
      maintenance: e.PULSE_MAINTENANCE_CONCURRENCY,
      notify: e.PULSE_NOTIFY_CONCURRENCY,
      segments: e.PULSE_SEGMENTS_CONCURRENCY,
      imports: e.PULSE_IMPORTS_CONCURRENCY,
    },
    churnDays: e.PULSE_CHURN_DAYS,
    dataDir: e.PULSE_DATA_DIR,
    retentionDays: e.PULSE_RETENTION_DAYS,
    notify: { ...DEFAULT_DELIVERY_POLICY },
    logLevel: e.PULSE_LOG_LEVEL,
    metricsPort: e.PULSE_METRICS_PORT,
    workerLocks: {
      lockMs: e.PULSE_WORKER_LOCK_MS,
      stalledIntervalMs: e.PULSE_WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: e.PULSE_WORKER_MAX_STALLED,
    },
    shutdown: {
      drainDelayMs: e.PULSE_DRAIN_DELAY_MS,
      reconnectHintMs: e.PULSE_RECONNECT_HINT_MS,
      timeoutMs: e.PULSE_SHUTDOWN_TIMEOUT_MS,
    },
    rateLimits: { windowMs: 60_000, ingest: e.PULSE_RATE_INGEST_PER_MIN, api: e.PULSE_RATE_API_PER_MIN },
    refusalLimit: { perAddress: e.PULSE_RATE_REFUSALS_PER_MIN, windowMs: 60_000 },
    trustProxyHops: e.PULSE_TRUST_PROXY,
    liveLimits: { subscriptionsPerSocket: e.PULSE_LIVE_SUBSCRIPTIONS_PER_SOCKET, socketsPerKey: e.PULSE_LIVE_SOCKETS_PER_KEY },
    liveSocketLeaseMs: e.PULSE_LIVE_SOCKET_LEASE_MS,
    workerDeadAfterMs: e.PULSE_WORKER_DEAD_AFTER_MS,
    liveMessages: { perSecond: e.PULSE_LIVE_MESSAGES_PER_SECOND, burst: e.PULSE_LIVE_MESSAGE_BURST },
    livePushesPerSecond: e.PULSE_LIVE_MAX_PUSHES_PER_SECOND,
    keyRecheckMs: 30_000,
    corsOrigins: e.PULSE_CORS_ORIGINS,
    webhookAllowHosts: e.PULSE_WEBHOOK_ALLOW_HOSTS,
    publicUrl: e.PULSE_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    mail: { smtpUrl: e.PULSE_SMTP_URL, from: e.PULSE_MAIL_FROM },
    reportDelivery: { lockMs: 5 * 60_000, smtpTimeoutMs: 60_000 },
    ...overrides,
  };
}
