// Rendezvous tags in Redis (docs/protocol.md 1.8, "Several nodes"; docs/operators/scale-out.md):
//   sp:rv:<tag>   hash "node|clientId" → mode (l listens, d dials): the connections on the tag, cluster-wide.
//                 TTL 3 heartbeats, refreshed by every node with a connection on the tag.
//   sp:t:<tag>    pub/sub topic of the tag's join/leave events (tag-wire.ts).
// RETAG moves one connection from its old tags to its new ones in ONE atomic step, so the cap of
// MAX_LISTENERS_PER_TAG holds across nodes without a race: two nodes admitting the fifth listener at
// once is impossible, Redis runs one script at a time. Fields of nodes whose heartbeat key (sp:node:<n>)
// is gone are not counted and are deleted on the way (a dead node's listeners free their places as soon
// as its heartbeat expires). The script publishes the events itself, so they are ordered with the change.

export const RV_PREFIX = 'sp:rv:';
export const TAG_TOPIC_PREFIX = 'sp:t:';
export const rvKey = (tag: string) => `${RV_PREFIX}${tag}`;
export const tagTopic = (tag: string) => `${TAG_TOPIC_PREFIX}${tag}`;
export const tagField = (node: string, client: string) => `${node}|${client}`;

/**
 * KEYS: sp:rv:<tag> of the new set (n of them), then of the tags dropped.
 * ARGV: node, clientId, ttlMs, max listeners, n, then the mode of each new tag.
 * Returns {0, i} when the i-th new tag is full (nothing changed), else {1, snapshot} where snapshot
 * lists (i, field, mode) of every OTHER connection on the new tags.
 */
export const RETAG = `
local node, client = ARGV[1], ARGV[2]
local ttl, max, n = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local me = node .. '|' .. client
local alive = { [node] = true }
local function live(nd)
  if alive[nd] == nil then alive[nd] = redis.call('EXISTS', 'sp:node:' .. nd) == 1 end
  return alive[nd]
end
local function topic(k) return '${TAG_TOPIC_PREFIX}' .. string.sub(k, ${RV_PREFIX.length + 1}) end
local function left(k, f)
  local sep = string.find(f, '|', 1, true)
  if sep then
    redis.call('PUBLISH', topic(k), 'L\\n' .. string.sub(f, 1, sep - 1) .. '\\n' .. string.sub(f, sep + 1))
  end
end
for i = 1, n do
  local k = KEYS[i]
  local count, mine = 0, false
  for _, f in ipairs(redis.call('HKEYS', k)) do
    if f == me then
      mine = true
    else
      local sep = string.find(f, '|', 1, true)
      if sep and live(string.sub(f, 1, sep - 1)) then
        count = count + 1
      else
        redis.call('HDEL', k, f)
        left(k, f)
      end
    end
  end
  if not mine and count >= max then return { 0, i } end
end
for i = n + 1, #KEYS do
  if redis.call('HDEL', KEYS[i], me) == 1 then left(KEYS[i], me) end
end
local snap = {}
for i = 1, n do
  local k, mode = KEYS[i], ARGV[5 + i]
  if redis.call('HGET', k, me) ~= mode then
    redis.call('HSET', k, me, mode)
    redis.call('PUBLISH', topic(k), 'J\\n' .. node .. '\\n' .. client .. '\\n' .. mode)
  end
  redis.call('PEXPIRE', k, ttl)
  local all = redis.call('HGETALL', k)
  for j = 1, #all, 2 do
    if all[j] ~= me then
      snap[#snap + 1] = i
      snap[#snap + 1] = all[j]
      snap[#snap + 1] = all[j + 1]
    end
  end
end
return { 1, snap }`;

/** Splits a hash field "node|client". */
export function splitField(f: string): { node: string; client: string } | undefined {
  const sep = f.indexOf('|');
  return sep > 0 && sep < f.length - 1 ? { node: f.slice(0, sep), client: f.slice(sep + 1) } : undefined;
}
