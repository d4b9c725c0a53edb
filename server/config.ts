/**
 * The one place that reads the environment. Parsed once, with defaults that work on a laptop;
 * a bad value stops the process with a message naming the variable.
 */
import { z } from 'zod';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../domain/webhooks.js';

const hours = (def: number) =>
  z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(def);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().url().optional(),
  /** Namespace of every Redis key, so several installs (or test files) can share one Redis. */
  PULSE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('pulse'),
  PULSE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PULSE_CALLBACK_DEADLINE_HOURS_SALES: hours(72),
  PULSE_CALLBACK_DEADLINE_HOURS_SERVICE: hours(72),
  PULSE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Customer value: a customer with no order, repair or visit for this many days is likely to churn. */
  PULSE_CHURN_DAYS: z.coerce.number().int().min(1).max(730).default(180),
  PULSE_DATA_DIR: z.string().default('./data'),
  /** Raw events are kept this many days; daily figures are kept for good. Customer value looks back 730 days. */
  PULSE_RETENTION_DAYS: z.coerce.number().int().min(60).max(36500).default(800),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  prefix: string;
  adminToken: string | undefined;
  callbackDeadlineMs: { sales: number; service: number };
  /** Complaint deadlines by severity, ms (kpis.md). */
  complaintDeadlinesMs: {
    response: { low: number; medium: number; high: number };
    resolution: { low: number; medium: number; high: number };
  };
  workerConcurrency: number;
  /** Days without an order, repair or showroom visit after which a customer is likely to churn. */
  churnDays: number;
  dataDir: string;
  /** Days of raw events kept in the log; older ones are refused at ingest and dropped by the retention job. */
  retentionDays: number;
  /** Outbound webhooks: attempts, first retry delay, request timeout (tests make them short). */
  notify: DeliveryPolicy;
}

const H = 3600_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    prefix: e.PULSE_PREFIX,
    adminToken: e.PULSE_ADMIN_TOKEN,
    callbackDeadlineMs: {
      sales: e.PULSE_CALLBACK_DEADLINE_HOURS_SALES * H,
      service: e.PULSE_CALLBACK_DEADLINE_HOURS_SERVICE * H,
    },
    complaintDeadlinesMs: {
      response: { low: 24 * H, medium: 24 * H, high: 4 * H },
      resolution: { low: 120 * H, medium: 72 * H, high: 24 * H },
    },
    workerConcurrency: e.PULSE_WORKER_CONCURRENCY,
    churnDays: e.PULSE_CHURN_DAYS,
    dataDir: e.PULSE_DATA_DIR,
    retentionDays: e.PULSE_RETENTION_DAYS,
    notify: { ...DEFAULT_DELIVERY_POLICY },
    ...overrides,
  };
}
