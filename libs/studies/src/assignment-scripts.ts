/**
 * The Lua behind task assignment. Each runs atomically, so two raters asking at once never push an item past
 * `ratersPerItem`, a resubmitted answer is counted once, and an answer racing an undo or a lease expiry either
 * lands on the rater's open assignment or is refused.
 */

/** Releases expired leases: the item goes back to the pool and may be served to anyone, that rater included. */
const RELEASE_EXPIRED = `
local function release(id)
  local a = redis.call('HGET', KEYS_ASG, id)
  redis.call('ZREM', KEYS_LEASES, id)
  if not a then return end
  local item, rater = string.match(a, '^(.-)|(.-)|')
  if redis.call('HGET', KEYS_CURRENT, rater) == id then redis.call('HDEL', KEYS_CURRENT, rater) end
  if redis.call('ZSCORE', KEYS_NEED, item) then redis.call('ZINCRBY', KEYS_NEED, -1, item) end
  redis.call('SREM', SEEN_PREFIX .. rater, item)
  redis.call('HDEL', KEYS_ASG, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS_LEASES, '-inf', NOW)) do release(id) end
`;

/**
 * KEYS: study, need, gold, current, assignments, leases, seen(rater)
 * ARGV: rater, ratersPerItem, now, leaseMs, new assignment id, want gold (0|1), a random integer, seen prefix
 * → {'closed'} | {'current', id, item} | {'new', id, item} | {'done'}
 */
export const ASSIGN = `
local KEYS_NEED, KEYS_CURRENT, KEYS_ASG, KEYS_LEASES = KEYS[2], KEYS[4], KEYS[5], KEYS[6]
local NOW, SEEN_PREFIX = tonumber(ARGV[3]), ARGV[8]
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {'closed'} end
${RELEASE_EXPIRED}
local cur = redis.call('HGET', KEYS[4], ARGV[1])
if cur then
  local a = redis.call('HGET', KEYS[5], cur)
  return {'current', cur, string.match(a, '^(.-)|')}
end
local pick = nil
if ARGV[6] == '1' then
  local unseen = redis.call('SDIFF', KEYS[3], KEYS[7])
  if #unseen > 0 then
    table.sort(unseen)
    pick = unseen[1 + (tonumber(ARGV[7]) % #unseen)]
  end
end
if not pick then
  local offset = 0
  local cap = tonumber(ARGV[2]) - 1
  while not pick do
    local batch = redis.call('ZRANGEBYSCORE', KEYS[2], 0, cap, 'LIMIT', offset, 256)
    if #batch == 0 then break end
    for _, item in ipairs(batch) do
      if redis.call('SISMEMBER', KEYS[7], item) == 0 then pick = item break end
    end
    offset = offset + #batch
  end
  if pick then redis.call('ZINCRBY', KEYS[2], 1, pick) end
end
if not pick then return {'done'} end
redis.call('SADD', KEYS[7], pick)
redis.call('HSET', KEYS[5], ARGV[5], pick .. '|' .. ARGV[1] .. '|' .. ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
redis.call('ZADD', KEYS[6], NOW + tonumber(ARGV[4]), ARGV[5])
return {'new', ARGV[5], pick}
`;

/**
 * KEYS: study, current, assignments, leases, answers, history(rater), answered
 * ARGV: rater, assignment id, answer JSON, item id the answer was built for
 * → {'closed'} | {'unassigned'} | {'duplicate'} | {'ok'}
 */
export const ANSWER = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {'closed'} end
local a = redis.call('HGET', KEYS[3], ARGV[2])
if not a then return {'unassigned'} end
local item, rater = string.match(a, '^(.-)|(.-)|')
if rater ~= ARGV[1] or item ~= ARGV[4] then return {'unassigned'} end
local field = item .. '|' .. rater
local existing = redis.call('HGET', KEYS[5], field)
if existing and cjson.decode(existing).assignmentId == ARGV[2] then return {'duplicate'} end
if redis.call('HGET', KEYS[2], rater) ~= ARGV[2] then return {'unassigned'} end
redis.call('HSET', KEYS[5], field, ARGV[3])
redis.call('HDEL', KEYS[2], rater)
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('RPUSH', KEYS[6], ARGV[2])
redis.call('HINCRBY', KEYS[7], rater, 1)
return {'ok'}
`;

/**
 * Reopens the rater's last answered task: its answer is withdrawn (it no longer counts) and the task they had
 * open instead goes back to the pool.
 * KEYS: study, current, assignments, leases, answers, history(rater), answered, need, seen(rater)
 * ARGV: rater, now, leaseMs
 * → {'closed'} | {'nothing'} | {'ok', id, item, previous answer JSON}
 */
export const UNDO = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {'closed'} end
local last = redis.call('RPOP', KEYS[6])
if not last then return {'nothing'} end
local a = redis.call('HGET', KEYS[3], last)
local item = string.match(a, '^(.-)|')
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur then
  local ca = redis.call('HGET', KEYS[3], cur)
  local citem = string.match(ca, '^(.-)|')
  redis.call('ZREM', KEYS[4], cur)
  redis.call('HDEL', KEYS[3], cur)
  redis.call('SREM', KEYS[9], citem)
  if redis.call('ZSCORE', KEYS[8], citem) then redis.call('ZINCRBY', KEYS[8], -1, citem) end
end
local field = item .. '|' .. ARGV[1]
local previous = redis.call('HGET', KEYS[5], field) or ''
redis.call('HDEL', KEYS[5], field)
redis.call('HINCRBY', KEYS[7], ARGV[1], -1)
redis.call('HSET', KEYS[2], ARGV[1], last)
redis.call('ZADD', KEYS[4], tonumber(ARGV[2]) + tonumber(ARGV[3]), last)
return {'ok', last, item, previous}
`;

/**
 * Imported answers (Label Studio): one per (item, rater), replacing an earlier import of the same pair; a new
 * pair on a regular item counts toward its raters, so the app does not over-assign it.
 * KEYS: study, answers, answered, need
 * ARGV: triples of field, answer JSON, rater
 * → {added, replaced}
 */
export const IMPORT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {-1, 0} end
local added, replaced = 0, 0
for i = 1, #ARGV, 3 do
  local item = string.match(ARGV[i], '^(.-)|')
  if redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    added = added + 1
    redis.call('HINCRBY', KEYS[3], ARGV[i + 2], 1)
    if redis.call('ZSCORE', KEYS[4], item) then redis.call('ZINCRBY', KEYS[4], 1, item) end
  else
    replaced = replaced + 1
  end
end
return {added, replaced}
`;
