// Throughput of ClipBpeTokenizer.tokenize on prompt-like text (build first: npx tsc -b libs/tokenizers).
// Usage (from the repo root): node libs/tokenizers/scripts/bench.mjs [vocab.gz]
import { ClipBpeTokenizer } from '../dist/index.js';

const vocab = process.argv[2] ?? '../shared/models/clip-bpe/bpe_simple_vocab_16e6.txt.gz';
let t0 = performance.now();
const tok = await ClipBpeTokenizer.load(vocab);
console.log(`load+parse: ${(performance.now() - t0).toFixed(0)} ms`);

// Deterministic prompts: 3–25 words from a mixed pool, some capitalised, some punctuation and unicode.
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const words = (
  'a photo of an astronaut riding horse on mars oil painting portrait cinematic lighting highly detailed ' +
  'trending artstation 4k 8k unreal engine watercolor sketch dog cat tree sunset beach city night neon cyberpunk ' +
  "by greg rutkowski studio ghibli it's don't café naïve résumé 東京 猫 😀 👍🏽 &amp; “quoted” 2024 f/1.8 50mm"
).split(' ');
const make = (n) =>
  Array.from({ length: n }, () => {
    const k = 3 + Math.floor(rand() * 23);
    const word = () => {
      const w = words[Math.floor(rand() * words.length)];
      return rand() < 0.1 ? w.toUpperCase() : w;
    };
    return Array.from({ length: k }, word).join(rand() < 0.2 ? ', ' : ' ');
  });

function run(label, prompts) {
  t0 = performance.now();
  let tokens = 0;
  for (const p of prompts) tokens += tok.tokenize(p).length;
  const s = (performance.now() - t0) / 1000;
  const rate = Math.round(prompts.length / s).toLocaleString('en');
  console.log(
    `${label}: ${prompts.length} prompts in ${(s * 1000).toFixed(0)} ms → ${rate} prompts/s (${(tokens / prompts.length).toFixed(1)} tokens/prompt)`,
  );
}

const prompts = make(100_000);
run('cold (first pass, BPE cache filling)', prompts.slice(0, 20_000));
run('warm', prompts);
run(
  'warm, ASCII only',
  prompts.filter((p) => /^[\x20-\x7e]*$/.test(p)),
);
// every piece unseen: the cost of BPE itself
const unique = Array.from({ length: 20_000 }, (_, i) => `xq${i.toString(36)}zv plorb${(i * 7919).toString(36)} ${i}`);
run('unique words (BPE cache misses)', unique);
