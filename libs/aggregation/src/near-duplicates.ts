import type { NearDuplicates, ResultRecord } from '@assay/contracts';

/** The fingerprint compared: the metric `perceptual_hash`'s 64-bit pHash. */
export const NEAR_DUPLICATE_FINGERPRINT = 'perceptual_hash.phash';
/**
 * Largest Hamming distance (of 64 bits) counted as a near-duplicate. A constant, not configuration: the
 * index is split into maxDistance + 1 chunks, so the value in force at a run's first hashed result is
 * pinned in the run (`nd|d`) and a later change only applies to new runs.
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;
/** Index entries one result may examine; beyond, its look-up stops and the result counts as truncated. */
export const NEAR_DUPLICATE_MAX_CANDIDATES = 1000;

export interface NearDuplicateOptions {
  maxDistance?: number;
  maxCandidates?: number;
}

const PHASH = /^[0-9a-f]{16}$/;

/**
 * Lua for the APPLY script, run after its dedupe mark (so once per asset). Multi-index hashing: bits
 * 1–63 are cut into d + 1 disjoint chunks; two hashes within d bits agree on at least one chunk
 * (pigeonhole), so the candidates of a new hash are the distinct hashes filed under any of its chunks,
 * and each is checked exactly. Distinct hashes are filed once with a multiplicity (`h:<hash>`), so copies
 * of one image cost O(1). Lua 5.1 has no 64-bit bit ops: bits and distances come nibble by nibble.
 */
export const NEAR_DUPLICATES_LUA = `
local ND_PAGE = 64
local ND_NIB, ND_BITS, ND_POP = {}, {}, {}
for v = 0, 15 do
  local c = string.byte(string.format('%x', v))
  ND_NIB[c] = v
  ND_BITS[c] = tostring(math.floor(v / 8) % 2) .. math.floor(v / 4) % 2 .. math.floor(v / 2) % 2 .. v % 2
end
for a = 0, 15 do
  for b = 0, 15 do
    local x, y, n = a, b, 0
    for _ = 1, 4 do
      if x % 2 ~= y % 2 then n = n + 1 end
      x, y = math.floor(x / 2), math.floor(y / 2)
    end
    ND_POP[a * 16 + b] = n
  end
end

-- Hamming distance of two 16-hex-digit strings; stops counting past limit
local function nd_distance(a, b, limit)
  local n = 0
  for i = 1, 16 do
    n = n + ND_POP[ND_NIB[string.byte(a, i)] * 16 + ND_NIB[string.byte(b, i)]]
    if n > limit then return n end
  end
  return n
end

-- the index fields of h: chunk i (0-based) is a run of bits as a 0/1 string, widths differ by at most one.
-- Bit 0 (pHash's DC term, 1 in all but black images) is left out: chunks covering the other 63 bits still
-- satisfy the pigeonhole bound, and spread the buckets twice as well.
local function nd_chunks(h, d)
  local bits = {}
  for i = 1, 16 do bits[i] = ND_BITS[string.byte(h, i)] end
  bits = table.concat(bits)
  local k = d + 1
  local base, extra, s, out = math.floor(63 / k), 63 % k, 1, {}
  for i = 0, k - 1 do
    local w = base
    if i < extra then w = w + 1 end
    out[i + 1] = i .. ':' .. string.sub(bits, s + 1, s + w)
    s = s + w
  end
  return out
end

local function nd_apply(mih, agg, h, dDefault, cap)
  redis.call('HSETNX', agg, 'nd|d', dDefault)
  local d = tonumber(redis.call('HGET', agg, 'nd|d'))
  local fields = nd_chunks(h, d)
  local same = tonumber(redis.call('HGET', mih, 'h:' .. h) or '0')
  local seen, matches, scanned, truncated = {}, {}, 0, false
  for i = 1, #fields do
    local left = tonumber(redis.call('HGET', mih, fields[i]) or '0')
    local page = 0
    while left > 0 and not truncated do
      local entries = redis.call('HGET', mih, fields[i] .. ':' .. page)
      for e = 1, #entries, 16 do
        if scanned >= cap then truncated = true break end
        scanned = scanned + 1
        local g = string.sub(entries, e, e + 15)
        if g ~= h and not seen[g] then
          seen[g] = true
          if nd_distance(g, h, d) <= d then matches[#matches + 1] = g end
        end
      end
      left, page = left - ND_PAGE, page + 1
    end
    if truncated then break end
  end
  local npairs, assets = same, 0
  local counts = {}
  for j, g in ipairs(matches) do
    counts[j] = tonumber(redis.call('HGET', mih, 'h:' .. g))
    npairs = npairs + counts[j]
  end
  if npairs > 0 then
    -- m:<hash> set = every asset with that hash is already counted; setting it counts the earlier ones
    assets = 1
    if redis.call('HSETNX', mih, 'm:' .. h, 1) == 1 then assets = assets + same end
    for j, g in ipairs(matches) do
      if redis.call('HSETNX', mih, 'm:' .. g, 1) == 1 then assets = assets + counts[j] end
    end
  end
  if redis.call('HINCRBY', mih, 'h:' .. h, 1) == 1 then
    for i = 1, #fields do
      local n = redis.call('HINCRBY', mih, fields[i], 1)
      local pf = fields[i] .. ':' .. math.floor((n - 1) / ND_PAGE)
      redis.call('HSET', mih, pf, (redis.call('HGET', mih, pf) or '') .. h)
    end
  end
  redis.call('HINCRBY', agg, 'nd|hashed', 1)
  if npairs > 0 then redis.call('HINCRBY', agg, 'nd|pairs', npairs) end
  if assets > 0 then redis.call('HINCRBY', agg, 'nd|assets', assets) end
  if truncated then redis.call('HINCRBY', agg, 'nd|truncated', 1) end
end
`;

/** Validated options: d in 0..15 (16+ chunks of < 4 bits would make nearly every hash a candidate). */
export function nearDuplicateSettings(options: NearDuplicateOptions = {}): { maxDistance: number; maxCandidates: number } {
  const maxDistance = options.maxDistance ?? NEAR_DUPLICATE_MAX_DISTANCE;
  const maxCandidates = options.maxCandidates ?? NEAR_DUPLICATE_MAX_CANDIDATES;
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 15) throw new RangeError(`near-duplicate maxDistance must be an integer in 0..15, got ${maxDistance}`);
  if (!Number.isInteger(maxCandidates) || maxCandidates < 1) throw new RangeError(`near-duplicate maxCandidates must be a positive integer, got ${maxCandidates}`);
  return { maxDistance, maxCandidates };
}

/** APPLY's trailing ARGV: the pHash ('' when the record takes no part), d, the candidate cap. */
export function nearDuplicateArgs(record: ResultRecord, settings: { maxDistance: number; maxCandidates: number }): string[] {
  const h = record.status === 'completed' ? record.fingerprints?.[NEAR_DUPLICATE_FINGERPRINT] : undefined;
  return [h && PHASH.test(h) ? h : '', String(settings.maxDistance), String(settings.maxCandidates)];
}

/** The summary block from the run's `agg` hash. */
export function nearDuplicatesOf(agg: Record<string, string>, defaultMaxDistance: number): NearDuplicates {
  const n = (f: string) => Number(agg[f] ?? 0);
  const hashed = n('nd|hashed');
  const assets = n('nd|assets');
  return {
    fingerprint: NEAR_DUPLICATE_FINGERPRINT,
    maxDistance: agg['nd|d'] === undefined ? defaultMaxDistance : Number(agg['nd|d']),
    pairs: n('nd|pairs'),
    assets,
    hashed,
    rate: hashed ? assets / hashed : null,
    truncated: n('nd|truncated'),
  };
}
