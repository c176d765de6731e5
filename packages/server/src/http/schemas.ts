// JSON schemas of the HTTP API (docs/protocol.md, Part 1, "HTTP API"). Bodies refuse unknown fields;
// ajv runs without coercion or removal (src/http/app.ts), so a wrong type is a 400, never a guess.

/** Any UUID (lower or upper case); ids the server makes are v4 and lower case. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const errorReply = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

export const errorReplies = { '4xx': errorReply, '5xx': errorReply } as const;

export const channelParams = {
  type: 'object',
  required: ['channelId'],
  additionalProperties: false,
  properties: { channelId: { type: 'string', pattern: UUID_PATTERN } },
} as const;

export const createChannelBody = {
  type: 'object',
  required: ['public'],
  additionalProperties: false,
  properties: {
    // 1-64 characters, no control characters: names are shown in the public list.
    name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    public: { type: 'boolean' },
  },
} as const;

const channelFields = {
  channelId: { type: 'string' },
  name: { type: ['string', 'null'] },
  public: { type: 'boolean' },
  createdAt: { type: 'string' },
  peers: { type: 'integer' },
} as const;

export const channelReply = {
  type: 'object',
  required: ['channelId', 'name', 'public', 'createdAt'],
  additionalProperties: false,
  properties: channelFields,
} as const;

export const channelListReply = {
  type: 'object',
  required: ['channels'],
  additionalProperties: false,
  properties: {
    channels: {
      type: 'array',
      items: {
        type: 'object',
        required: ['channelId', 'name', 'peers'],
        additionalProperties: false,
        properties: {
          channelId: channelFields.channelId,
          name: channelFields.name,
          peers: channelFields.peers,
        },
      },
    },
  },
} as const;

export const sessionBody = {
  type: 'object',
  required: ['sessionId'],
  additionalProperties: false,
  properties: { sessionId: { type: 'string', pattern: UUID_PATTERN } },
} as const;

export const sessionReply = {
  type: 'object',
  required: ['clientId', 'password', 'expiresAt'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string' },
    password: { type: 'string' },
    expiresAt: { type: 'string' },
  },
} as const;

const iceServer = {
  type: 'object',
  required: ['urls'],
  additionalProperties: false,
  properties: {
    urls: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    username: { type: 'string' },
    credential: { type: 'string' },
  },
} as const;

export const appConfigReply = {
  type: 'object',
  required: ['keyshareUrls', 'iceServers', 'wsUrl', 'turn'],
  additionalProperties: false,
  properties: {
    keyshareUrls: { type: 'array', items: { type: 'string' } },
    iceServers: { type: 'array', items: iceServer },
    wsUrl: { type: 'string' },
    turn: { type: 'boolean' },
  },
} as const;

export const turnReply = {
  type: 'object',
  required: ['username', 'credential', 'ttl', 'urls', 'iceServers'],
  additionalProperties: false,
  properties: {
    username: { type: 'string' },
    credential: { type: 'string' },
    ttl: { type: 'integer' },
    urls: { type: 'array', items: { type: 'string' } },
    iceServers: { type: 'array', items: iceServer },
  },
} as const;

export const healthReply = {
  type: 'object',
  required: ['ok'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' } },
} as const;
