/**
 * Who is asking, for the limits counted per client (refused keys): the peer's address, or behind
 * `PULSE_TRUST_PROXY` proxies the address the outermost of them saw, read from X-Forwarded-For.
 * Each proxy appends the address it received the request from, so the last `hops` entries are
 * written by trusted proxies and anything before them is the client's own word, never believed.
 * The same for HTTP requests and for the handshakes of the live sockets.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops <= 0) return addressGroup(peer);
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  // Nearest first: the peer (the last proxy), then what each proxy appended, last entry first.
  const chain = [peer, ...forwarded.reverse()];
  return addressGroup(chain[Math.min(trustedHops, chain.length - 1)]!.slice(0, 64));
}

/**
 * What one client is counted as: an IPv4 address (also when mapped into IPv6), or an IPv6 /64 —
 * one subscriber line usually holds a whole /64, and could otherwise pick a fresh address for
 * every request.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const plain = address.replace(/%.*$/, '');
  if (isIPv4(plain) || !isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const left = part(head);
  const right = part(tail);
  // An IPv4 tail (::1.2.3.4) is two groups; only the first four groups matter here.
  const width = right.length + (right.at(-1)?.includes('.') ? 1 : 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - width).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? '0' : parseInt(g, 16).toString(16)))
    .join(':')}::/64`;
}
