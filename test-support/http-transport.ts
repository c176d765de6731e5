// One request shape for tests that drive a real server's routes two ways (issue 18, item 2, fuzzing):
//   socket  fetch to the listener: node:http parsing, the connection guards, the whole path;
//   inject  fastify's inject (light-my-request): the same routes, hooks, content-type parsers, JSON
//           schemas, error handler and store, in process without a socket — 10-50x faster, so a
//           property can run 10^4 cases in `npm test`.
// Both send exactly the headers a request names: the body goes as bytes, so fetch adds no content-type
// of its own (it would add text/plain for a string), and neither does inject.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { fuzzRuns } from './fuzz.ts';

export type Transport = 'inject' | 'socket';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export type Send = (req: HttpRequest) => Promise<HttpAnswer>;

/** A fastify instance's inject, as a server exposes it (RunningServer.inject, RunningWitness.inject). */
export type Inject = (req: InjectOptions) => Promise<LightMyRequestResponse>;

function answer(status: number, contentType: string | undefined, text: string): HttpAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, contentType, text, json };
}

const bytes = (body: string | undefined) => (body === undefined ? undefined : Buffer.from(body));

/** Requests to the listener at `baseUrl` (http://127.0.0.1:PORT) with fetch. */
export function overSocket(baseUrl: string): Send {
  return async ({ method, path, body, headers = {} }) => {
    const res = await fetch(baseUrl + path, { method, headers, body: bytes(body) });
    return answer(res.status, res.headers.get('content-type') ?? undefined, await res.text());
  };
}

/** Requests through a fastify instance's inject. */
export function overInject(inject: Inject): Send {
  return async ({ method, path, body, headers = {} }) => {
    const res = await inject({ method, url: path, headers, payload: bytes(body) });
    const type = res.headers['content-type'];
    return answer(res.statusCode, typeof type === 'string' ? type : undefined, res.body);
  };
}

/** The Send of `transport`: inject when it is 'inject', else fetch to `baseUrl`. */
export function sender(transport: Transport, inject: Inject, baseUrl: string): Send {
  return transport === 'inject' ? overInject(inject) : overSocket(baseUrl);
}

/** Cases of an HTTP property's `.socket` twin in `npm test`: enough to cover the socket path. */
export const SOCKET_RUNS = 300;

/**
 * The runs of one HTTP fuzz property (for `it.each`): [transport, property name, cases] — `name` through
 * inject at fuzzRuns() (10^4), and `name.socket` over real sockets at SOCKET_RUNS.
 */
export function httpFuzzRuns(name: string): Array<[Transport, string, number]> {
  return [
    ['inject', name, fuzzRuns()],
    ['socket', `${name}.socket`, fuzzRuns(SOCKET_RUNS)],
  ];
}
