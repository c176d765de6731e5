// What the browser app asks the server for: GET /api/config (keyshare URLs, ICE servers, relay URL) and
// GET /api/turn (short-lived coturn REST credentials for a client holding a valid credential).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAuthFailure, verifyCredential } from '../auth.ts';
import { errorBody } from '../errors.ts';
import { turnCredential } from '../turn.ts';
import type { HttpContext } from './context.ts';
import { appConfigReply, errorReplies, turnReply } from './schemas.ts';

/** clientId + password from `Authorization: Basic base64(clientId:password)`, if well formed. */
export function basicAuth(req: FastifyRequest): { clientId: string; password: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]{1,512})$/.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 1 || colon > 64) return undefined;
  const password = text.slice(colon + 1);
  if (password.length === 0 || password.length > 128) return undefined;
  return { clientId: text.slice(0, colon), password };
}

export async function appConfigRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  const { config } = ctx;

  app.get('/api/config', { schema: { response: { 200: appConfigReply, ...errorReplies } } }, async (req) => ({
    keyshareUrls: config.keyshareUrls,
    iceServers: config.iceServers,
    wsUrl: ctx.wsUrl(req.headers.host),
    turn: config.turnSecret !== undefined,
  }));

  app.get('/api/turn', { schema: { response: { 200: turnReply, ...errorReplies } } }, async (req, reply) => {
    const secret = config.turnSecret;
    if (secret === undefined) return reply.code(404).send(errorBody('turn_disabled'));
    const now = ctx.now();
    const lockMs = await ctx.lockout.remainingMs(req.ip, now);
    if (lockMs > 0)
      return reply
        .code(429)
        .header('Retry-After', String(Math.ceil(lockMs / 1000)))
        .send(errorBody('locked_out'));
    const auth = basicAuth(req);
    const cred = auth && (await verifyCredential(ctx.store, auth.clientId, auth.password, now));
    if (!cred) {
      const deps = { log: ctx.log, lockout: ctx.lockout, lockoutMs: config.limits.lockoutMs };
      await recordAuthFailure(deps, req.ip, auth?.clientId ?? '', now);
      return reply
        .code(401)
        .send(
          errorBody(
            'auth_failed',
            'Send Authorization: Basic base64(clientId:password) of a live credential.',
          ),
        );
    }
    const t = turnCredential(secret, cred.clientId, now, config.turnTtlMs);
    return {
      ...t,
      urls: config.turnUrls,
      iceServers: [{ urls: config.turnUrls, username: t.username, credential: t.credential }],
    };
  });
}
