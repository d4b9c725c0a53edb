/** Runs a transaction or pipeline and throws its first command error (ioredis returns them in the answers). */
import type { ChainableCommander } from 'ioredis';

export async function execAll(m: ChainableCommander): Promise<unknown[]> {
  return ((await m.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}
