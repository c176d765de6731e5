// What `sealpeer-server admin` prints for each answer of the admin listener: each answer is checked
// against the shape its route declares (src/admin/schemas.ts) before it is read, so a wrong --admin-url
// (another service answering JSON) gives a clear message, never a crash. Text for people; --json prints
// the answer itself.

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const arrayOf = <T>(v: unknown, item: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every(item);

interface BanView {
  kind: string;
  target: string;
  until: string;
  reason: string;
}
const isBan = (v: unknown): v is BanView =>
  isRec(v) && isStr(v.kind) && isStr(v.target) && isStr(v.until) && isStr(v.reason);
const banLine = (b: BanView) => `${b.kind} ${b.target} until ${b.until}${b.reason ? ` (${b.reason})` : ''}`;

interface ClientView {
  clientId: string;
  ip: string;
  connectedAt: string;
}
const isClient = (v: unknown): v is ClientView =>
  isRec(v) && isStr(v.clientId) && isStr(v.ip) && isStr(v.connectedAt);
const isChannel = (v: unknown): v is { channelId: string; clients: ClientView[] } =>
  isRec(v) && isStr(v.channelId) && arrayOf(v.clients, isClient);

/** A formatter: the text of a well-formed answer, or undefined if the answer has another shape. */
export type Reader = (answer: unknown) => string | undefined;

export const readClients: Reader = (a) => {
  if (!isRec(a) || !isStr(a.node) || !isInt(a.connecting) || !arrayOf(a.channels, isChannel))
    return undefined;
  const lines = [`node ${a.node}: ${a.channels.length} channel(s), ${a.connecting} socket(s) logging in`];
  for (const ch of a.channels) {
    lines.push(`channel ${ch.channelId}`);
    for (const c of ch.clients) lines.push(`  ${c.clientId}  ${c.ip}  connected ${c.connectedAt}`);
  }
  return lines.join('\n');
};

export const readKick =
  (clientId: string): Reader =>
  (a) =>
    isRec(a) && isInt(a.kicked) ? `kicked ${clientId} (${a.kicked} socket)` : undefined;

export const readBan: Reader = (a) =>
  isRec(a) && isBan(a.ban) && isInt(a.disconnected)
    ? `banned ${banLine(a.ban)}; ${a.disconnected} socket(s) disconnected`
    : undefined;

export const readBans: Reader = (a) => {
  if (!isRec(a) || !arrayOf(a.bans, isBan)) return undefined;
  return a.bans.length === 0 ? 'no running bans' : a.bans.map(banLine).join('\n');
};

export const readLift =
  (kind: string, target: string): Reader =>
  (a) =>
    isRec(a) && a.lifted === true ? `lifted the ban on ${kind} ${target}` : undefined;

export const readPurge =
  (channelId: string): Reader =>
  (a) =>
    isRec(a) && typeof a.deleted === 'boolean' && isInt(a.credentials) && isInt(a.disconnected)
      ? `${a.deleted ? 'deleted' : 'not in the store:'} channel ${channelId}: ${a.credentials} credential(s) ` +
        `deleted, ${a.disconnected} socket(s) disconnected`
      : undefined;

const isRange = (v: unknown): v is { min: number; max: number } => isRec(v) && isInt(v.min) && isInt(v.max);

export const readLimits: Reader = (a) => {
  if (!isRec(a) || !isRec(a.limits) || !isRec(a.changeable)) return undefined;
  const changeable = a.changeable;
  const lines: string[] = [];
  for (const [k, v] of Object.entries(a.limits)) {
    if (!isInt(v)) return undefined;
    const r = changeable[k];
    lines.push(
      `${k.padEnd(24)} ${String(v).padStart(10)}${isRange(r) ? `   runtime: ${r.min}..${r.max}` : ''}`,
    );
  }
  return lines.join('\n');
};

/** `code: message` of an error answer {"error":{"code","message"}}, or undefined. */
export function readError(a: unknown): string | undefined {
  if (!isRec(a) || !isRec(a.error) || !isStr(a.error.code) || !isStr(a.error.message)) return undefined;
  return `${a.error.code}: ${a.error.message}`;
}
