// The one registry of error codes of @sealpeer/server (docs/errors.md, section "Server"; a test checks
// the two against each other both ways). Each code says how it surfaces: an HTTP status for API
// answers and refused WebSocket upgrades, and/or the close code of the socket it ends.

export interface ErrorSpec {
  /** HTTP status when the code answers an HTTP request or refuses a WebSocket upgrade. */
  readonly status?: number;
  /** WebSocket close code when the code ends the connection. */
  readonly close?: number;
  /** Default message: says what went wrong and what to do. */
  readonly message: string;
}

export const ERRORS = {
  invalid_request: {
    status: 400,
    message: 'The request does not match the schema (see docs/protocol.md, Part 1).',
  },
  payload_too_large: { status: 413, message: 'The request body is over the 16 KiB limit.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send the body as JSON with Content-Type: application/json.',
  },
  not_found: { status: 404, message: 'No such route.' },
  channel_not_found: {
    status: 404,
    message: 'No channel has this id. Check the link, or create a channel with POST /api/channels.',
  },
  channel_full: {
    status: 409,
    message: 'The channel has reached its client limit. Try again when someone leaves.',
  },
  rate_limited: {
    status: 429,
    close: 1008,
    message: 'Too many requests. Slow down and retry after the time given.',
  },
  locked_out: {
    status: 429,
    close: 4429,
    message: 'Too many failed logins from this address. Wait for the lockout to end.',
  },
  origin_not_allowed: {
    status: 403,
    message: 'This Origin is not allowed. The operator can add it with --allowed-origins.',
  },
  too_many_connections: {
    status: 429,
    message: 'Too many open connections from this address. Close some and retry.',
  },
  auth_failed: {
    status: 401,
    close: 4401,
    message:
      'Login refused: unknown client, wrong password, wrong session or expired credential. ' +
      'Get a fresh credential with POST /api/channels/:channelId/sessions.',
  },
  session_required: {
    close: 4401,
    message: 'The login frame needs the sessionId the credential was issued for.',
  },
  login_required: {
    close: 4401,
    message: 'The first frame must be {"type":"login","clientId","password","sessionId"}.',
  },
  login_timeout: { close: 4408, message: 'No login frame arrived in time. Reconnect and log in first.' },
  invalid_message: {
    close: 1008,
    message: 'The frame is not a valid JSON object of a known shape (see docs/protocol.md, Part 1).',
  },
  unsupported_type: { message: 'Unknown frame type. Known: echo, subscribe, publish, send, rendezvous.' },
  peer_not_found: {
    message: 'No client with this id is online in your channel or on a shared rendezvous tag.',
  },
  rendezvous_full: {
    message: 'A rendezvous tag already has 4 listeners; your tag list was not changed. Close a spare tab.',
  },
  message_too_big: { close: 1009, message: 'The frame is over the 64 KiB limit.' },
  send_queue_full: {
    close: 1013,
    message: 'This connection fell too far behind reading its messages. Reconnect.',
  },
  turn_disabled: { status: 404, message: 'This server has no TURN secret configured.' },
  // Operator controls (docs/operators/admin.md).
  ip_denied: {
    status: 403,
    message: 'This address may not use this server (--allow-cidr / --deny-cidr). Ask the operator.',
  },
  banned: {
    status: 403,
    close: 4403,
    message: 'This address or credential is banned by the operator until the time given.',
  },
  kicked: { close: 4410, message: 'The operator closed this connection. You may reconnect.' },
  channel_purged: {
    close: 4404,
    message: 'The operator deleted this channel and its credentials. Create or join another channel.',
  },
  channel_token_required: {
    status: 401,
    message:
      'This server creates channels only for its operator: send Authorization: Bearer <token> ' +
      '(--channel-creation token).',
  },
  client_not_found: { status: 404, message: 'No client with this id is connected to this node.' },
  ban_not_found: { status: 404, message: 'No running ban of this kind and target.' },
  invalid_cidr: {
    status: 400,
    message: 'Not an IPv4/IPv6 address or CIDR (e.g. 203.0.113.0/24, 2001:db8::/32), or host bits set.',
  },
  invalid_duration: {
    status: 400,
    message: 'A duration is like 30s, 10m, 1h or 7d, from 1 second to 365 days.',
  },
  limit_out_of_range: {
    status: 400,
    message: 'A limit is outside its allowed range (GET /admin/limits lists the ranges).',
  },
  internal_error: { status: 500, close: 1011, message: 'Internal server error.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON error body of every HTTP error: {"error":{"code","message"}}. */
export function errorBody(
  code: ErrorCode,
  message?: string,
): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message: message ?? ERRORS[code].message } };
}

export function statusOf(code: ErrorCode): number {
  const spec: ErrorSpec = ERRORS[code];
  return spec.status ?? 500;
}

/** Close code a socket ends with for this error (only meaningful for codes that define one). */
export function closeCodeOf(code: ErrorCode): number {
  const spec: ErrorSpec = ERRORS[code];
  return spec.close ?? 1011;
}
