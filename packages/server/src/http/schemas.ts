// JSON schemas of the HTTP API (docs/protocol.md, Part 1, "HTTP API"). Bodies refuse unknown fields;
// ajv runs without coercion or removal (src/http/app.ts), so a wrong type is a 400, never a guess.

/** Any UUID (lower or upper case); ids the server makes are v4 and lower case. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** An object with exactly these properties; all required except `optional`. */
export function strictObject(properties: Record<string, unknown>, optional: readonly string[] = []) {
  return {
    type: 'object',
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
    properties,
  } as const;
}

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;

export const errorReply = strictObject({ error: strictObject({ code: str, message: str }) });
export const errorReplies = { '4xx': errorReply, '5xx': errorReply } as const;

const uuid = { type: 'string', pattern: UUID_PATTERN } as const;
export const channelParams = strictObject({ channelId: uuid });
export const sessionBody = strictObject({ sessionId: uuid });

export const createChannelBody = strictObject(
  {
    // 1-64 characters, no control characters: names are shown in the public list.
    name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    public: { type: 'boolean' },
  },
  ['name'],
);

const name = { type: ['string', 'null'] } as const;
export const channelReply = strictObject(
  { channelId: str, name, public: { type: 'boolean' }, createdAt: str, peers: int },
  ['peers'],
);
export const channelListReply = strictObject({
  channels: { type: 'array', items: strictObject({ channelId: str, name, peers: int }) },
});

export const sessionReply = strictObject({ clientId: str, password: str, expiresAt: str });

const iceServer = strictObject({ urls: { anyOf: [str, strings] }, username: str, credential: str }, [
  'username',
  'credential',
]);

export const appConfigReply = strictObject({
  keyshareUrls: strings,
  iceServers: { type: 'array', items: iceServer },
  wsUrl: str,
  turn: { type: 'boolean' },
});

export const turnReply = strictObject({
  username: str,
  credential: str,
  ttl: int,
  urls: strings,
  iceServers: { type: 'array', items: iceServer },
});

export const healthReply = strictObject({ ok: { type: 'boolean' } });
export const statsReply = strictObject({ channels: int, credentials: int, connections: int });
export const purgeReply = strictObject({ purged: int });
