/* global document, createImageBitmap */
// Runs in chromium, served by MeshRenderer from a fake origin: `three` resolves through the page's import map to
// the copy in node_modules. Builds the scene the payload describes and returns each view as a PNG data URL.
import * as THREE from 'three';
import { RoomEnvironment } from 'three/examples/jsm/environments/RoomEnvironment.js';

/** Thrown to Node with a prefix it maps onto MeshRenderError('webgl_unavailable'). */
const WEBGL_UNAVAILABLE = 'assay-render:webgl_unavailable:';

export async function render(payload) {
  const canvas = document.createElement('canvas');
  let renderer;
  try {
    // deterministic pixels: no clock, no randomness, the drawing buffer kept for toDataURL
    renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true, powerPreference: 'low-power' });
  } catch (err) {
    throw new Error(WEBGL_UNAVAILABLE + String(err?.message ?? err));
  }
  renderer.setPixelRatio(1);
  renderer.setSize(payload.size, payload.size, false);
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  // neutral keeps base colours recognisable (ACES shifts hues), which colour and texture metrics compare against
  renderer.toneMapping = THREE.NeutralToneMapping;
  renderer.setClearColor(new THREE.Color(payload.background), 1);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(payload.background);
  const pmrem = new THREE.PMREMGenerator(renderer);
  const room = new RoomEnvironment();
  scene.environment = pmrem.fromScene(room, 0.04).texture;
  room.dispose();
  pmrem.dispose();

  const [geometry, textures] = await Promise.all([fetchGeometry(), fetchTextures(payload.textures)]);
  const materials = payload.materials.map((m) => standardMaterial(m, textures));
  const fallback = standardMaterial(null, textures);
  for (const p of payload.primitives)
    scene.add(drawable(p, geometry, p.material === undefined ? fallback : (materials[p.material] ?? fallback), payload.size));

  const { camera: turntable } = payload;
  const camera = new THREE.PerspectiveCamera(turntable.fovDeg, 1, turntable.near, turntable.far);
  // the key light rides with the camera so every azimuth is lit alike
  const key = new THREE.DirectionalLight(0xffffff, 0.6);
  key.position.set(0.5, 1, 1);
  camera.add(key);
  scene.add(camera);

  const views = [];
  for (const pose of turntable.poses) {
    camera.position.set(...pose.position);
    camera.lookAt(...turntable.target);
    camera.updateMatrixWorld();
    renderer.render(scene, camera);
    views.push(canvas.toDataURL('image/png'));
  }
  renderer.dispose();
  renderer.forceContextLoss();
  return views;
}

async function fetchGeometry() {
  const response = await fetch('/geometry');
  if (!response.ok) throw new Error(`geometry: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Decoded textures by asset index; one the browser cannot decode is left out (the material keeps its factors). */
async function fetchTextures(indices) {
  const textures = new Map();
  await Promise.all(
    indices.map(async (index) => {
      try {
        const blob = await (await fetch(`/textures/${index}`)).blob();
        // glTF's uv origin is the image's top left: no flip, and the bytes as stored (no premultiply, no colour conversion)
        const bitmap = await createImageBitmap(blob, { imageOrientation: 'none', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        const texture = new THREE.Texture(bitmap);
        texture.flipY = false;
        texture.wrapS = texture.wrapT = THREE.RepeatWrapping;
        texture.anisotropy = 4;
        texture.needsUpdate = true;
        textures.set(index, texture);
      } catch {
        // skipped: the material's factors still apply
      }
    }),
  );
  return textures;
}

function colorMap(texture) {
  if (!texture) return null;
  const copy = texture.clone();
  copy.colorSpace = THREE.SRGBColorSpace;
  return copy;
}

/** MeshStandardMaterial as glTF's metallic-roughness, MeshBasicMaterial when unlit; a light grey for a primitive without one. */
function standardMaterial(m, textures) {
  if (!m) {
    const grey = new THREE.MeshStandardMaterial({ color: 0xbbbbbb, roughness: 0.6, metalness: 0 });
    grey.userData.unassigned = true;
    return grey;
  }
  const map = (role) => (m.maps[role] === undefined ? null : (textures.get(m.maps[role]) ?? null));
  const [r, g, b, a] = m.baseColorFactor;
  const common = {
    color: new THREE.Color().setRGB(r, g, b, THREE.LinearSRGBColorSpace),
    opacity: a,
    map: colorMap(map('baseColor')),
    side: m.doubleSided ? THREE.DoubleSide : THREE.FrontSide,
    transparent: m.alphaMode === 'BLEND',
    depthWrite: m.alphaMode !== 'BLEND',
    alphaTest: m.alphaMode === 'MASK' ? 0.5 : 0,
  };
  if (m.unlit) return new THREE.MeshBasicMaterial(common);
  const metallicRoughness = map('metallicRoughness');
  const normal = map('normal');
  return new THREE.MeshStandardMaterial({
    ...common,
    metalness: m.metallicFactor,
    roughness: m.roughnessFactor,
    // glTF: roughness in G, metalness in B, which is where three reads them
    roughnessMap: metallicRoughness,
    metalnessMap: metallicRoughness,
    normalMap: normal,
    // no tangents reach the page: three derives them, and with glTF's unflipped uvs green points the other way
    normalScale: new THREE.Vector2(1, -1),
    aoMap: map('occlusion'),
    emissive: new THREE.Color().setRGB(...m.emissiveFactor, THREE.LinearSRGBColorSpace),
    emissiveMap: colorMap(map('emissive')),
  });
}

function drawable(p, buffer, material, viewSize) {
  const geometry = new THREE.BufferGeometry();
  const floats = (s, size) => new THREE.BufferAttribute(new Float32Array(buffer, s.offset, s.length), size);
  geometry.setAttribute('position', floats(p.positions, 3));
  geometry.setIndex(new THREE.BufferAttribute(new Uint32Array(buffer, p.indices.offset, p.indices.length), 1));
  if (p.uvs) geometry.setAttribute('uv', floats(p.uvs, 2));
  if (p.colors) geometry.setAttribute('color', floats(p.colors, 4));
  const vertexColors = Boolean(p.colors);
  // glTF multiplies vertex colours by the base colour; without a material (PLY) they are the colour
  const color = vertexColors && material.userData.unassigned ? new THREE.Color(1, 1, 1) : material.color;
  if (p.mode === 'lines') return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color, vertexColors }));
  if (p.mode === 'points')
    return new THREE.Points(geometry, new THREE.PointsMaterial({ color, vertexColors, size: pointSize(viewSize), sizeAttenuation: false }));
  if (p.normals) geometry.setAttribute('normal', floats(p.normals, 3));
  else geometry.computeVertexNormals();
  if (!vertexColors) return new THREE.Mesh(geometry, material);
  const colored = material.clone();
  colored.vertexColors = true;
  colored.color.copy(color);
  return new THREE.Mesh(geometry, colored);
}

/** Points in pixels: 4 at 512², so a point cloud stays visible in the views and on a contact sheet. */
function pointSize(viewSize) {
  return Math.max(2, Math.round(viewSize / 128));
}
