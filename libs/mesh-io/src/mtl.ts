import type { MeshMaterial, TextureRole } from './mesh-asset.js';

/** One `newmtl` block: the material, and the texture paths it names by role (resolved later, relative to the MTL). */
export interface MtlMaterial {
  material: MeshMaterial;
  maps: Partial<Record<TextureRole, string>>;
}

const MAP_ROLES: Record<string, TextureRole> = {
  map_kd: 'baseColor',
  map_bump: 'normal',
  bump: 'normal',
  norm: 'normal',
  map_ke: 'emissive',
};

/** How many values each texture-map option takes (`-bm 0.5`, `-o u v w`…), so what remains is the file name. */
const OPTION_ARITY: Record<string, number> = {
  '-bm': 1,
  '-blendu': 1,
  '-blendv': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-texres': 1,
  '-type': 1,
};

function mapPath(args: string): string {
  const words = args.split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && words[i].startsWith('-')) {
    const option = words[i++].toLowerCase();
    if (option in OPTION_ARITY) i += OPTION_ARITY[option];
    // -o, -s and -t take one to three numbers
    else while (i < words.length - 1 && /^[-+]?[\d.]/.test(words[i])) i++;
  }
  return words.slice(i).join(' ');
}

/**
 * MTL to glTF-style materials. Convention: Kd is taken as the linear base colour as it stands (no sRGB decoding,
 * as Blender's importer does); `d`, or 1 − `Tr`, is alpha (BLEND below 1); `Pm`/`Pr` (the PBR extension) give
 * metallic and roughness, otherwise 0 and 1; `Ke` is emissive; `illum 0` (colour only) is unlit.
 */
export function parseMtl(text: string): Map<string, MtlMaterial> {
  const materials = new Map<string, MtlMaterial>();
  let current: MtlMaterial | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const space = line.search(/\s/);
    if (!line || line.startsWith('#') || space < 0) continue;
    const keyword = line.slice(0, space).toLowerCase();
    const args = line.slice(space + 1).trim();
    if (keyword === 'newmtl') {
      current = { material: defaultMaterial(args), maps: {} };
      materials.set(args, current);
      continue;
    }
    if (!current) continue;
    const m = current.material;
    const numbers = args.split(/\s+/).map(Number);
    if (keyword === 'kd') m.baseColorFactor = [numbers[0], numbers[1] ?? numbers[0], numbers[2] ?? numbers[0], m.baseColorFactor[3]];
    else if (keyword === 'd') m.baseColorFactor[3] = numbers[0];
    else if (keyword === 'tr') m.baseColorFactor[3] = 1 - numbers[0];
    else if (keyword === 'pm') m.metallicFactor = numbers[0];
    else if (keyword === 'pr') m.roughnessFactor = numbers[0];
    else if (keyword === 'ke') m.emissiveFactor = [numbers[0], numbers[1] ?? numbers[0], numbers[2] ?? numbers[0]];
    else if (keyword === 'illum') m.unlit = numbers[0] === 0;
    else if (keyword in MAP_ROLES) current.maps[MAP_ROLES[keyword]] = mapPath(args);
  }
  for (const { material } of materials.values()) if (material.baseColorFactor[3] < 1) material.alphaMode = 'BLEND';
  return materials;
}

function defaultMaterial(name?: string): MeshMaterial {
  const material: MeshMaterial = {
    baseColorFactor: [1, 1, 1, 1],
    metallicFactor: 0,
    roughnessFactor: 1,
    emissiveFactor: [0, 0, 0],
    textures: {},
    alphaMode: 'OPAQUE',
    doubleSided: false,
    unlit: false,
  };
  if (name !== undefined) material.name = name;
  return material;
}
