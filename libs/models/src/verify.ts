import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { LoadedModel, ValueInfo } from '@assay/inference';
import type { ModelManifest } from './manifest.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checkValues(
  kind: 'inputs' | 'outputs',
  declared: ModelManifest['inputs'] | ModelManifest['outputs'],
  graph: ValueInfo[],
): string[] {
  const problems: string[] = [];
  declared.forEach((d, i) => {
    const g = graph.find((v) => v.name === d.name);
    const at = `${kind}[${i}]`;
    if (!g) {
      problems.push(
        `${at}.name: the graph has no ${kind === 'inputs' ? 'input' : 'output'} "${d.name}" (it has ${graph.map((v) => `"${v.name}"`).join(', ')})`,
      );
      return;
    }
    if (g.type && g.type !== d.dtype) problems.push(`${at}.dtype: manifest says ${d.dtype}, the graph has ${g.type}`);
    if (g.shape) {
      if (g.shape.length !== d.shape.length) problems.push(`${at}.shape: manifest has rank ${d.shape.length}, the graph ${g.shape.length}`);
      else {
        d.shape.forEach((dim, k) => {
          const gd = g.shape![k];
          if (typeof dim === 'number' && typeof gd === 'number' && dim !== gd)
            problems.push(`${at}.shape[${k}]: manifest says ${dim}, the graph ${gd}`);
        });
      }
    }
  });
  if (kind === 'inputs') {
    for (const g of graph)
      if (!declared.some((d) => d.name === g.name))
        problems.push(`inputs: the graph's input "${g.name}" is not described, so nothing would feed it`);
  }
  return problems;
}

/** The manifest against the graph ONNX Runtime loaded: every described tensor exists with that dtype and shape. */
export function checkSignature(manifest: ModelManifest, loaded: LoadedModel): string[] {
  return [...checkValues('inputs', manifest.inputs, loaded.inputs), ...checkValues('outputs', manifest.outputs, loaded.outputs)];
}
