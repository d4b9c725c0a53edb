/** Where webhooks may send: the address arithmetic, the allow-list, and the guarded name lookup. */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  internalRange,
  parseIp,
  parseWebhookAllowList,
  resolvedAddressProblem,
  webhookUrlProblem,
} from '../domain/webhook-addresses.js';
import { loadConfig } from '../core/config.js';
import { guardedLookup, RefusedAddressError, type ResolveAll } from '../workers/notify/guarded-lookup.js';

const allow = (raw: string) => {
  const { list, errors } = parseWebhookAllowList(raw);
  expect(errors).toEqual([]);
  return list;
};
const rangeOf = (ip: string) => internalRange(parseIp(ip)!)?.cidr ?? null;

describe('address ranges', () => {
  it('finds the internal range of IPv4 addresses, and none for hosts on the internet', () => {
    expect(rangeOf('127.0.0.1')).toBe('127.0.0.0/8');
    expect(rangeOf('127.255.255.254')).toBe('127.0.0.0/8');
    expect(rangeOf('0.0.0.0')).toBe('0.0.0.0/8');
    expect(rangeOf('10.0.0.1')).toBe('10.0.0.0/8');
    expect(rangeOf('172.16.0.1')).toBe('172.16.0.0/12');
    expect(rangeOf('172.31.255.255')).toBe('172.16.0.0/12');
    expect(rangeOf('192.168.1.10')).toBe('192.168.0.0/16');
    expect(rangeOf('169.254.169.254')).toBe('169.254.0.0/16');
    expect(rangeOf('100.64.0.1')).toBe('100.64.0.0/10');
    expect(rangeOf('100.127.255.255')).toBe('100.64.0.0/10');
    expect(rangeOf('224.0.0.1')).toBe('224.0.0.0/4');
    expect(rangeOf('255.255.255.255')).toBe('240.0.0.0/4');
    for (const ip of [
      '172.15.255.255',
      '172.32.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '8.8.8.8',
      '1.1.1.1',
      '11.0.0.1',
      '192.169.0.1',
    ]) {
      expect(rangeOf(ip), ip).toBeNull();
    }
  });

  it('finds the internal range of IPv6 addresses, and of the IPv4 address inside one', () => {
    expect(rangeOf('::1')).toBe('::1/128');
    expect(rangeOf('[::1]')).toBe('::1/128');
    expect(rangeOf('0:0:0:0:0:0:0:1')).toBe('::1/128');
    expect(rangeOf('::')).toBe('::/128');
    expect(rangeOf('fc00::1')).toBe('fc00::/7');
    expect(rangeOf('fd12:3456::1')).toBe('fc00::/7');
    expect(rangeOf('fe80::1%eth0')).toBe('fe80::/10');
    expect(rangeOf('::ffff:127.0.0.1')).toBe('127.0.0.0/8');
    expect(rangeOf('::ffff:7f00:1')).toBe('127.0.0.0/8');
    expect(rangeOf('::ffff:a9fe:a9fe')).toBe('169.254.0.0/16');
    expect(rangeOf('64:ff9b::10.0.0.1')).toBe('10.0.0.0/8');
    expect(rangeOf('2002:c0a8:0101::1')).toBe('192.168.0.0/16');
    expect(rangeOf('2400:3200::1')).toBeNull();
    expect(rangeOf('::ffff:8.8.8.8')).toBeNull();
    for (const bad of ['1::2::3', '12345::', 'g::1', '1.2.3', '1.2.3.256', '01.2.3.4', ':::'])
      expect(parseIp(bad), bad).toBeNull();
  });
});

describe('webhook URLs', () => {
  const refused = [
    'http://127.0.0.1:6392/',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1:6392/',
    'http://0/',
    'http://[::ffff:127.0.0.1]:6392/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://192.168.1.10/',
    'https://172.16.0.1/',
    'http://100.64.0.1/',
    'http://localhost:6392/',
    'http://LOCALHOST./',
    'http://redis.localhost/',
  ];
  it.each(refused)('%s is refused with the address and the setting that would allow it', (url) => {
    const problem = webhookUrlProblem(url, []);
    expect(problem).toMatch(/^points at .+ address/);
    expect(problem).toContain('PULSE_WEBHOOK_ALLOW_HOSTS');
  });

  it('names the normalised address and its range', () => {
    expect(webhookUrlProblem('http://2130706433/', [])).toBe(
      'points at 127.0.0.1, a loopback address (127.0.0.0/8): webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address',
    );
    expect(webhookUrlProblem('http://169.254.169.254/', [])).toContain('169.254.169.254, a link-local address (169.254.0.0/16)');
  });

  it('lets addresses on the internet and host names through (names are checked when resolved)', () => {
    for (const url of [
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
      'https://8.8.8.8/',
      'http://[2400:3200::1]/',
      'https://hooks.example.com/x',
    ]) {
      expect(webhookUrlProblem(url, []), url).toBeNull();
    }
  });

  it('lets through what the allow-list names: a host, a host and port, a range', () => {
    expect(webhookUrlProblem('http://127.0.0.1:6392/', allow('127.0.0.1'))).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/', allow('127.0.0.1:8080'))).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:6392/', allow('127.0.0.1:8080'))).not.toBeNull();
    expect(webhookUrlProblem('http://10.1.2.3/', allow('10.1.0.0/16'))).toBeNull();
    expect(webhookUrlProblem('http://10.2.0.1/', allow('10.1.0.0/16'))).not.toBeNull();
    expect(webhookUrlProblem('http://[::1]:6392/', allow('[::1]:6392'))).toBeNull();
    expect(webhookUrlProblem('http://[::1]:80/', allow('::1'))).toBeNull();
    expect(webhookUrlProblem('http://localhost:9000/', allow('localhost:9000'))).toBeNull();
    // The default port is the port.
    expect(webhookUrlProblem('http://192.168.1.10/', allow('192.168.1.10:80'))).toBeNull();
    expect(webhookUrlProblem('https://192.168.1.10/', allow('192.168.1.10:80'))).not.toBeNull();
  });
});

describe('the allow-list setting', () => {
  it('reads hosts, host:port, IPv6 and CIDR ranges, and names the entries it cannot read', () => {
    expect(
      parseWebhookAllowList(' 127.0.0.1 , relay.internal:8443,[::1]:80, 10.0.0.0/8,fd00::/8,').list.map((e) => e.kind),
    ).toEqual(['ip', 'name', 'ip', 'cidr', 'cidr']);
    expect(parseWebhookAllowList('10.0.0.0/33,host:0,host:99999,a b,[::1,http://x').errors).toEqual([
      '"10.0.0.0/33" is neither a host, host:port nor a CIDR range',
      '"host:0" is neither a host, host:port nor a CIDR range',
      '"host:99999" is neither a host, host:port nor a CIDR range',
      '"a b" is neither a host, host:port nor a CIDR range',
      '"[::1" is neither a host, host:port nor a CIDR range',
      '"http://x" is neither a host, host:port nor a CIDR range',
    ]);
  });

  it('is read from PULSE_WEBHOOK_ALLOW_HOSTS; a bad entry stops the process naming the variable', () => {
    expect(loadConfig({}).webhookAllowHosts).toEqual([]);
    expect(loadConfig({ PULSE_WEBHOOK_ALLOW_HOSTS: '127.0.0.1:9' }).webhookAllowHosts).toHaveLength(1);
    expect(() => loadConfig({ PULSE_WEBHOOK_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(/PULSE_WEBHOOK_ALLOW_HOSTS: "10.0.0.0\/99"/);
  });
});

describe('resolving a webhook host at send time', () => {
  /** A resolver answering from a table, so no name leaves the machine. */
  const table =
    (answers: Record<string, string[]>): ResolveAll =>
    (host, done) => {
      const a = answers[host];
      if (!a) return done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
      done(
        null,
        a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
  const lookupOnce = (lookup: ReturnType<typeof guardedLookup>, host: string, all: boolean) =>
    new Promise<{ err: Error | null; address: string | LookupAddress[] }>((resolve) =>
      lookup(host, { all }, (err, address) => resolve({ err, address })),
    );

  it('refuses a name when any of its addresses is internal (DNS rebinding)', async () => {
    const resolve = table({
      'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
      'rebound.example.com': ['93.184.215.14', '127.0.0.1'],
      'metadata.example.com': ['::ffff:169.254.169.254'],
    });
    const lookup = guardedLookup(443, [], resolve);
    const ok = await lookupOnce(lookup, 'hooks.example.com', true);
    expect(ok.err).toBeNull();
    expect(ok.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    expect((await lookupOnce(lookup, 'hooks.example.com', false)).address).toBe('93.184.215.14');

    const rebound = await lookupOnce(lookup, 'rebound.example.com', true);
    expect(rebound.err).toBeInstanceOf(RefusedAddressError);
    expect(rebound.err!.message).toBe(
      'refused: rebound.example.com resolves to 127.0.0.1, a loopback address (127.0.0.0/8); webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address',
    );
    expect((await lookupOnce(lookup, 'metadata.example.com', false)).err!.message).toContain(
      '::ffff:169.254.169.254, a link-local address (169.254.0.0/16)',
    );
    expect((await lookupOnce(lookup, 'nowhere.example.com', true)).err!.message).toBe(
      'getaddrinfo ENOTFOUND nowhere.example.com',
    );
  });

  it('lets an allowed name, address or range through', async () => {
    const resolve = table({ 'relay.internal': ['10.1.2.3'], 'other.internal': ['10.9.9.9'] });
    expect((await lookupOnce(guardedLookup(8443, allow('relay.internal:8443'), resolve), 'relay.internal', true)).err).toBeNull();
    expect(
      (await lookupOnce(guardedLookup(80, allow('relay.internal:8443'), resolve), 'relay.internal', true)).err,
    ).not.toBeNull();
    expect((await lookupOnce(guardedLookup(80, allow('10.1.0.0/16'), resolve), 'relay.internal', true)).err).toBeNull();
    expect((await lookupOnce(guardedLookup(80, allow('10.1.0.0/16'), resolve), 'other.internal', true)).err).not.toBeNull();
    expect(resolvedAddressProblem('relay.internal', '10.1.2.3', 80, allow('10.1.2.3'))).toBeNull();
  });
});
