import type { NearDuplicates, ResultRecord } from '@assay/contracts';

/** The fingerprint compared: the metric `perceptual_hash`'s 64-bit pHash. */
export const NEAR_DUPLICATE_FINGERPRINT = 'perceptual_hash.phash';
/**
 * Largest Hamming distance (of 64 bits) counted as a near-duplicate. A constant, not configuration: the
 * index layout is derived from it, so the value in force at a run's first hashed result is pinned in the
 * run (`nd|d`, with the layout) and a later change only applies to new runs.
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;
/** Index entries one result may examine; beyond, its look-up stops and the result counts as truncated. */
export const NEAR_DUPLICATE_MAX_CANDIDATES = 1000;
/**
 * Target chunk width. Norouzi et al. pick chunks of about log2(n) bits, so a bucket holds about one hash:
 * 16 suits runs of 10^4–10^6 hashes. Bits 1–63 then make at most ceil(63 / 16) = 4 chunks.
 */
const CHUNK_BITS = 16;
const MAX_CHUNKS = Math.ceil(63 / CHUNK_BITS);

// Lookup tables as Lua literals: the script body runs on every APPLY, and building them in loops cost
// about 0.1 ms per result.
const HEX = [...'0123456789abcdef'];
const NIB = HEX.map((c, v) => `[${c.charCodeAt(0)}] = ${v}`).join(', ');
const BITS = HEX.map((c, v) => `[${c.charCodeAt(0)}] = '${v.toString(2).padStart(4, '0')}'`).join(', ');
const POP = Array.from({ length: 256 }, (_, i) => ((i >> 4) ^ (i & 15)).toString(2).replaceAll('0', '').length);
const POP_LUA = `[0] = ${POP[0]}, ${POP.slice(1).join(', ')}`;

export interface NearDuplicateOptions {
  maxDistance?: number;
  maxCandidates?: number;
}

const PHASH = /^[0-9a-f]{16}$/;

/**
 * Lua for the APPLY script, run after its dedupe mark (so once per asset). Multi-index hashing with
 * substitution (Norouzi, Punjani & Fleet, CVPR 2012): bits 1–63 are cut into m disjoint chunks,
 * m = min(d + 1, 4), and r = floor(d / m). Two hashes within d bits have some chunk within r bits
 * (pigeonhole: m chunks each r + 1 apart make m·(r + 1) > d), so the candidates of a new hash are the
 * distinct hashes filed under any bucket within r bits of one of its chunks, and each is checked exactly.
 * Distinct hashes are filed once with a multiplicity (`h:<hash>`), so copies of one image cost O(1).
 * Lua 5.1 has no 64-bit bit ops: bits and distances come nibble by nibble.
 */
export const NEAR_DUPLICATES_LUA = `
local ND_PAGE = 64
local ND_MAX_CHUNKS = ${MAX_CHUNKS}
-- byte of a hex digit → its value, its 4 bits; ND_POP[a * 16 + b] = popcount(a xor b)
local ND_NIB = {${NIB}}
local ND_BITS = {${BITS}}
local ND_POP = {${POP_LUA}}

-- Hamming distance of two 16-hex-digit strings; stops counting past limit
local function nd_distance(a, b, limit)
  local n = 0
  for i = 1, 16 do
    n = n + ND_POP[ND_NIB[string.byte(a, i)] * 16 + ND_NIB[string.byte(b, i)]]
    if n > limit then return n end
  end
  return n
end

-- The run's layout from its pinned 'd:m:r'. A bare 'd' was pinned before chunks were probed within r
-- bits: that index has d + 1 chunks looked up exactly (r = 0), and the run keeps it. nil = unknown.
local function nd_layout(pinned)
  local d, m, r = string.match(pinned, '^(%d+):(%d+):(%d+)$')
  if d then return tonumber(d), tonumber(m), tonumber(r) end
  d = tonumber(string.match(pinned, '^(%d+)$'))
  if d then return d, d + 1, 0 end
  return nil
end

-- h's m chunks as 0/1 strings, widths differing by at most one (wider first). Bit 0 (pHash's DC term,
-- 1 in all but black images) is left out: chunks over the other 63 bits keep the pigeonhole bound and
-- spread the buckets twice as well.
local function nd_chunks(h, m)
  local bits = {}
  for i = 1, 16 do bits[i] = ND_BITS[string.byte(h, i)] end
  bits = table.concat(bits)
  local base, extra, s, out = math.floor(63 / m), 63 % m, 1, {}
  for i = 0, m - 1 do
    local w = base
    if i < extra then w = w + 1 end
    out[i + 1] = string.sub(bits, s + 1, s + w)
    s = s + w
  end
  return out
end

-- Bucket fields '<chunk>:<bits>' within r bits of each chunk, nearest first (every chunk exact, then
-- 1 bit off, …), so a capped look-up has examined the likeliest partners. The first m are h's own buckets.
-- Each probe is built by one concatenation from cached tails: at r = 3 (2 667 probes) string building
-- dominates the look-up.
local ND_FLIP = {[48] = '1', [49] = '0'}
local function nd_probes(chunks, r)
  local out, tails, flips = {}, {}, {}
  for i, bits in ipairs(chunks) do
    out[i] = (i - 1) .. ':' .. bits
    tails[i], flips[i] = {}, {}
    if r > 0 then
      for p = 1, #bits do tails[i][p], flips[i][p] = string.sub(bits, p + 1), ND_FLIP[string.byte(bits, p)] end
    end
  end
  for k = 1, r do
    for i, bits in ipairs(chunks) do
      local tail, flip = tails[i], flips[i]
      -- flips k positions after 'last' into acc, the field so far
      local function walk(acc, last, left)
        for p = last + 1, #bits - left + 1 do
          if left == 1 then out[#out + 1] = acc .. string.sub(bits, last + 1, p - 1) .. flip[p] .. tail[p]
          else walk(acc .. string.sub(bits, last + 1, p - 1) .. flip[p], p, left - 1) end
        end
      end
      walk((i - 1) .. ':', 0, k)
    end
  end
  return out
end

local function nd_apply(mih, agg, h, dDefault, cap)
  local dd = tonumber(dDefault)
  local mm = math.min(dd + 1, ND_MAX_CHUNKS)
  redis.call('HSETNX', agg, 'nd|d', dd .. ':' .. mm .. ':' .. math.floor(dd / mm))
  local d, m, r = nd_layout(redis.call('HGET', agg, 'nd|d'))
  redis.call('HINCRBY', agg, 'nd|hashed', 1)
  if not d then
    -- pinned by a later layout this code cannot read: never mix layouts; undercount, visibly
    redis.call('HINCRBY', agg, 'nd|truncated', 1)
    return
  end
  local probes = nd_probes(nd_chunks(h, m), r)
  local same = tonumber(redis.call('HGET', mih, 'h:' .. h) or '0')
  local seen, matches, scanned, truncated = {}, {}, 0, false
  -- sizes, then the first pages of the non-empty buckets, by HMGET in batches (unpack's stack limit):
  -- two calls per 256 probes instead of up to two per probe
  for b = 1, #probes, 256 do
    local batch = {unpack(probes, b, math.min(b + 255, #probes))}
    local sizes = redis.call('HMGET', mih, unpack(batch))
    local used, firsts = {}, {}
    for j = 1, #sizes do
      if sizes[j] then used[#used + 1], firsts[#firsts + 1] = j, batch[j] .. ':0' end
    end
    local pages = #firsts > 0 and redis.call('HMGET', mih, unpack(firsts)) or {}
    for x, j in ipairs(used) do
      local left, page, entries = tonumber(sizes[j]), 0, pages[x]
      while true do
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
        if truncated or left <= 0 then break end
        entries = redis.call('HGET', mih, batch[j] .. ':' .. page)
      end
      if truncated then break end
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
    -- filed under its m exact buckets: the first m probes
    for i = 1, m do
      local n = redis.call('HINCRBY', mih, probes[i], 1)
      local pf = probes[i] .. ':' .. math.floor((n - 1) / ND_PAGE)
      redis.call('HSET', mih, pf, (redis.call('HGET', mih, pf) or '') .. h)
    end
  end
  if npairs > 0 then redis.call('HINCRBY', agg, 'nd|pairs', npairs) end
  if assets > 0 then redis.call('HINCRBY', agg, 'nd|assets', assets) end
  if truncated then redis.call('HINCRBY', agg, 'nd|truncated', 1) end
end
`;

/**
 * Validated options: d in 0..15. Per result, d = 4–7 probes 67 buckets, 8–11 probes 532 and 12–15 probes
 * 2 667, and random hashes fill the cap at about 790 000, 100 000 and 20 000 hashes; wider d would need
 * a different layout.
 */
export function nearDuplicateSettings(options: NearDuplicateOptions = {}): { maxDistance: number; maxCandidates: number } {
  const maxDistance = options.maxDistance ?? NEAR_DUPLICATE_MAX_DISTANCE;
  const maxCandidates = options.maxCandidates ?? NEAR_DUPLICATE_MAX_CANDIDATES;
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 15)
    throw new RangeError(`near-duplicate maxDistance must be an integer in 0..15, got ${maxDistance}`);
  if (!Number.isInteger(maxCandidates) || maxCandidates < 1)
    throw new RangeError(`near-duplicate maxCandidates must be a positive integer, got ${maxCandidates}`);
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
    // pinned as 'd:m:r' ('d' before the layout was pinned too)
    maxDistance: agg['nd|d'] === undefined ? defaultMaxDistance : Number.parseInt(agg['nd|d'], 10),
    pairs: n('nd|pairs'),
    assets,
    hashed,
    rate: hashed ? assets / hashed : null,
    truncated: n('nd|truncated'),
  };
}
