export * from './mesh-asset.js';
export { DEFAULT_MESH_LIMITS, type MeshLimits } from './limits.js';
export { detectMeshFormat } from './detect-format.js';
export { parseMesh, type ReadMeshOptions } from './parse-mesh.js';
export { readMesh } from './read-mesh.js';
export { MESH_READER } from './reader-info.js';
export { finiteBox, type Box } from './finite-box.js';
