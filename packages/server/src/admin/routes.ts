// Operator controls on the admin listener (docs/operators/admin.md): list clients, kick, ban/unban an IP
// range or a credential, purge a channel, show/change runtime limits. Every action is one
// `"event":"admin_action"` log line. Kicks and purges act on this node's sockets; bans live in the store
// and reach every node sharing it (src/limits/bans.ts).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Limits } from '../config.ts';
import { type ErrorCode, errorBody, statusOf } from '../errors.ts';
import { errorReplies } from '../http/schemas.ts';
import type { BanList } from '../limits/bans.ts';
import { parseCidr } from '../net/cidr.ts';
import { parseDuration } from '../parse.ts';
import type { Connection } from '../relay/connection.ts';
import type { Ban, BanKind, Store } from '../store/types.ts';
import { enforceBans } from './enforce.ts';
import { applyLimits, RUNTIME_LIMIT_KEYS, type RuntimeLimit, rangeOf } from './limits.ts';
import {
  banBody,
  banReply,
  bansReply,
  clientsReply,
  kickBody,
  kickReply,
  liftBody,
  liftReply,
  limitsBody,
  limitsReply,
  purgeChannelParams,
  purgeChannelReply,
} from './schemas.ts';

export interface OperatorDeps {
  log: Logger;
  store: Store;
  bans: BanList;
  /** The live limits object the relay and the HTTP API read. */
  limits: Limits;
  nodeId: string;
  now(): number;
  connections(): Iterable<Connection>;
}

const MAX_BAN_MS = 365 * 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = (ms: number) => new Date(ms).toISOString();
const banView = (b: Ban) => ({ ...b, until: iso(b.until), createdAt: iso(b.createdAt) });

/** The normalised target of a ban, or the error code that refuses it. */
function banTarget(kind: BanKind, raw: string): { target: string } | { code: ErrorCode; message?: string } {
  if (kind === 'credential') {
    const id = raw.toLowerCase();
    return UUID.test(id)
      ? { target: id }
      : { code: 'invalid_request', message: 'A credential is a clientId (UUID).' };
  }
  try {
    return { target: parseCidr(raw).text };
  } catch (e) {
    return { code: 'invalid_cidr', message: `The target ${(e as Error).message}.` };
  }
}

export async function operatorRoutes(app: FastifyInstance, deps: OperatorDeps): Promise<void> {
  const { log, store, bans } = deps;
  const audit = (action: string, fields: Record<string, unknown>) =>
    log.warn({ event: 'admin_action', action, ...fields }, `admin ${action}`);
  const no = (reply: FastifyReply, code: ErrorCode, message?: string) =>
    reply.code(statusOf(code)).send(errorBody(code, message));

  app.get('/admin/clients', { schema: { response: { 200: clientsReply, ...errorReplies } } }, async () => {
    const channels = new Map<string, Array<Record<string, string>>>();
    let connecting = 0;
    for (const c of deps.connections()) {
      if (c.state === 'awaiting_login') connecting++;
      if (c.state !== 'ready') continue;
      const list = channels.get(c.channelId) ?? [];
      list.push({
        clientId: c.clientId,
        ip: c.ip,
        connectedAt: iso(c.connectedAt),
        loggedInAt: iso(c.loginAt),
      });
      channels.set(c.channelId, list);
    }
    return {
      node: deps.nodeId,
      connecting,
      channels: [...channels].map(([channelId, clients]) => ({ channelId, clients })),
    };
  });

  app.post<{ Body: { clientId: string } }>(
    '/admin/kick',
    { schema: { body: kickBody, response: { 200: kickReply, ...errorReplies } } },
    async (req, reply) => {
      const clientId = req.body.clientId.toLowerCase();
      const hit = [...deps.connections()].filter((c) => c.state === 'ready' && c.clientId === clientId);
      if (hit.length === 0) {
        return no(reply, 'client_not_found');
      }
      for (const c of hit) {
        audit('kick', { clientId, ip: c.ip, channelId: c.channelId });
        c.refuse('kicked');
      }
      return { kicked: hit.length };
    },
  );

  app.get('/admin/bans', { schema: { response: { 200: bansReply, ...errorReplies } } }, async () => {
    const now = deps.now();
    return { bans: (await bans.refresh(now)).map(banView) };
  });

  app.post<{ Body: { kind: BanKind; target: string; duration: string; reason?: string } }>(
    '/admin/bans',
    { schema: { body: banBody, response: { 201: banReply, ...errorReplies } } },
    async (req, reply) => {
      const { kind, duration } = req.body;
      const t = banTarget(kind, req.body.target);
      if ('code' in t) {
        return no(reply, t.code, t.message);
      }
      const ms = parseDuration(duration);
      if (ms === undefined || ms < 1000 || ms > MAX_BAN_MS) {
        return no(reply, 'invalid_duration');
      }
      const now = deps.now();
      const ban: Ban = {
        kind,
        target: t.target,
        until: now + ms,
        reason: req.body.reason ?? '',
        createdAt: now,
      };
      await store.putBan(ban);
      await bans.refresh(now);
      audit('ban', { kind, target: ban.target, until: iso(ban.until), reason: ban.reason });
      const disconnected = enforceBans(bans, deps.connections(), now, log);
      return reply.code(201).send({ ban: banView(ban), disconnected });
    },
  );

  app.post<{ Body: { kind: BanKind; target: string } }>(
    '/admin/bans/lift',
    { schema: { body: liftBody, response: { 200: liftReply, ...errorReplies } } },
    async (req, reply) => {
      const t = banTarget(req.body.kind, req.body.target);
      const lifted = 'target' in t && (await store.liftBan(req.body.kind, t.target));
      if (!lifted) {
        return no(reply, 'ban_not_found');
      }
      await bans.refresh(deps.now());
      audit('unban', { kind: req.body.kind, target: t.target });
      return { lifted };
    },
  );

  app.post<{ Params: { channelId: string } }>(
    '/admin/channels/:channelId/purge',
    { schema: { params: purgeChannelParams, response: { 200: purgeChannelReply, ...errorReplies } } },
    async (req, reply) => {
      const channelId = req.params.channelId.toLowerCase();
      const r = await store.deleteChannel(channelId);
      const members = [...deps.connections()].filter((c) => c.state === 'ready' && c.channelId === channelId);
      if (!r.deleted && members.length === 0) {
        return no(reply, 'channel_not_found');
      }
      audit('purge_channel', { channelId, credentials: r.credentials, disconnected: members.length });
      for (const c of members) c.refuse('channel_purged');
      return { ...r, disconnected: members.length };
    },
  );

  const limitsView = () => ({
    limits: { ...deps.limits },
    changeable: Object.fromEntries(RUNTIME_LIMIT_KEYS.map((k) => [k, rangeOf(k, deps.limits)])),
  });
  app.get('/admin/limits', { schema: { response: { 200: limitsReply, ...errorReplies } } }, async () =>
    limitsView(),
  );
  app.patch<{ Body: Partial<Record<RuntimeLimit, number>> }>(
    '/admin/limits',
    { schema: { body: limitsBody, response: { 200: limitsReply, ...errorReplies } } },
    async (req, reply) => {
      const r = applyLimits(deps.limits, req.body);
      if (!r.ok) {
        return no(reply, 'limit_out_of_range', r.message);
      }
      audit('limits', { changed: r.changed });
      return limitsView();
    },
  );
}
