// The server's channel API (docs/protocol.md part 1): create, list public, look one up.
import { fetchJson } from './http.ts';
import { bool, int, list, optStr, record, str } from './validate.ts';

export interface Channel {
  channelId: string;
  name: string | undefined;
  public: boolean;
}

export interface PublicChannel {
  channelId: string;
  name: string | undefined;
  peers: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True when `s` is a channel id (a UUID v4). */
export function isChannelId(s: string): boolean {
  return UUID.test(s);
}

function channel(v: unknown): Channel {
  const o = record(v, 'channel');
  return {
    channelId: str(o, 'channelId', 'channel', 64),
    name: optStr(o, 'name', 'channel', 64),
    public: bool(o, 'public', 'channel'),
  };
}

export async function createChannel(server: string, isPublic: boolean, name?: string): Promise<Channel> {
  const body = JSON.stringify(name ? { name, public: isPublic } : { public: isPublic });
  return channel(await fetchJson(new URL('/api/channels', server).href, { method: 'POST', body }));
}

export async function getChannel(server: string, channelId: string): Promise<Channel> {
  return channel(await fetchJson(new URL(`/api/channels/${encodeURIComponent(channelId)}`, server).href));
}

export async function listPublicChannels(server: string): Promise<PublicChannel[]> {
  const o = record(await fetchJson(new URL('/api/channels', server).href), 'channels');
  return list(o, 'channels', 'channels').map((v) => {
    const c = record(v, 'channels[]');
    return {
      channelId: str(c, 'channelId', 'channel', 64),
      name: optStr(c, 'name', 'channel', 64),
      peers: int(c, 'peers', 'channel'),
    };
  });
}
