// Contacts are met at an address (server, channel, relay clientId), like SSH hosts: the client library's
// TrustStore pins the first key seen there (trust on first use); a different key later is a key change
// that blocks the peer until the user accepts it.

/** A contact's address: where it was met (server origin, channel, relay clientId). */
export function contactAddress(server: string, channelId: string, clientId: string): string {
  return `${new URL(server).origin}/${channelId}/${clientId}`;
}
