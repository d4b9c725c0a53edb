/**
 * CPU time used by the processes of a measurement, so that a figure can say where its work went:
 * on a machine whose cores are shared, the events a second follow from the CPU each event costs.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** User + system CPU seconds of a process (Linux /proc); 0 where it cannot be read. */
export function processCpuSec(pid: number | undefined): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** User + system CPU seconds of this process. */
export function selfCpuSec(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** User + system CPU seconds of a redis-server (`INFO cpu`, main thread and others). */
export async function redisCpuSec(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return read('used_cpu_sys') + read('used_cpu_user');
}

/** Starts counting; the answer's function gives CPU ms per 1,000 events of each part since. */
export async function cpuAccount(redis: Redis, pids: Record<string, number | undefined>) {
  const at = async (): Promise<Record<string, number>> => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSec(pid)])),
    client: selfCpuSec(),
    redis: await redisCpuSec(redis),
  });
  const before = await at();
  return async (events: number): Promise<Record<string, number>> => {
    const after = await at();
    const per = (s: number) => Math.round((s / events) * 1e7) / 10;
    const parts = Object.fromEntries(Object.keys(after).map((k) => [k, per(after[k]! - before[k]!)]));
    return { ...parts, total: per(Object.keys(after).reduce((s, k) => s + after[k]! - before[k]!, 0)) };
  };
}
