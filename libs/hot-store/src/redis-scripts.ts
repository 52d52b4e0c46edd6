/**
 * Lua scripts of the Redis hot store, registered with ioredis `defineCommand`. Each one is a
 * single atomic step on the server. Keys always arrive through KEYS (already prefixed), so
 * scripts stay correct on Redis Cluster as long as the keys of one call share a hash tag.
 *
 * Numbers that Redis must parse as integers (PEXPIRE, INCRBY) are passed through from ARGV
 * strings or are small values, so Lua's float formatting never produces "1e+15".
 */

/** Current time in ms: the caller's `nowMs` when given, else the Redis server clock. */
const NOW_MS = `
local function now_ms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Lease helpers. A lease set is a sorted set of lease id → expiry (ms). A lease is live while
 * expiry > now; the key itself expires with its last lease.
 */
const LEASES = `
local function lease_check(key, lease_id, limit, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local live = redis.call('ZCARD', key)
  if redis.call('ZSCORE', key, lease_id) then return true, live, 0 end
  if live + 1 <= limit then return true, live, 0 end
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local retry = 0
  if first[2] then retry = math.max(math.ceil(tonumber(first[2]) - now), 1) end
  return false, live, retry
end
local function lease_apply(key, lease_id, ttl_ms, now)
  redis.call('ZADD', key, now + ttl_ms, lease_id)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', key, math.max(math.ceil(tonumber(last[2]) - now), 1))
end
`;

/** Slots per check in the ARGV of `relayAdmit` (after ARGV[1] = nowMs). */
export const ADMIT_SLOTS = 5;

/**
 * relayAdmit: KEYS[i] is the key of check i; ARGV[1] = nowMs or ''; then ADMIT_SLOTS values per
 * check: kind ('w' | 'l' | 'b') and its parameters (see `encodeAdmitArgs`).
 * Phase 1 only reads (and drops expired leases, which changes no live count); phase 2 applies
 * every check. Returns {-1} when admitted, else {failedIndex, current, retryAfterMs}.
 */
export const ADMIT_LUA = `${NOW_MS}${LEASES}
local now = now_ms(ARGV[1])
local n = #KEYS
local plan = {}
for i = 1, n do
  local key = KEYS[i]
  local base = 1 + (i - 1) * ${ADMIT_SLOTS}
  local kind = ARGV[base + 1]
  if kind == 'w' then
    local window_ms = tonumber(ARGV[base + 2])
    local limit = tonumber(ARGV[base + 3])
    local cost = tonumber(ARGV[base + 4])
    local start = now - (now % window_ms)
    local stored = redis.call('HMGET', key, 'w', 'c')
    local same = stored[1] and tonumber(stored[1]) == start
    local count = 0
    if same then count = tonumber(stored[2]) or 0 end
    if count + cost > limit then return {i - 1, count, start + window_ms - now} end
    plan[i] = {start = start, same = same, ttl = start + window_ms - now}
  elseif kind == 'l' then
    local ok, live, retry = lease_check(key, ARGV[base + 3], tonumber(ARGV[base + 2]), now)
    if not ok then return {i - 1, live, retry} end
  elseif kind == 'b' then
    local limit = tonumber(ARGV[base + 2])
    local amount = tonumber(ARGV[base + 3])
    local floor = tonumber(ARGV[base + 4])
    local stored = redis.call('GET', key)
    local current = floor
    if stored and tonumber(stored) > floor then current = tonumber(stored) end
    if current + amount > limit then return {i - 1, current, 0} end
    plan[i] = {raise = current == floor}
  else
    return redis.error_reply('unknown admission check kind ' .. tostring(kind))
  end
end
for i = 1, n do
  local key = KEYS[i]
  local base = 1 + (i - 1) * ${ADMIT_SLOTS}
  local kind = ARGV[base + 1]
  if kind == 'w' then
    local p = plan[i]
    if p.same then
      redis.call('HINCRBY', key, 'c', ARGV[base + 4])
    else
      redis.call('HSET', key, 'w', p.start, 'c', ARGV[base + 4])
    end
    redis.call('PEXPIRE', key, math.max(math.ceil(p.ttl), 1))
  elseif kind == 'l' then
    lease_apply(key, ARGV[base + 3], tonumber(ARGV[base + 4]), now)
  else
    -- The floor is SET from its ARGV string: a Lua number would be written as 1e+15.
    if plan[i].raise then redis.call('SET', key, ARGV[base + 4], 'KEEPTTL') end
    redis.call('INCRBY', key, ARGV[base + 3])
    if ARGV[base + 5] ~= '' then redis.call('PEXPIRE', key, ARGV[base + 5]) end
  end
end
return {-1}
`;

/** relayAcquireLease: KEYS[1] lease set; ARGV = leaseId, limit, ttlMs, nowMs|''. Returns 1 or 0. */
export const ACQUIRE_LEASE_LUA = `${NOW_MS}${LEASES}
local now = now_ms(ARGV[4])
local ok = lease_check(KEYS[1], ARGV[1], tonumber(ARGV[2]), now)
if not ok then return 0 end
lease_apply(KEYS[1], ARGV[1], tonumber(ARGV[3]), now)
return 1
`;

/**
 * relayRenewLeases: KEYS[1] lease set; ARGV = ttlMs, nowMs|'', leaseId... Moves each still-live
 * lease's expiry to now + ttl (never earlier), then stretches the key's own expiry to its latest
 * lease. A lease released or expired meanwhile is not re-created. Returns how many were renewed.
 */
export const RENEW_LEASES_LUA = `${NOW_MS}
local now = now_ms(ARGV[2])
local until_ms = now + tonumber(ARGV[1])
local renewed = 0
for i = 3, #ARGV do
  local expiry = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if expiry and tonumber(expiry) > now then
    if tonumber(expiry) < until_ms then redis.call('ZADD', KEYS[1], until_ms, ARGV[i]) end
    renewed = renewed + 1
  end
end
if renewed > 0 then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], math.max(math.ceil(tonumber(last[2]) - now), 1))
end
return renewed
`;

/** relayLeaseCount: KEYS[1] lease set; ARGV[1] = nowMs|''. Live leases (expiry > now). */
export const LEASE_COUNT_LUA = `${NOW_MS}
local now = now_ms(ARGV[1])
return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%d', now), '+inf')
`;

/** relayDelIfEquals: deletes KEYS[1] only while it still holds ARGV[1]. Returns 1 or 0. */
export const DEL_IF_EQUALS_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * relayIncr: INCRBY KEYS[1] by ARGV[1]; when ARGV[2] (ttl ms) is given and the key has no expiry
 * yet (first increment), sets it. Returns the new value.
 */
export const INCR_LUA = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`;

/** relayRaiseTo: SET KEYS[1] to ARGV[1] (KEEPTTL) unless it holds a larger integer. Returns the value held. */
export const RAISE_TO_LUA = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return tonumber(current) end
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
return tonumber(ARGV[1])
`;

/**
 * relayClaimStale: XAUTOCLAIM on KEYS[1] for group ARGV[1], consumer ARGV[2], min idle ARGV[3],
 * count ARGV[4]; then reads each claimed entry's delivery count from XPENDING, so callers get
 * {id, payload, deliveries} triples in one round trip. Field 'p' holds the payload.
 */
export const CLAIM_STALE_LUA = `
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
local out = {}
for _, entry in ipairs(claimed[2]) do
  local id = entry[1]
  local fields = entry[2]
  if fields then
    local payload = ''
    for j = 1, #fields, 2 do
      if fields[j] == 'p' then payload = fields[j + 1] end
    end
    local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    local deliveries = 1
    if pending[1] then deliveries = pending[1][4] end
    table.insert(out, {id, payload, deliveries})
  end
end
return out
`;

/**
 * relayPutSnapshot: KEYS = snapshot json key, published version key; ARGV = version, json.
 * Stores both only when the version is newer than the stored one, so a slow writer holding an
 * older version never overwrites a newer snapshot. Returns 1 when stored.
 */
export const PUT_SNAPSHOT_LUA = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
return 1
`;

/**
 * relayTrimAcknowledged: KEYS[1] = stream. Trims (XTRIM MINID, exact) what every consumer group is
 * done with: each group's bound is its oldest pending entry (XPENDING summary), or the id just past
 * its last-delivered-id when nothing is pending (XINFO GROUPS); the stream keeps everything from the
 * lowest bound on. No groups (or no stream): nothing is trimmed. Returns how many entries went.
 */
export const TRIM_ACKNOWLEDGED_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local minMs, minSeq = nil, nil
for _, g in ipairs(groups) do
  local name, pending, last
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1]
    elseif g[i] == 'pending' then pending = tonumber(g[i + 1])
    elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
  end
  local id, offset = last, 1
  if pending > 0 then
    id = redis.call('XPENDING', KEYS[1], name)[2]
    offset = 0
  end
  local dash = string.find(id, '-', 1, true)
  local ms = tonumber(string.sub(id, 1, dash - 1))
  local seq = tonumber(string.sub(id, dash + 1)) + offset
  if minMs == nil or ms < minMs or (ms == minMs and seq < minSeq) then
    minMs, minSeq = ms, seq
  end
end
return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', minMs, minSeq))
`;
