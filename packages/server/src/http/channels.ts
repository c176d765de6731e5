// Channels and credentials (docs/protocol.md, Part 1, "HTTP API"): create/list/get channels, and
// get-or-create the credential of a (channel, session).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from '../errors.ts';
import { SharedRateLimiter } from '../limits/shared-rate.ts';
import { hashPassword, newPassword } from '../store/password.ts';
import type { Channel } from '../store/types.ts';
import type { HttpContext } from './context.ts';
import {
  channelListReply,
  channelParams,
  channelReply,
  createChannelBody,
  errorReplies,
  sessionBody,
  sessionReply,
} from './schemas.ts';

/** Most public channels GET /api/channels lists (newest first). */
export const PUBLIC_LIST_LIMIT = 200;

interface ChannelIdParams {
  channelId: string;
}

function rateLimited(reply: FastifyReply, waitMs: number): FastifyReply {
  return reply
    .code(429)
    .header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))))
    .send(errorBody('rate_limited'));
}

export async function channelRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  const { store, config } = ctx;
  const channelLimiter = new SharedRateLimiter('channels', config.limits.channelsPerMinute, ctx.bus);
  const credentialLimiter = new SharedRateLimiter('credentials', config.limits.credentialsPerMinute, ctx.bus);
  const sweep = setInterval(() => {
    channelLimiter.sweep(ctx.now());
    credentialLimiter.sweep(ctx.now());
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  const view = (c: Channel, peers: number) => ({
    channelId: c.channelId,
    name: c.name,
    public: c.public,
    createdAt: new Date(c.createdAt).toISOString(),
    peers,
  });
  const views = async (list: Channel[]) => {
    const peers = await ctx.onlineCounts(list.map((c) => c.channelId));
    return list.map((c, i) => view(c, peers[i] ?? 0));
  };

  app.post<{ Body: { name?: string; public: boolean } }>(
    '/api/channels',
    { schema: { body: createChannelBody, response: { 201: channelReply, ...errorReplies } } },
    async (req, reply) => {
      if (ctx.channelToken && !ctx.channelToken.matches(req.headers.authorization)) {
        ctx.reject('channel_token_required');
        ctx.log.warn({ event: 'channel_token_refused', ip: req.ip }, 'channel creation refused');
        return reply.code(401).send(errorBody('channel_token_required'));
      }
      const wait = await channelLimiter.take(req.ip, ctx.now());
      if (wait > 0) return rateLimited(reply, wait);
      const channel: Channel = {
        channelId: randomUUID(),
        name: req.body.name ?? null,
        public: req.body.public,
        createdAt: ctx.now(),
      };
      await store.createChannel(channel);
      return reply.code(201).send(view(channel, 0));
    },
  );

  app.get(
    '/api/channels',
    { schema: { response: { 200: channelListReply, ...errorReplies } } },
    async () => ({ channels: await views(await store.listPublicChannels(PUBLIC_LIST_LIMIT)) }),
  );

  app.get<{ Params: ChannelIdParams }>(
    '/api/channels/:channelId',
    { schema: { params: channelParams, response: { 200: channelReply, ...errorReplies } } },
    async (req, reply) => {
      const channel = await store.getChannel(req.params.channelId.toLowerCase());
      if (!channel) return reply.code(404).send(errorBody('channel_not_found'));
      return (await views([channel]))[0];
    },
  );

  app.post<{ Params: ChannelIdParams; Body: { sessionId: string } }>(
    '/api/channels/:channelId/sessions',
    {
      schema: {
        params: channelParams,
        body: sessionBody,
        response: { 200: sessionReply, ...errorReplies },
      },
    },
    async (req, reply) => {
      const channelId = req.params.channelId.toLowerCase();
      if (!(await store.getChannel(channelId))) return reply.code(404).send(errorBody('channel_not_found'));
      const wait = await credentialLimiter.take(req.ip, ctx.now());
      if (wait > 0) return rateLimited(reply, wait);
      const password = newPassword();
      const now = ctx.now();
      const r = await store.issueCredential({
        channelId,
        sessionId: req.body.sessionId.toLowerCase(),
        newClientId: randomUUID(),
        passwordHash: hashPassword(password),
        now,
        expiresAt: now + config.credentialTtlMs,
        maxClients: config.limits.maxClientsPerChannel,
      });
      if (!r.ok && r.reason === 'no_channel') return reply.code(404).send(errorBody('channel_not_found'));
      if (!r.ok) return reply.code(409).send(errorBody('channel_full'));
      return {
        clientId: r.credential.clientId,
        password,
        expiresAt: new Date(r.credential.expiresAt).toISOString(),
      };
    },
  );
}
