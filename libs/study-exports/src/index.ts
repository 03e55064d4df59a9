export * from './context.js';
export * from './jsonl.js';
export * from './rlhf-pairs.js';
