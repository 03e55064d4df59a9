export * from './study-keys.js';
export * from './study-store.js';
export { buildGoldItems, buildItems, itemAsset, assetObject, type RunToRate } from './build-items.js';
export { isGoldCorrect, isSwapped, toScreenAnswer, toStudyAnswer, wantsGold } from './answers.js';
export { ASSET_LINK_TTL_MS, signAssetLink, verifyAssetLink, type AssetSlot } from './asset-links.js';
export { raterQuality } from './rater-quality.js';
export { analyzeStudy, type AnalysisOptions } from './analysis/analyze.js';
export { sniffContentType } from './content-type.js';
