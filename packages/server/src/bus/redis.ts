// The Redis bus (`--bus redis://…`): many relay nodes behind any load balancer, no sticky sessions.
// What lives in Redis (docs/operators/scale-out.md, "What lives where"), all with TTLs:
//   sp:node:<node>     this node is alive (refreshed every heartbeat, expires after 3)
//   sp:on:<channel>    hash clientId → "node|loginAt": who is online where (for `send` and punts)
//   sp:sub:<channel>   hash clientId → node: the channel's subscribers (for `publish` and presence)
//   sp:cnt:<key>:<w>   shared per-IP counters (fixed windows)
//   sp:rv:<tag>        hash "node|clientId" → l|d: rendezvous tags across nodes (tags.ts, tag-script.ts)
// and pub/sub topics sp:c:<channel> (membership events, publish frames), sp:t:<tag> (a tag's join/leave)
// and sp:n:<node> (sends to one node). A node follows a channel's topic while it has members there and mirrors the other nodes'
// members (mirror.ts), so a send or publish never waits on Redis: it looks at the mirror and PUBLISHes.
// A Redis restart or network blip: ioredis reconnects (and resubscribes), then this node writes its
// members again and re-reads the channels it follows; the relay's sockets are not touched. A node that
// stops heartbeating for two sweeps is dropped: its subscribers `leave` and its hash entries go.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type Batch,
  CH_PREFIX,
  type Cmd,
  chTopic,
  HDEL_IF_MINE,
  nodeKey,
  nodeTopic,
  onKey,
  subKey,
} from './keys.ts';
import { farewellMembers, writeBackMembers } from './members.ts';
import { applyChannelEvent, ChannelMirror } from './mirror.ts';
import { loadMirror } from './snapshot.ts';
import { NodeSweep } from './sweep.ts';
import { RETAG } from './tag-script.ts';
import { decodeTagged, encodeTagged } from './tag-wire.ts';
import { TagRouting } from './tags.ts';
import type { Bus, LocalSide, RetagResult, TagSet } from './types.ts';
import { decodeEvent, decodeSend, encodeEvent, encodePublish, encodeSend } from './wire.ts';

export interface RedisBusOptions {
  url: string;
  nodeId: string;
  /** Heartbeat period; presence keys live 3 heartbeats. */
  heartbeatMs: number;
  log: Logger;
  /** Told when the command connection goes up or down (metrics). */
  up?: (up: boolean) => void;
  /** Told of each frame routed to other nodes (metrics). */
  routed?: (kind: 'send' | 'publish' | 'rendezvous' | 'lost') => void;
}

interface Followed {
  mirror: ChannelMirror;
  ready: Promise<void>;
  /** Local connections that joined and have not released. */
  refs: number;
}

/** Longest wait between reconnect attempts. */
const RETRY_CAP_MS = 1000;

export class RedisBus implements Bus {
  readonly kind = 'redis';
  readonly nodeId: string;
  private readonly cmd: Cmd;
  private readonly sub: Redis;
  private readonly followed = new Map<string, Followed>();
  private readonly sweep: NodeSweep;
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;
  private readonly tags: TagRouting;
  private local: LocalSide | undefined;
  private connectedOnce = { cmd: false, sub: false };
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  /** Heartbeats that still re-read the followed channels after a reconnect (late resubscribes). */
  private reloadBeats = 0;
  private closed = false;

  private constructor(private readonly opts: RedisBusOptions) {
    this.nodeId = opts.nodeId;
    this.ttlMs = opts.heartbeatMs * 3;
    const common = {
      // Reconnect forever with a capped backoff: a Redis restart must not take the relay down.
      retryStrategy: (n: number) => Math.min(50 * 2 ** Math.min(n, 6), RETRY_CAP_MS),
      maxRetriesPerRequest: 3,
      lazyConnect: true,
      connectionName: `sealpeer-${opts.nodeId}`,
    };
    this.cmd = new Redis(opts.url, common) as Cmd;
    this.cmd.defineCommand('hdelIfMine', { numberOfKeys: 1, lua: HDEL_IF_MINE });
    this.cmd.defineCommand('retag', { lua: RETAG });
    this.sub = new Redis(opts.url, { ...common, autoResubscribe: true });
    this.sweep = new NodeSweep(this.cmd, opts.nodeId);
    this.tags = new TagRouting({
      cmd: this.cmd,
      sub: this.sub,
      nodeId: opts.nodeId,
      ttlMs: this.ttlMs,
      local: () => this.local,
      failed: (op) => this.failed(op),
    });
    for (const [name, conn] of [
      ['cmd', this.cmd],
      ['sub', this.sub],
    ] as const) {
      conn.on('error', (err: Error) =>
        opts.log.warn({ event: 'bus_error', conn: name, err: err.message }, 'bus connection error'),
      );
      if (name === 'cmd') {
        conn.on('ready', () => opts.up?.(true));
        conn.on('close', () => opts.up?.(false));
      }
      conn.on('ready', () => {
        if (this.connectedOnce[name]) {
          opts.log.info({ event: 'bus_reconnected', conn: name }, 'bus reconnected; rebuilding presence');
          void this.resync();
        }
        this.connectedOnce[name] = true;
      });
    }
    this.sub.on('messageBuffer', (topic: Buffer, payload: Buffer) => this.onMessage(topic, payload));
    this.timer = setInterval(() => void this.heartbeat(), opts.heartbeatMs);
    this.timer.unref();
  }

  /** Connects both connections (fails if Redis cannot be reached now) and starts heartbeating. */
  static async open(opts: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(opts);
    try {
      await Promise.all([bus.cmd.connect(), bus.sub.connect()]);
      await bus.sub.subscribe(nodeTopic(bus.nodeId));
      await bus.cmd.set(nodeKey(bus.nodeId), '1', 'PX', bus.ttlMs);
    } catch (err) {
      await bus.close();
      throw err;
    }
    return bus;
  }

  /** The relay's side; set once before the first join. */
  attach(local: LocalSide): void {
    this.local = local;
  }

  join(channelId: string): Promise<void> {
    let f = this.followed.get(channelId);
    if (!f) {
      const mirror = new ChannelMirror();
      const ready = this.sub.subscribe(chTopic(channelId)).then(() => this.load(channelId, mirror));
      const entry: Followed = { mirror, ready, refs: 0 };
      f = entry;
      this.followed.set(channelId, entry);
      ready.catch(() => {
        if (this.followed.get(channelId) === entry) this.followed.delete(channelId);
      });
    }
    f.refs++;
    return f.ready;
  }

  release(channelId: string): void {
    const f = this.followed.get(channelId);
    if (!f || --f.refs > 0) return;
    this.followed.delete(channelId);
    this.sub.unsubscribe(chTopic(channelId)).catch(this.failed('unsubscribe'));
  }

  online(channelId: string, clientId: string, at: number): Promise<void> {
    const key = onKey(channelId);
    return this.cmd
      .multi()
      .hset(key, clientId, `${this.nodeId}|${at}`)
      .pexpire(key, this.ttlMs)
      .publish(chTopic(channelId), encodeEvent('o', this.nodeId, clientId, at))
      .exec()
      .then(() => undefined, this.failed('online'));
  }

  offline(channelId: string, clientId: string): void {
    this.cmd.hdelIfMine(onKey(channelId), clientId, this.nodeId).catch(this.failed('offline'));
    this.cmd
      .publish(chTopic(channelId), encodeEvent('f', this.nodeId, clientId))
      .catch(this.failed('offline'));
  }

  subscribed(channelId: string, clientId: string): void {
    const key = subKey(channelId);
    this.cmd
      .multi()
      .hset(key, clientId, this.nodeId)
      .pexpire(key, this.ttlMs)
      .publish(chTopic(channelId), encodeEvent('j', this.nodeId, clientId))
      .exec()
      .catch(this.failed('subscribe'));
  }

  unsubscribed(channelId: string, clientId: string): void {
    this.cmd.hdelIfMine(subKey(channelId), clientId, this.nodeId).catch(this.failed('unsubscribe'));
    this.cmd.publish(chTopic(channelId), encodeEvent('l', this.nodeId, clientId)).catch(this.failed('leave'));
  }

  send(channelId: string, to: string, frame: () => Buffer, lost: () => void): boolean {
    const target = this.followed.get(channelId)?.mirror.online.get(to);
    if (!target || target.node === this.nodeId) return false;
    this.opts.routed?.('send');
    this.route(target.node, encodeSend(channelId, to, frame()), lost);
    return true;
  }

  retag(clientId: string, prev: TagSet, next: TagSet): Promise<RetagResult> {
    return this.tags.retag(clientId, prev, next);
  }

  untag(clientId: string, tags: Iterable<string>): void {
    this.tags.untag(clientId, tags);
  }

  sendTagged(
    tags: ReadonlySet<string>,
    dialTags: ReadonlySet<string>,
    to: string,
    frame: () => Buffer,
    lost: () => void,
  ): boolean {
    const r = this.tags.route(tags, dialTags, to);
    if (!r) return false;
    this.opts.routed?.('rendezvous');
    this.route(r.node, encodeTagged(r.tag, to, dialTags.has(r.tag), frame()), lost);
    return true;
  }

  /** PUBLISHes a payload on a node's topic; `lost` if nobody listened there. */
  private route(node: string, payload: Buffer, lost: () => void): void {
    this.cmd.publish(nodeTopic(node), payload).then((receivers) => {
      if (receivers > 0) return;
      this.opts.routed?.('lost');
      // Nobody listens for that node: it died (or lost Redis). Its members leave now rather than after
      // the heartbeat sweep; if it was only a blip, it announces them again when it reconnects.
      lost();
      this.dropNode(node, false);
    }, this.failed('send'));
  }

  hasRemoteSubscribers(channelId: string): boolean {
    return (this.followed.get(channelId)?.mirror.subs.size ?? 0) > 0;
  }

  publish(channelId: string, frame: Buffer): void {
    if (!this.hasRemoteSubscribers(channelId)) return;
    this.opts.routed?.('publish');
    this.cmd.publish(chTopic(channelId), encodePublish(this.nodeId, frame)).catch(this.failed('publish'));
  }

  remoteSubscribers(channelId: string): Iterable<string> {
    return this.followed.get(channelId)?.mirror.subs.keys() ?? [];
  }

  async onlineCounts(ids: readonly string[], local: (channelId: string) => number): Promise<number[]> {
    if (ids.length === 0) return [];
    try {
      const p = this.cmd.pipeline();
      for (const id of ids) p.hlen(onKey(id));
      const res = (await p.exec()) ?? [];
      return ids.map((id, i) => {
        const [err, n] = res[i] ?? [new Error('no reply'), 0];
        return err ? local(id) : Number(n);
      });
    } catch {
      return ids.map(local);
    }
  }

  async count(key: string, windowMs: number, now: number): Promise<number> {
    const k = `sp:cnt:${key}:${Math.floor(now / windowMs)}`;
    const res = await this.cmd
      .multi()
      .incr(k)
      .pexpire(k, windowMs * 2)
      .exec();
    const [err, n] = res?.[0] ?? [new Error('no reply'), 0];
    if (err) throw err;
    return Number(n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // Best effort: tell the others this node is gone now rather than after its keys expire.
    if (this.cmd.status === 'ready') {
      try {
        const p = this.cmd.pipeline().del(nodeKey(this.nodeId)) as Batch;
        this.tags.farewell(p);
        farewellMembers(p, this.nodeId, this.local?.members() ?? []);
        await p.exec();
        await this.cmd.quit();
      } catch {
        /* Redis is going away too: the keys expire */
      }
    }
    this.cmd.disconnect();
    this.sub.disconnect();
  }

  private failed(op: string): (err: Error) => void {
    return (err) => {
      if (!this.closed)
        this.opts.log.warn({ event: 'bus_error', op, err: err.message }, 'bus command failed');
    };
  }

  /** Fills a mirror with the other live nodes' members of the channel (adds only). */
  private load(channelId: string, mirror: ChannelMirror): Promise<void> {
    return loadMirror(this.cmd, this.nodeId, channelId, mirror, (ev, client) =>
      this.local?.presence(channelId, ev, client),
    );
  }

  private onMessage(topic: Buffer, payload: Buffer): void {
    const local = this.local;
    if (!local) return;
    const t = topic.toString('latin1');
    if (!t.startsWith(CH_PREFIX)) {
      if (this.tags.onMessage(t, payload)) return;
      if (payload[0] === 0x72) {
        const r = decodeTagged(payload);
        if (r) local.deliverTagged(r.tag, r.to, r.fromDial, r.frame);
        return;
      }
      const s = decodeSend(payload);
      if (s) local.deliver(s.channelId, s.to, s.frame);
      return;
    }
    const channelId = t.slice(CH_PREFIX.length);
    const f = this.followed.get(channelId);
    const ev = decodeEvent(payload);
    if (!f || !ev || ev.node === this.nodeId) return;
    applyChannelEvent(f.mirror, channelId, ev, local);
  }

  /** Every heartbeat: this node's keys live on; nodes that stopped heartbeating are dropped. */
  private async heartbeat(): Promise<void> {
    if (this.closed || this.cmd.status !== 'ready') return;
    try {
      const p = this.cmd.pipeline().set(nodeKey(this.nodeId), '1', 'PX', this.ttlMs);
      for (const ch of this.followed.keys()) p.pexpire(onKey(ch), this.ttlMs).pexpire(subKey(ch), this.ttlMs);
      this.tags.refresh(p as Batch);
      await p.exec();
      if (this.reloadBeats > 0) {
        this.reloadBeats--;
        for (const [ch, f] of this.followed) await this.load(ch, f.mirror);
        await this.tags.reload();
      }
      const seen = new Set<string>();
      for (const f of this.followed.values()) f.mirror.nodes(seen);
      this.tags.nodes(seen);
      for (const node of await this.sweep.dead(seen, Date.now())) this.dropNode(node, true);
    } catch (err) {
      this.failed('heartbeat')(err as Error);
    }
  }

  /**
   * Forgets a node's members here (local subscribers see them leave). `confirmed` (its heartbeat key is
   * gone) also deletes its entries in Redis; a node that merely had no listener for a moment keeps them,
   * so it is found again when it re-announces or at the next re-read.
   */
  private dropNode(node: string, confirmed: boolean): void {
    this.sweep.settle(node);
    let known = false;
    for (const f of this.followed.values()) {
      const seen = new Set<string>();
      f.mirror.nodes(seen);
      if (seen.has(node)) known = true;
    }
    if (this.tags.dropNode(node)) known = true;
    if (!known && !(confirmed && this.sweep.dropped.has(node))) return;
    this.opts.log.info(
      { event: 'bus_node_gone', node },
      'a relay node stopped heartbeating; dropping its members',
    );
    for (const [ch, f] of this.followed) {
      const left = f.mirror.dropNode(node);
      for (const id of left) this.local?.presence(ch, 'leave', id);
    }
    if (confirmed) void this.purgeNode(node);
    else this.sweep.dropped.add(node);
  }

  /** Deletes a dead node's entries from the hashes of the channels this node follows. */
  private async purgeNode(node: string): Promise<void> {
    this.sweep.dropped.delete(node);
    try {
      for (const ch of this.followed.keys())
        for (const key of [onKey(ch), subKey(ch)])
          for (const [id, v] of Object.entries(await this.cmd.hgetall(key)))
            if (v === node || v.startsWith(`${node}|`)) await this.cmd.hdelIfMine(key, id, node);
      await this.tags.purge(node);
    } catch (err) {
      this.failed('sweep')(err as Error);
    }
  }

  /** After a reconnect: write this node's members again, then re-read the channels it follows. */
  private resync(): Promise<void> {
    this.reloadBeats = 3;
    this.sweep.pause(Date.now() + this.ttlMs + 2 * RETRY_CAP_MS);
    if (this.resyncing) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    this.resyncing = (async () => {
      try {
        const p = this.cmd.pipeline().set(nodeKey(this.nodeId), '1', 'PX', this.ttlMs) as Batch;
        this.tags.writeBack(p);
        writeBackMembers(p, this.nodeId, this.ttlMs, this.local?.members() ?? []);
        await p.exec();
        await this.tags.resubscribe();
        for (const [ch, f] of this.followed) await this.load(ch, f.mirror);
        await this.tags.reload();
      } catch (err) {
        this.failed('resync')(err as Error);
      } finally {
        this.resyncing = undefined;
        if (this.resyncAgain) {
          this.resyncAgain = false;
          void this.resync();
        }
      }
    })();
    return this.resyncing;
  }
}
