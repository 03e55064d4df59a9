import { defineMetric, MetricNotApplicable } from '../../metric.js';

/** Issue codes listed in the outcome's details, most frequent first. */
const LISTED_CODES = 20;

/**
 * The Khronos glTF-Validator's report (run by the reader on every glTF and GLB before parsing): issues by
 * severity. A file with errors is still read when it can be, so the other 3D metrics still score it.
 */
export default defineMetric({
  name: 'gltf_validation',
  version: '1.0.0',
  modality: '3d',
  description: 'Khronos glTF-Validator report of a glTF or GLB asset: errors, warnings and infos, by issue code in the details.',
  scores: [
    { key: 'valid', description: '1 when the validator reports no error, else 0', range: [0, 1], direction: 'higher' },
    {
      key: 'errors',
      description: 'issues of severity error (the file breaks the glTF 2.0 specification)',
      range: [0, null],
      direction: 'lower',
    },
    { key: 'warnings', description: 'issues of severity warning (legal but likely wrong)', range: [0, null], direction: 'lower' },
    { key: 'infos', description: 'issues of severity info (e.g. unused objects)', range: [0, null], direction: 'none' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ asset }) {
    const v = asset.validation;
    if (!v) throw new MetricNotApplicable(`the glTF validator reads glTF and GLB; this asset is ${asset.format.toUpperCase()}`);
    const codes = Object.entries(v.byCode)
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, LISTED_CODES)
      .map(([code, { severity, count }]) => ({ code, severity, count }));
    return {
      scores: { valid: v.errors === 0 ? 1 : 0, errors: v.errors, warnings: v.warnings, infos: v.infos },
      details: { validator: v.validatorVersion, hints: v.hints, codes, ...(v.truncated ? { truncated: true } : {}) },
    };
  },
});
