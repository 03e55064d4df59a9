import validator from 'gltf-validator';
import type { GltfValidation } from './mesh-asset.js';

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const;
/** enough to summarise a badly broken asset without the report growing with every bad index */
const MAX_ISSUES = 1000;

export interface ValidatorRun {
  validation: GltfValidation;
  /** the first errors as "CODE at pointer: message", for an unreadable asset's message */
  firstErrors: string[];
}

/**
 * The Khronos glTF-Validator on the asset's bytes. It asks for external resources through the resources
 * already resolved inside the asset, never the network or the filesystem.
 */
export async function validateGltf(
  bytes: Uint8Array,
  format: 'glb' | 'gltf',
  filename: string,
  resources: Record<string, Uint8Array>,
): Promise<ValidatorRun> {
  const report = await validator.validateBytes(bytes, {
    uri: filename,
    format,
    maxIssues: MAX_ISSUES,
    externalResourceFunction: (uri) => {
      const found = resources[uri] ?? resources[decodeURIComponent(uri)];
      return found ? Promise.resolve(found) : Promise.reject(new Error(`${uri} is not part of the asset`));
    },
  });
  const { issues } = report;
  const byCode: GltfValidation['byCode'] = {};
  for (const message of issues.messages) {
    const entry = (byCode[message.code] ??= { severity: SEVERITY[message.severity], count: 0 });
    entry.count++;
  }
  return {
    validation: {
      validatorVersion: report.validatorVersion,
      errors: issues.numErrors,
      warnings: issues.numWarnings,
      infos: issues.numInfos,
      hints: issues.numHints,
      byCode,
      truncated: issues.truncated,
    },
    firstErrors: issues.messages
      .filter((m) => m.severity === 0)
      .slice(0, 3)
      .map((m) => `${m.code}${m.pointer ? ` at ${m.pointer}` : ''}: ${m.message}`),
  };
}
