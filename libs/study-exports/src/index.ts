export * from './context.js';
export * from './jsonl.js';
export * from './rlhf-pairs.js';
export * from './label-studio-export.js';
export * from './label-studio-import.js';
export * from './golden-set.js';
