// The client's IP: the socket's peer address, or (only with --trust-proxy) the address the trusted
// proxies report in X-Forwarded-For, resolved exactly as fastify resolves request.ip.
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../parse.ts';

export type TrustFn = (addr: string, hop: number) => boolean;

export function trustFunction(trust: TrustProxy): TrustFn | undefined {
  if (trust === false) return undefined;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_addr, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

export function clientIp(req: IncomingMessage, trust: TrustFn | undefined): string {
  if (!trust) return req.socket.remoteAddress ?? 'unknown';
  return proxyAddr(req, trust);
}
