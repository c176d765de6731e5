// The bus's names in Redis (redis.ts header lists what each holds) and the one server-side script.
import type { Redis } from 'ioredis';

// HDEL only if the field still belongs to this node (a newer login elsewhere must survive our cleanup).
export const HDEL_IF_MINE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and (v == ARGV[2] or string.sub(v, 1, #ARGV[2] + 1) == ARGV[2] .. '|') then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`;

export type Cmd = Redis & {
  hdelIfMine(key: string, field: string, node: string): Promise<number>;
  /** tag-script.ts RETAG: the number of keys, the keys, then the arguments. */
  retag(numKeys: number, ...args: Array<string | number>): Promise<unknown>;
};
/** A pipeline that knows the script command defined on Cmd. */
export type Batch = ReturnType<Redis['pipeline']> & {
  hdelIfMine(key: string, field: string, node: string): Batch;
};

export const onKey = (ch: string) => `sp:on:${ch}`;
export const subKey = (ch: string) => `sp:sub:${ch}`;
export const nodeKey = (node: string) => `sp:node:${node}`;
export const chTopic = (ch: string) => `sp:c:${ch}`;
export const nodeTopic = (node: string) => `sp:n:${node}`;
export const CH_PREFIX = 'sp:c:';
