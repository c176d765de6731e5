// JSON schemas of the HTTP API (docs/keyshare.md §HTTP API). Fastify validates bodies, params and
// queries with them and serialises replies through them (unknown reply fields are dropped).
import * as keyshare from '@sealpeer/client/keyshare';

const b64 = (bytes: number) => ({
  type: 'string',
  // Standard padded base64 of exactly `bytes` bytes.
  minLength: Math.ceil(bytes / 3) * 4,
  maxLength: Math.ceil(bytes / 3) * 4,
  pattern: '^[A-Za-z0-9+/]*={0,2}$',
});

export const handleSchema = { type: 'string', pattern: '^[a-z0-9._-]{3,64}$' } as const;

const u53 = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const recordSchema = {
  type: 'object',
  additionalProperties: false,
  required: keyshare.RECORD_JSON_FIELDS.filter((f) => f !== 'prevSig'),
  properties: {
    v: { type: 'integer', const: 1 },
    kind: { type: 'string', enum: ['claim', 'rotate', 'revoke'] },
    handle: handleSchema,
    seq: u53,
    createdAt: u53,
    expiresAt: { anyOf: [{ type: 'null' }, u53] },
    identityKey: b64(32),
    x25519Key: b64(32),
    prev: b64(32),
    sig: b64(64),
    prevSig: b64(64),
  },
} as const;

const hashList = { type: 'array', maxItems: 64, items: b64(32) } as const;

/** docs/keyshare.md §Map: the leaf where the handle's path ends (or null) and the siblings. */
export const mapProofSchema = {
  type: 'object',
  required: ['leaf', 'siblings'],
  properties: {
    leaf: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['key', 'leafIndex', 'leafHash'],
          properties: { key: b64(32), leafIndex: u53, leafHash: b64(32) },
        },
      ],
    },
    siblings: { type: 'array', maxItems: 256, items: b64(32) },
  },
} as const;

export const recordAnswerSchema = {
  type: 'object',
  required: ['record', 'leafIndex', 'inclusionProof', 'mapProof', 'checkpoint'],
  properties: {
    record: recordSchema,
    leafIndex: u53,
    inclusionProof: hashList,
    mapProof: mapProofSchema,
    checkpoint: { type: 'string' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** 404 of GET /v1/records/:handle: the error, and the map's proof that the handle has no entry. */
export const absenceAnswerSchema = {
  type: 'object',
  required: ['error', 'mapProof', 'checkpoint'],
  properties: {
    error: errorSchema.properties.error,
    mapProof: mapProofSchema,
    checkpoint: { type: 'string' },
  },
} as const;

export const errorReplies = {
  '4xx': errorSchema,
  '5xx': errorSchema,
} as const;

/**
 * A non-negative decimal integer in a query string, as text: ajv runs without type coercion (http/app.ts),
 * so query values stay strings and are checked by this pattern (no sign, no leading zeroes, no "1.0" or
 * "" read as a number), then converted with queryInt.
 */
export const decimalParam = { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' } as const;

/** The number of a query value that passed decimalParam. */
export function queryInt(text: string): number {
  return Number(text);
}

/** A query of exactly two non-negative integers (as decimal text). */
function twoIntegers<A extends string, B extends string>(a: A, b: B) {
  return {
    type: 'object',
    additionalProperties: false,
    required: [a, b],
    properties: { [a]: decimalParam, [b]: decimalParam },
  } as const;
}

export const consistencyQuerySchema = twoIntegers('old', 'new');

export const consistencyReplySchema = {
  type: 'object',
  required: ['old', 'new', 'proof'],
  properties: { old: u53, new: u53, proof: hashList },
} as const;

export const leavesQuerySchema = twoIntegers('start', 'end');

export const leavesReplySchema = {
  type: 'object',
  required: ['start', 'end', 'leaves'],
  properties: {
    start: u53,
    end: u53,
    leaves: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const healthReplySchema = {
  type: 'object',
  required: ['ok', 'treeSize'],
  properties: { ok: { type: 'boolean' }, treeSize: u53, origin: { type: 'string' } },
} as const;
