"""Reference values for @assay/mesh-analysis's topology and geometry (test/parity/mesh-topology.parity.test.ts).

Reads the triangle soups the test wrote (<name>.f32: xyz float32 per vertex, unwelded as the readers return them;
<name>.u32: 3 uint32 per triangle) and prints one JSON object: per case, what trimesh and Open3D say.

Conventions matched to @assay/mesh-analysis (whose weld is by position, and which leaves faces naming one welded
vertex twice out of the edge map):
- trimesh: Trimesh(vertices, faces, process=True) merges vertices by position (rounded to 1e-8); then the faces
  with a repeated vertex are dropped and unreferenced vertices removed (body_count counts every vertex).
- Open3D: remove_duplicated_vertices() (exact positions), remove_degenerate_triangles() (a repeated vertex),
  remove_unreferenced_vertices() (euler_poincare_characteristic counts every vertex).

Usage: mesh_topology_reference.py <dir>   (reads <dir>/cases.json: a list of case names)
"""
import json
import os
import sys

import numpy as np
import open3d as o3d
import trimesh


def soup(d, name):
    v = np.fromfile(os.path.join(d, name + '.f32'), dtype='<f4').astype(np.float64).reshape(-1, 3)
    f = np.fromfile(os.path.join(d, name + '.u32'), dtype='<u4').astype(np.int64).reshape(-1, 3)
    return v, f


def edge_counts(faces):
    edges = np.sort(faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return int((counts == 1).sum()), int((counts > 2).sum())


def with_trimesh(v, f):
    m = trimesh.Trimesh(vertices=v, faces=f, process=True)
    fc = m.faces
    keep = (fc[:, 0] != fc[:, 1]) & (fc[:, 1] != fc[:, 2]) & (fc[:, 0] != fc[:, 2])
    m.update_faces(keep)
    m.remove_unreferenced_vertices()
    boundary, non_manifold = edge_counts(m.faces)
    return {
        'vertices': len(m.vertices),
        'faces': len(m.faces),
        'edges': len(m.edges_unique),
        'is_watertight': bool(m.is_watertight),
        'is_winding_consistent': bool(m.is_winding_consistent),
        'euler_number': int(m.euler_number),
        'body_count': int(m.body_count),
        'boundary_edges': boundary,
        'non_manifold_edges': non_manifold,
        'area': float(m.area),
        'volume': float(m.volume),
    }


def with_open3d(v, f):
    m = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(v), o3d.utility.Vector3iVector(f.astype(np.int32)))
    m.remove_duplicated_vertices()
    m.remove_degenerate_triangles()
    m.remove_unreferenced_vertices()
    non_manifold = len(m.get_non_manifold_edges(allow_boundary_edges=True))
    with_boundary = len(m.get_non_manifold_edges(allow_boundary_edges=False))
    clusters, _, _ = m.cluster_connected_triangles()
    # Open3D tests every pair of faces: skipped beyond 20 000 faces (2CylinderEngine would take minutes)
    pairs = m.get_self_intersecting_triangles() if len(m.triangles) <= 20000 else None
    watertight = bool(m.is_watertight()) if pairs is not None or not m.is_edge_manifold(False) else None
    return {
        'vertices': len(m.vertices),
        'faces': len(m.triangles),
        'is_edge_manifold': bool(m.is_edge_manifold(allow_boundary_edges=True)),
        'is_vertex_manifold': bool(m.is_vertex_manifold()),
        'non_manifold_vertices': len(m.get_non_manifold_vertices()),
        'is_watertight': watertight,
        'self_intersecting_pairs': len(pairs) if pairs is not None else None,
        'is_orientable': bool(m.is_orientable()),
        'euler_poincare_characteristic': int(m.euler_poincare_characteristic()),
        'non_manifold_edges': non_manifold,
        'boundary_edges': with_boundary - non_manifold,
        'clusters': int(len(set(np.asarray(clusters).tolist()))),
        'area': float(m.get_surface_area()),
        # get_volume refuses a mesh that is not watertight
        'volume': float(m.get_volume()) if watertight else None,
    }


def main():
    # Open3D prints its warnings on stdout, where the JSON goes (e.g. about a GLB's triangle UVs)
    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)
    d = sys.argv[1]
    names = json.load(open(os.path.join(d, 'cases.json')))
    out = {'versions': {'trimesh': trimesh.__version__, 'open3d': o3d.__version__, 'numpy': np.__version__}, 'cases': {}}
    for name in names:
        v, f = soup(d, name)
        out['cases'][name] = {'trimesh': with_trimesh(v, f), 'open3d': with_open3d(v, f)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
