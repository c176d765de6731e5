// JSON schemas of the admin listener's operator routes (docs/operators/admin.md). Same rules as the
// public API (src/http/schemas.ts): bodies refuse unknown fields, no coercion.
import { DEFAULT_LIMITS } from '../config.ts';
import { strictObject, UUID_PATTERN } from '../http/schemas.ts';
import { RUNTIME_LIMIT_KEYS } from './limits.ts';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const uuid = { type: 'string', pattern: UUID_PATTERN } as const;

const client = strictObject({ clientId: str, ip: str, connectedAt: str, loggedInAt: str });
export const clientsReply = strictObject({
  node: str,
  /** Sockets still awaiting their login. */
  connecting: int,
  channels: {
    type: 'array',
    items: strictObject({ channelId: str, clients: { type: 'array', items: client } }),
  },
});

export const kickBody = strictObject({ clientId: uuid });
export const kickReply = strictObject({ kicked: int });

const kind = { type: 'string', enum: ['credential', 'ip'] } as const;
const target = { type: 'string', minLength: 1, maxLength: 128 } as const;
const reason = { type: 'string', maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' } as const;
export const banBody = strictObject(
  { kind, target, duration: { type: 'string', minLength: 1, maxLength: 32 }, reason },
  ['reason'],
);
const ban = strictObject({ kind: str, target: str, until: str, reason: str, createdAt: str });
export const banReply = strictObject({ ban, disconnected: int });
export const bansReply = strictObject({ bans: { type: 'array', items: ban } });
export const liftBody = strictObject({ kind, target });
export const liftReply = strictObject({ lifted: { type: 'boolean' } });

export const purgeChannelParams = strictObject({ channelId: uuid });
export const purgeChannelReply = strictObject({
  deleted: { type: 'boolean' },
  credentials: int,
  disconnected: int,
});

const allLimits = strictObject(Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, int])));
const range = strictObject({ min: int, max: int });
export const limitsReply = strictObject({
  limits: allLimits,
  changeable: strictObject(Object.fromEntries(RUNTIME_LIMIT_KEYS.map((k) => [k, range]))),
});
export const limitsBody = {
  ...strictObject(Object.fromEntries(RUNTIME_LIMIT_KEYS.map((k) => [k, int])), RUNTIME_LIMIT_KEYS),
  minProperties: 1,
} as const;
