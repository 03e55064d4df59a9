/** The BRISQUE SVR model and feature range (OpenCV `ml::SVM` + `range` files), parsed once per path. */
import { readFileSync } from 'node:fs';
import { numbers, parseOpenCvYaml, readOpenCvMatrix, type FsMap, type FsValue } from './opencv-yaml.js';

export interface BrisqueModel {
  varCount: number;
  svCount: number;
  /** RBF γ */
  gamma: number;
  rho: number;
  /** svCount × varCount, float32 as OpenCV holds them */
  supportVectors: Float32Array;
  alpha: Float64Array;
  /** per-feature minimum and maximum of the training set (float32) */
  rangeMin: Float32Array;
  rangeMax: Float32Array;
}

const map = (v: FsValue | undefined, what: string): FsMap => {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw new Error(`BRISQUE model: ${what} missing`);
  return v;
};
const num = (v: FsValue | undefined, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`BRISQUE model: ${what} is not a number`);
  return v;
};

export function parseBrisqueModel(modelYaml: string, rangeYaml: string): BrisqueModel {
  const svm = map(parseOpenCvYaml(modelYaml).opencv_ml_svm, 'opencv_ml_svm');
  if (svm.svmType !== 'EPS_SVR' && svm.svmType !== 'NU_SVR')
    throw new Error(`BRISQUE model: svmType ${JSON.stringify(svm.svmType)}, expected a regression SVM`);
  const kernel = map(svm.kernel, 'kernel');
  if (kernel.type !== 'RBF') throw new Error(`BRISQUE model: kernel ${JSON.stringify(kernel.type)}, expected RBF`);
  const varCount = num(svm.var_count, 'var_count');
  const svList = svm.support_vectors;
  if (!Array.isArray(svList)) throw new Error('BRISQUE model: support_vectors missing');
  const svCount = num(svm.sv_total, 'sv_total');
  if (svList.length !== svCount) throw new Error(`BRISQUE model: sv_total ${svCount} but ${svList.length} support vectors`);
  const supportVectors = new Float32Array(svCount * varCount);
  svList.forEach((sv, i) => {
    const v = numbers(sv, `support_vectors[${i}]`);
    if (v.length !== varCount) throw new Error(`BRISQUE model: support vector ${i} has ${v.length} values, expected ${varCount}`);
    supportVectors.set(v, i * varCount);
  });
  const dfs = svm.decision_functions;
  if (!Array.isArray(dfs) || dfs.length !== 1) throw new Error('BRISQUE model: expected exactly one decision function');
  const df = map(dfs[0], 'decision_functions[0]');
  const alphaIn = numbers(df.alpha, 'alpha');
  const count = num(df.sv_count, 'sv_count');
  if (alphaIn.length !== count) throw new Error(`BRISQUE model: sv_count ${count} but ${alphaIn.length} alphas`);
  // a regression function uses every support vector in order unless an index list says otherwise
  const index = df.index === undefined ? undefined : numbers(df.index, 'index');
  const alpha = new Float64Array(svCount);
  for (let i = 0; i < count; i++) {
    const sv = index ? index[i] : i;
    if (!(sv >= 0 && sv < svCount)) throw new Error(`BRISQUE model: support vector index ${sv} out of range`);
    alpha[sv] += alphaIn[i];
  }
  const range = readOpenCvMatrix(parseOpenCvYaml(rangeYaml).range, 'range');
  if (range.rows !== 2 || range.cols !== varCount) throw new Error(`BRISQUE range: ${range.rows}×${range.cols}, expected 2×${varCount}`);
  const rangeMin = Float32Array.from(range.data.subarray(0, varCount));
  const rangeMax = Float32Array.from(range.data.subarray(varCount));
  for (let i = 0; i < varCount; i++) if (!(rangeMax[i] > rangeMin[i])) throw new Error(`BRISQUE range: feature ${i} has max ≤ min`);
  return {
    varCount,
    svCount,
    gamma: num(kernel.gamma, 'kernel.gamma'),
    rho: num(df.rho, 'rho'),
    supportVectors,
    alpha,
    rangeMin,
    rangeMax,
  };
}

const cache = new Map<string, BrisqueModel>();

/** Parses the two files on first use; later calls with the same paths reuse the model. */
export function loadBrisqueModel(modelPath: string, rangePath: string): BrisqueModel {
  const key = `${modelPath}\n${rangePath}`;
  let model = cache.get(key);
  if (!model) {
    model = parseBrisqueModel(readFileSync(modelPath, 'utf8'), readFileSync(rangePath, 'utf8'));
    cache.set(key, model);
  }
  return model;
}
