/**
 * One POST of a delivery over node:http(s), connected only to addresses the guarded lookup let
 * through, with a timeout over the whole exchange. Redirects are never followed: a 3xx is the
 * answer, and the delivery fails on it.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseIp, resolvedAddressProblem, urlPort, type WebhookAllowList } from '../../domain/webhook-addresses.js';
import { guardedLookup, RefusedAddressError } from './guarded-lookup.js';
import type { OutboundRequest } from './request.js';

export interface PostReply {
  status: number;
  /** The first bytes of the reply body (enough for a robot's errcode or an error page's first lines). */
  text: string;
}

export interface PostOptions {
  timeoutMs: number;
  allow: WebhookAllowList;
  replyBytes: number;
}

export function postOnce(req: OutboundRequest, opts: PostOptions): Promise<PostReply> {
  const url = new URL(req.url);
  const port = urlPort(url);
  // An address written as such is connected to without a lookup: it is checked here.
  const literal = parseIp(url.hostname);
  if (literal) {
    const address = url.hostname.replace(/^\[|\]$/g, '');
    const problem = resolvedAddressProblem(url.hostname, address, port, opts.allow);
    if (problem) return Promise.reject(new RefusedAddressError(problem));
  }
  const body = Buffer.from(req.body, 'utf8');
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostReply>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(signal.aborted ? signal.reason : err);
    };
    const r = send(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'Content-Length': String(body.byteLength) },
        lookup: guardedLookup(port, opts.allow),
        // A fresh connection per delivery: each one resolves (and checks) the name again.
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).subarray(0, opts.replyBytes).toString('utf8') });
          res.destroy();
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.byteLength;
          // The rest is not read.
          if (size >= opts.replyBytes) finish();
        });
        res.on('end', finish);
        res.on('error', fail);
        res.on('close', () => fail(new Error('the connection closed before the reply ended')));
      },
    );
    r.on('error', fail);
    r.end(body);
  });
}
