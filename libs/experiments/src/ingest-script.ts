/**
 * The Lua that folds a batch of events into the per-unit and per-asset aggregates. It runs atomically, so a
 * batch and its retry (or an import racing the API with the same events) count each event id once, and the
 * aggregates are sums and minima: the order events arrive in does not matter.
 *
 * KEYS: the experiment hash
 * ARGV: event count, then per event: seen bucket, id digest, unit shard, unit id, variant index, day, type index (1-based), value, asset id ('' for none)
 * → {accepted, duplicates, new units} or {-1, 0, 0} when the experiment is not running
 */
export const INGEST = `
local base = KEYS[1]
if redis.call('HGET', base, 'status') ~= 'running' then return {-1, 0, 0} end
local types = 4
local accepted, duplicates, newUnits = 0, 0, 0
local p = 2
for _ = 1, tonumber(ARGV[1]) do
  local bucket, digest, shard, unit = ARGV[p], ARGV[p + 1], ARGV[p + 2], ARGV[p + 3]
  local v, day, ty, value, asset = tonumber(ARGV[p + 4]), tonumber(ARGV[p + 5]), tonumber(ARGV[p + 6]), tonumber(ARGV[p + 7]), ARGV[p + 8]
  p = p + 9
  if redis.call('HSETNX', base .. ':seen:' .. bucket, digest, 1) == 0 then
    duplicates = duplicates + 1
  else
    accepted = accepted + 1
    local unitKey = base .. ':u:' .. shard
    local raw = redis.call('HGET', unitKey, unit)
    local r
    if raw then
      r = cjson.decode(raw)
      if r[1] >= 0 and r[1] ~= v then
        redis.call('HINCRBY', base, 'n:' .. r[1], -1)
        redis.call('HINCRBY', base, 'crossover', 1)
        r[1] = -1
      end
      if day < r[2] then r[2] = day end
    else
      r = {v, day, 0, 0, 0, 0, 0, 0, 0, 0}
      newUnits = newUnits + 1
      redis.call('HINCRBY', base, 'n:' .. v, 1)
    end
    r[2 + ty] = r[2 + ty] + 1
    r[2 + types + ty] = r[2 + types + ty] + value
    redis.call('HSET', unitKey, unit, cjson.encode(r))
    if asset ~= '' then
      local field = v .. '|' .. asset
      local a = redis.call('HGET', base .. ':assets', field)
      local ar = a and cjson.decode(a) or {0, 0, 0, 0, 0, 0, 0, 0}
      ar[ty] = ar[ty] + 1
      ar[types + ty] = ar[types + ty] + value
      redis.call('HSET', base .. ':assets', field, cjson.encode(ar))
    end
  end
end
redis.call('HINCRBY', base, 'events', accepted)
redis.call('HINCRBY', base, 'duplicates', duplicates)
return {accepted, duplicates, newUnits}
`;
