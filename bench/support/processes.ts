/** The processes a bench run starts: its own redis-server and the product's server and worker roles. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../launcher/redis-launcher.js';
import { ADMIN_TOKEN, CONCURRENCY, ROOT } from './params.js';
import { sleep } from './measure.js';

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

export function track(child: ChildProcess, what: string): { output: () => string } {
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { output: () => `--- ${what} ---\n${out}` };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/**
 * How a bench Redis keeps its data: `none` (`--save "" --appendonly no`, the default), or `aof`,
 * production's append-only file written every second (`--appendonly yes --appendfsync everysec`),
 * in a data folder of its own under the system's temp folder, removed when the server exits.
 */
export type Persistence = 'none' | 'aof';

export async function startRedis(persistence: Persistence = 'none'): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  let dir: string | null = null;
  if (persistence === 'aof') {
    dir = mkdtempSync(join(tmpdir(), 'pulse-bench-aof-'));
    args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec');
  } else {
    args.push('--appendonly', 'no');
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const t = track(child, 'redis-server');
  if (dir) {
    const remove = () => rmSync(dir, { recursive: true, force: true });
    child.once('exit', remove);
    // Should the bench itself stop first, the folder goes with it.
    process.once('exit', remove);
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return { url, child };
    } catch {
      /* not yet */
    } finally {
      r.disconnect();
    }
    await sleep(25);
  }
  throw new Error(`redis-server did not start\n${t.output()}`);
}

export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** `launcher/pulse.ts --role=…`, resolved once its /readyz (API port or worker metrics port) answers 200. */
export async function startPulse(
  role: 'server' | 'worker',
  redisUrl: string,
  prefix: string,
  extraEnv: Record<string, string> = {},
) {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: role === 'server' ? String(port) : '0',
    PULSE_METRICS_PORT: role === 'worker' ? String(port) : '0',
    REDIS_URL: redisUrl,
    PULSE_PREFIX: prefix,
    PULSE_ADMIN_TOKEN: ADMIN_TOKEN,
    PULSE_LOG_LEVEL: 'warn',
    PULSE_RATE_INGEST_PER_MIN: '0',
    PULSE_RATE_API_PER_MIN: '0',
    PULSE_WORKER_CONCURRENCY: String(CONCURRENCY),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/pulse.ts', `--role=${role}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = track(child, role);
  const deadline = Date.now() + 60_000;
  while (!(await answers(`http://127.0.0.1:${port}/readyz`))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${role} exited\n${t.output()}`);
    if (Date.now() > deadline) throw new Error(`${role} not ready in 60 s\n${t.output()}`);
    await sleep(100);
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: t.output };
}
