/**
 * The name lookup of every webhook connection: the host is resolved once, every address it
 * resolves to is checked (domain/webhook-addresses.ts), and the connection is made to those very
 * addresses. A name that resolves into the internal network, or has since been pointed there (DNS
 * rebinding), is refused before any byte is sent.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { resolvedAddressProblem, type WebhookAllowList } from '../../domain/webhook-addresses.js';

/** A delivery refused because of where it would go: sending it again cannot help. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

export type ResolveAll = (host: string, done: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const resolveAll: ResolveAll = (host, done) => dnsLookup(host, { all: true, verbatim: true }, done);

export function guardedLookup(port: number, allow: WebhookAllowList, resolve: ResolveAll = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, '', 0);
      // Every address, of either family: the one connected to may be any of them.
      const problem = addresses.map((a) => resolvedAddressProblem(hostname, a.address, port, allow)).find((p) => p !== null);
      if (problem) return callback(new RefusedAddressError(problem), '', 0);
      const usable =
        options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (!usable.length) {
        return callback(
          Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }),
          '',
          0,
        );
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
