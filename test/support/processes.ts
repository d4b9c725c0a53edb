/**
 * Real processes for the fault tests: `node --import tsx launcher/pulse.ts --role=…` children with an
 * environment of their own, their output kept for failure messages, and a redis-server that a
 * test owns (AOF, `appendfsync always`) and may shut down, kill and start again.
 *
 * Every child is remembered: `killAll()` (in afterAll) and the exit of the test process SIGKILL
 * whatever is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, redisAnswersAt } from '../../launcher/redis-launcher.js';
import { queuePrefix } from '../../core/redis/keys.js';
import { EVENTS_QUEUE } from '../../core/jobs/queues.js';
import { ADMIN_TOKEN } from './stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTPUT_KEPT = 64 * 1024;
const MAX_LINES = 100_000;

export type Role = 'server' | 'worker' | 'all';
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Settings that make faults show quickly: a killed worker's job is stalled after 2 s and picked up
 * within the next second; a server drains for 0.6 s.
 */
export const FAST_FAULTS: Record<string, string> = {
  PULSE_WORKER_LOCK_MS: '2000',
  PULSE_WORKER_STALLED_INTERVAL_MS: '1000',
  PULSE_DRAIN_DELAY_MS: '600',
  PULSE_RECONNECT_HINT_MS: '300',
  PULSE_SHUTDOWN_TIMEOUT_MS: '15000',
};

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Lines no healthy process writes, whatever happens to Redis or to its peers. */
const PROBLEM = /unhandled rejection|Unhandled error event|triggerUncaughtException|uncaught exception/i;

/** A tail of a process's output, for the message of a failed expectation, and its problem lines. */
class Output {
  private text = '';
  private scanned = 0;
  readonly problems: string[] = [];
  /** Every whole line written, in order (up to MAX_LINES: a test counts what a fault made it write). */
  readonly lines: string[] = [];
  append(chunk: Buffer | string): void {
    this.text += chunk.toString();
    // Whole lines only, so that a line split between two chunks is still seen.
    const end = this.text.lastIndexOf('\n') + 1;
    if (end > this.scanned) {
      for (const line of this.text.slice(this.scanned, end - 1).split('\n')) {
        if (PROBLEM.test(line)) this.problems.push(line.slice(0, 500));
        if (this.lines.length < MAX_LINES) this.lines.push(line);
      }
      this.scanned = end;
    }
    if (this.text.length > OUTPUT_KEPT * 2) {
      const cut = this.text.length - OUTPUT_KEPT;
      this.text = this.text.slice(cut);
      this.scanned = Math.max(0, this.scanned - cut);
    }
  }
  tail(chars = 6000): string {
    return this.text.slice(-chars);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export class PulseProcess {
  readonly exited: Promise<Exit>;
  private readonly out = new Output();

  constructor(
    readonly role: Role,
    readonly child: ChildProcess,
    /** The API port (server and all), null for a worker. */
    readonly port: number | null,
  ) {
    child.stdout?.on('data', (d: Buffer) => this.out.append(d));
    child.stderr?.on('data', (d: Buffer) => this.out.append(d));
    this.exited = exitOf(child);
    void this.exited.then(() => running.delete(child));
  }

  /** Every line it wrote (stdout and stderr), from the `from`th on: `lines().length` marks a moment. */
  lines(from = 0): readonly string[] {
    return this.out.lines.slice(from);
  }
  /** Crash-like lines it wrote (unhandled rejections, uncaught exceptions, unhandled Redis errors). */
  get problems(): readonly string[] {
    return this.out.problems;
  }
  get pid(): number {
    return this.child.pid!;
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  output(chars?: number): string {
    return `--- ${this.role} pid ${this.child.pid} ---\n${this.out.tail(chars)}`;
  }
  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }
  /** SIGKILL, then the exit. */
  async kill9(): Promise<Exit> {
    this.signal('SIGKILL');
    return this.exited;
  }
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(t);
    return exit;
  }
}

export interface PulseOptions {
  redisUrl: string;
  prefix: string;
  /** API port (server, all); a free one when not given. */
  port?: number;
  env?: Record<string, string>;
  /** How long to wait for readiness. */
  readyTimeoutMs?: number;
}

/** Starts `launcher/pulse.ts --role=…` and resolves when it is ready; throws with its output if it is not. */
export async function startPulse(role: Role, opts: PulseOptions): Promise<PulseProcess> {
  const port = role === 'worker' ? null : (opts.port ?? (await freePort()));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port ?? 0),
    REDIS_URL: opts.redisUrl,
    PULSE_PREFIX: opts.prefix,
    PULSE_ADMIN_TOKEN: ADMIN_TOKEN,
    // A worker-only process serves its metrics on a port of its own: any free one.
    PULSE_METRICS_PORT: '0',
    ...FAST_FAULTS,
    ...opts.env,
  };
  const queueName = `${queuePrefix(opts.prefix)}:${Buffer.from(EVENTS_QUEUE).toString('base64')}`;
  const before = role === 'server' ? null : await workerClients(opts.redisUrl, queueName).catch(() => new Set<string>());
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/pulse.ts', `--role=${role}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const p = new PulseProcess(role, child, port);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let serverReady = role === 'worker';
  let workerReady = role === 'server';
  while (!(serverReady && workerReady)) {
    if (!p.alive) throw new Error(`${role} exited before it was ready (${JSON.stringify(await p.exited)})\n${p.output()}`);
    if (Date.now() > deadline) {
      await p.kill9();
      throw new Error(`${role} was not ready in time\n${p.output()}`);
    }
    if (!serverReady) serverReady = await answers(`${p.baseUrl}/readyz`);
    if (!workerReady) {
      // A worker is ready when its blocking connection to the events queue shows in Redis.
      const now = await workerClients(opts.redisUrl, queueName).catch(() => new Set<string>());
      workerReady = [...now].some((id) => !before!.has(id));
    }
    if (!(serverReady && workerReady)) await sleep(50);
  }
  return p;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Redis client ids of BullMQ workers on a queue (their connections are named after it). */
async function workerClients(redisUrl: string, queueName: string): Promise<Set<string>> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const list = (await r.client('LIST')) as string;
    const ids = new Set<string>();
    for (const line of list.split('\n')) {
      const fields = Object.fromEntries(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
      if (fields.name === queueName || fields.name?.startsWith(`${queueName}:w:`)) ids.add(fields.id!);
    }
    return ids;
  } finally {
    r.disconnect();
  }
}

/** SIGKILLs every child still running (afterAll). */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const c of left) c.kill('SIGKILL');
  await Promise.all(left.map(exitOf));
}

/**
 * A redis-server of one test file: loopback, a free port, AOF with `appendfsync always` (a write
 * is on disk before Redis answers it), no RDB. It can be shut down, killed and started again on
 * the same port and directory.
 */
export class OwnRedis {
  readonly url: string;
  private child: ChildProcess | null = null;
  private frozen = false;
  private readonly out = new Output();

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async create(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'pulse-faults-redis-')));
    await r.start();
    return r;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return `--- redis-server :${this.port} ---\n${this.out.tail()}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    args.push('--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'yes');
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => this.out.append(d));
    child.stderr?.on('data', (d: Buffer) => this.out.append(d));
    running.add(child);
    void exitOf(child).then(() => running.delete(child));
    this.child = child;
    for (let i = 0; i < 200; i++) {
      if (!this.running) throw new Error(`redis-server exited\n${this.output()}`);
      if (await this.ping()) return;
      await sleep(25);
    }
    throw new Error(`redis-server did not answer within 5 s\n${this.output()}`);
  }

  /** A clean stop: SHUTDOWN (Redis writes and syncs its AOF first). */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const r = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.call('SHUTDOWN').catch(() => undefined); // the connection closes: no reply
    r.disconnect();
    await exitOf(child);
  }

  /** The pid of the running redis-server (never the shared one: this process is the test's own). */
  get pid(): number {
    if (!this.child || !this.running) throw new Error('redis-server is not running');
    return this.child.pid!;
  }

  /**
   * A frozen Redis: SIGSTOP. Its connections stay open and its port accepts, but nothing is
   * answered until `thaw()`. Pair it with `thaw()` in a `finally`.
   */
  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT: a frozen Redis answers again, everything written to it meanwhile in order. */
  thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
    if (this.running) process.kill(this.child!.pid!, 'SIGCONT');
  }

  /** A crash: SIGKILL. With appendfsync always, every write Redis answered is already on disk. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGKILL');
    await exitOf(child);
  }

  async destroy(): Promise<void> {
    this.thaw();
    await this.kill9();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private ping(): Promise<boolean> {
    return redisAnswersAt(this.url, 500);
  }
}
