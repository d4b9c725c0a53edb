/**
 * Where a webhook may send: never into the install's own network (Redis, the metrics port, a
 * cloud's metadata service) unless the administrator lists the address in
 * `PULSE_WEBHOOK_ALLOW_HOSTS`. Pure: the address arithmetic and the allow-list. Host names are
 * resolved where requests are made (workers/notify/), and every address they resolve to is
 * checked here.
 */

/** 4 bytes (IPv4) or 16 (IPv6). */
export type IpBytes = readonly number[];

/** Dotted decimal, four parts, as WHATWG URL and the resolver write IPv4 addresses. */
export function parseIPv4(s: string): IpBytes | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** IPv6 in any of its written forms (`::`, a dotted IPv4 tail, a `%zone`), without brackets. */
export function parseIPv6(s: string): IpBytes | null {
  const text = s.replace(/%[^%]*$/, '');
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...Array<number>(missing).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** An IP literal as a URL's hostname (`[::1]`) or a resolver writes it (`::1`, `127.0.0.1`). */
export function parseIp(host: string): IpBytes | null {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return parseIPv4(h) ?? (h.includes(':') ? parseIPv6(h) : null);
}

interface Cidr {
  net: IpBytes;
  bits: number;
}

function parseCidr(s: string): Cidr | null {
  const [addr, bitsText, extra] = s.split('/');
  if (extra !== undefined || !addr || !bitsText || !/^\d{1,3}$/.test(bitsText)) return null;
  const net = parseIp(addr);
  const bits = Number(bitsText);
  return net && bits <= net.length * 8 ? { net, bits } : null;
}

function inCidr(ip: IpBytes, c: Cidr): boolean {
  if (ip.length !== c.net.length) return false;
  for (let bit = 0; bit < c.bits; bit += 8) {
    const left = Math.min(8, c.bits - bit);
    const mask = (0xff << (8 - left)) & 0xff;
    if ((ip[bit / 8]! & mask) !== (c.net[bit / 8]! & mask)) return false;
  }
  return true;
}

const range = (cidr: string, label: string) => ({ cidr, label, ...parseCidr(cidr)! });

/** Addresses that are not a host on the internet, each with what it is. */
const V4_RANGES = [
  range('0.0.0.0/8', '"this network"'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared (carrier-grade NAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];
const V6_RANGES = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];
/** IPv6 forms that carry an IPv4 address, which is what the connection reaches. */
const V4_INSIDE_V6 = [
  { ...parseCidr('::ffff:0:0/96')!, at: 12 }, // IPv4-mapped: ::ffff:127.0.0.1
  { ...parseCidr('::/96')!, at: 12 }, // IPv4-compatible (deprecated): ::127.0.0.1
  { ...parseCidr('64:ff9b::/96')!, at: 12 }, // NAT64
  { ...parseCidr('2002::/16')!, at: 2 }, // 6to4
];

export interface InternalRange {
  cidr: string;
  label: string;
}

/** The range an address lies in when it is not a host on the internet; null when it is one. */
export function internalRange(ip: IpBytes): InternalRange | null {
  if (ip.length === 16) {
    const own = V6_RANGES.find((r) => inCidr(ip, r));
    if (own) return { cidr: own.cidr, label: own.label };
    const inside = V4_INSIDE_V6.find((r) => inCidr(ip, r));
    if (inside) return internalRange(ip.slice(inside.at, inside.at + 4));
    return null;
  }
  const r = V4_RANGES.find((c) => inCidr(ip, c));
  return r ? { cidr: r.cidr, label: r.label } : null;
}

/** `localhost` and every name under it resolve to this machine (RFC 6761), whatever DNS says. */
const isLocalhostName = (name: string) => name === 'localhost' || name.endsWith('.localhost');

/** A host name as compared: lower case, without the trailing dot of a fully qualified name. */
const normaliseName = (host: string) => host.toLowerCase().replace(/\.+$/, '');

const sameIp = (a: IpBytes, b: IpBytes) => a.length === b.length && a.every((x, i) => x === b[i]);

/** One entry of `PULSE_WEBHOOK_ALLOW_HOSTS`. */
export type AllowEntry =
  | { kind: 'name'; name: string; port?: number; text: string }
  | { kind: 'ip'; ip: IpBytes; port?: number; text: string }
  | { kind: 'cidr'; cidr: Cidr; text: string };
export type WebhookAllowList = readonly AllowEntry[];

function parsePort(p: string): number | null {
  if (!/^\d{1,5}$/.test(p)) return null;
  const n = Number(p);
  return n >= 1 && n <= 65535 ? n : null;
}

function parseEntry(text: string): AllowEntry | null {
  if (text.includes('/')) {
    const cidr = parseCidr(text);
    return cidr ? { kind: 'cidr', cidr, text } : null;
  }
  let host = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) {
      const p = parsePort(bracketed[2]);
      if (p === null) return null;
      port = p;
    }
    const ip = parseIPv6(host);
    return ip ? { kind: 'ip', ip, ...(port !== undefined && { port }), text } : null;
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    const ip = parseIPv6(text);
    return ip ? { kind: 'ip', ip, text } : null;
  }
  if (colons === 1) {
    const [h, p] = text.split(':');
    const n = parsePort(p!);
    if (n === null) return null;
    host = h!;
    port = n;
  }
  const ip = parseIPv4(host);
  if (ip) return { kind: 'ip', ip, ...(port !== undefined && { port }), text };
  const name = normaliseName(host);
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name)) return null;
  return { kind: 'name', name, ...(port !== undefined && { port }), text };
}

/**
 * `PULSE_WEBHOOK_ALLOW_HOSTS`: comma-separated entries, each a host name or an IP address
 * (any port), either with `:port` (that port only; IPv6 as `[::1]:8080`), or a CIDR range
 * (`10.20.0.0/16`, any port). The entries that cannot be read are returned as errors.
 */
export function parseWebhookAllowList(raw: string): { list: AllowEntry[]; errors: string[] } {
  const list: AllowEntry[] = [];
  const errors: string[] = [];
  for (const text of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const entry = parseEntry(text);
    if (entry) list.push(entry);
    else errors.push(`"${text}" is neither a host, host:port nor a CIDR range`);
  }
  return { list, errors };
}

const portMatches = (e: { port?: number }, port: number) => e.port === undefined || e.port === port;

/** Whether the allow-list lets a request to this host (the URL's) reach this address on this port. */
function allowed(allow: WebhookAllowList, name: string | null, ip: IpBytes | null, port: number): boolean {
  return allow.some((e) => {
    if (e.kind === 'name') return name !== null && e.name === name && portMatches(e, port);
    if (e.kind === 'ip') return ip !== null && sameIp(e.ip, ip) && portMatches(e, port);
    return ip !== null && inCidr(ip, e.cidr);
  });
}

const HINT = 'webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address';

const describe = (what: string, r: InternalRange) => `${what}, a ${r.label} address (${r.cidr})`;

/** The port a request to this URL connects to. */
export const urlPort = (u: URL): number => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);

/**
 * What is wrong with a webhook URL as written, before any name is resolved: an IP address in an
 * internal range (in any spelling WHATWG URL normalises: `http://2130706433/`, `http://0x7f.1/`,
 * `http://[::ffff:127.0.0.1]/`) or `localhost`, not allowed by the list. Null when fine so far
 * (a host name is checked again each time it is resolved).
 */
export function webhookUrlProblem(url: string, allow: WebhookAllowList): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an http(s) URL';
  }
  const port = urlPort(u);
  const ip = parseIp(u.hostname);
  if (ip) {
    const r = internalRange(ip);
    return r && !allowed(allow, null, ip, port) ? `points at ${describe(u.hostname, r)}: ${HINT}` : null;
  }
  const name = normaliseName(u.hostname);
  if (isLocalhostName(name) && !allowed(allow, name, null, port)) {
    return `points at ${u.hostname}, a loopback address (this machine): ${HINT}`;
  }
  return null;
}

/**
 * At send time, for one address a host name resolved to: the reason to refuse it, or null. A
 * name the allow-list lists may resolve anywhere; otherwise each internal address must be listed.
 */
export function resolvedAddressProblem(host: string, address: string, port: number, allow: WebhookAllowList): string | null {
  const name = normaliseName(host);
  const ip = parseIp(address);
  if (!ip) return `${host} resolved to ${address}, which is not an IP address`;
  const r = internalRange(ip) ?? (isLocalhostName(name) ? { cidr: 'localhost', label: 'loopback' } : null);
  if (!r || allowed(allow, name, ip, port)) return null;
  // An address written in the URL is connected to as it is.
  if (parseIp(host) !== null) return `refused: ${address} is a ${r.label} address (${r.cidr}); ${HINT}`;
  return `refused: ${host} resolves to ${describe(address, r)}; ${HINT}`;
}
