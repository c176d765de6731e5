// Validation of the fields the relay assigns (docs/protocol.md Part 2, 2.8 "Relay input"): `from`,
// `clientId` and `channelId` are UUIDs the server generated itself (Part 1). Anything else is refused at
// the connection boundary, so no later code (prologue, AD: one length byte per string) sees a hostile value.

/** Lowercase canonical UUID, 36 characters (what the server's randomUUID() gives). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A relay-assigned id (`from`, `clientId`, `channelId`): a string in UUID shape, 36 characters. */
export function isRelayId(v: unknown): v is string {
  return typeof v === 'string' && v.length === 36 && UUID.test(v);
}

/** A `peers` list: an array of relay ids (at most `max`, the server's clients-per-channel bound). */
export function isRelayIdList(v: unknown, max = 4096): v is string[] {
  return Array.isArray(v) && v.length <= max && v.every(isRelayId);
}
