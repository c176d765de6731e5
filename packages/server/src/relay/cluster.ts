// The relay's side of the bus (bus/types.ts LocalSide): what another node's events do to this node's
// sockets, through the registry. Frames from the bus are the server's own bytes (built by the node that
// relayed them), handed on unchanged.
import type { LocalSide } from '../bus/types.ts';
import type { Connection } from './connection.ts';
import { out } from './frames.ts';
import type { ChannelRegistry } from './registry.ts';
import type { RendezvousRegistry } from './rendezvous.ts';

export function localSide(
  registry: ChannelRegistry<Connection>,
  rendezvous: RendezvousRegistry<Connection>,
  nodeId: string,
): LocalSide {
  return {
    deliver(channelId, to, frame) {
      const c = registry.find(channelId, to);
      if (c?.state === 'ready') c.sendRaw(frame);
    },
    broadcast(channelId, frame) {
      for (const c of registry.subscribers(channelId)) c.sendRaw(frame);
    },
    presence(channelId, event, clientId) {
      const subs = registry.subscribers(channelId);
      if (subs.size === 0) return;
      const frame = Buffer.from(out.presence(event, clientId));
      for (const c of subs) if (c.clientId !== clientId) c.sendRaw(frame);
    },
    loggedInElsewhere(channelId, clientId, at, node) {
      const c = registry.find(channelId, clientId);
      // The newer login wins (docs/protocol.md 1.6); equal times are settled by node id.
      if (c?.state === 'ready' && (c.loginAt < at || (c.loginAt === at && nodeId < node))) c.punt();
    },
    tagEvent: (tag, event, clientId, dial) => rendezvous.tell(tag, event, clientId, dial),
    // The sending node checked the tag against its mirror; this node checks it against the truth.
    deliverTagged: (tag, to, fromDial, frame) => rendezvous.deliver(tag, to, fromDial, frame),
    *registrations() {
      for (const [tag, conns] of rendezvous.all())
        for (const c of conns) yield { tag, clientId: c.clientId, dial: c.dialTags.has(tag) };
    },
    *members() {
      for (const [channelId, clientId, conn, subscribed] of registry.online())
        yield { channelId, clientId, at: conn.loginAt, subscribed };
    },
  };
}
