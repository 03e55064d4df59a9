export { ClipBpeTokenizer, CLIP_CONTEXT_LENGTH, toInt64, attentionMask } from './clip-bpe.js';
export type { TokenizeOptions, TokenizedPrompt, TokenizedBatch } from './clip-bpe.js';
export { cleanText, basicClean, whitespaceClean, pyStrip } from './clean.js';
export { fixText, ftfyUnescapeHtml } from './fix-text.js';
export { htmlUnescape } from './html-unescape.js';
export { pretokenize } from './pretokenize.js';
export { MERGE_COUNT, START_OF_TEXT, END_OF_TEXT } from './vocab.js';
