"""Reference timings for npm run bench:3d (test/bench/mesh.bench.ts): trimesh and Open3D on the same GLB and STL files.

Per file, medians of <rounds> (seconds → ms, perf_counter inside Python, interpreter start excluded):
- trimesh load: trimesh.load(path, force='mesh') (its reader, process=True: merges vertices by position);
- trimesh topology: Trimesh(vertices, faces, process=True) from the file's vertices and faces as stored (the merge,
  as ours welds),
  then is_watertight, is_winding_consistent, euler_number, body_count (a fresh mesh each round: trimesh caches);
- Open3D load: read_triangle_mesh;
- Open3D topology: remove_duplicated_vertices, remove_degenerate_triangles, remove_unreferenced_vertices (ours'
  conventions), get_non_manifold_edges (with and without boundary edges),
  is_vertex_manifold, is_orientable, euler_poincare_characteristic, cluster_connected_triangles (not
  is_watertight: its self-intersection test is quadratic).
Also trimesh's topology numbers (untimed, after dropping faces with a repeated vertex as ours does), to print
beside ours.

Usage: mesh_reference.py <rounds> <file.glb|file.stl>...
"""
import json
import statistics
import sys
import time

import numpy as np
import open3d as o3d
import trimesh


def timed(rounds, fn):
    times = []
    value = None
    for _ in range(rounds):
        t = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), value


def trimesh_topology(v, f, clean=False):
    m = trimesh.Trimesh(vertices=v, faces=f, process=True)
    if clean:
        # ours leaves faces with a repeated (welded) vertex out: the same faces dropped, for comparable numbers
        fc = m.faces
        m.update_faces((fc[:, 0] != fc[:, 1]) & (fc[:, 1] != fc[:, 2]) & (fc[:, 0] != fc[:, 2]))
        m.remove_unreferenced_vertices()
    return {'watertight': bool(m.is_watertight), 'winding_consistent': bool(m.is_winding_consistent), 'euler': int(m.euler_number), 'bodies': int(m.body_count)}


def open3d_topology(path):
    def run(m):
        m.remove_duplicated_vertices()
        m.remove_degenerate_triangles()
        m.remove_unreferenced_vertices()
        non_manifold = len(m.get_non_manifold_edges(allow_boundary_edges=True))
        boundary = len(m.get_non_manifold_edges(allow_boundary_edges=False)) - non_manifold
        m.is_vertex_manifold()
        m.is_orientable()
        euler = m.euler_poincare_characteristic()
        clusters, _, _ = m.cluster_connected_triangles()
        return {'boundary': boundary, 'non_manifold': non_manifold, 'euler': int(euler), 'clusters': int(len(np.unique(np.asarray(clusters))))}
    return run


def main():
    # Open3D prints its warnings on stdout, where the JSON goes (e.g. about a GLB's triangle UVs)
    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)
    rounds = int(sys.argv[1])
    out = {'versions': {'trimesh': trimesh.__version__, 'open3d': o3d.__version__}, 'files': {}}
    for path in sys.argv[2:]:
        raw = trimesh.load(path, process=False, force='mesh')
        v, f = np.asarray(raw.vertices), np.asarray(raw.faces)
        trimesh_load, _ = timed(rounds, lambda: trimesh.load(path, force='mesh'))
        trimesh_topo, _ = timed(rounds, lambda: trimesh_topology(v, f))
        open3d_load, mesh = timed(rounds, lambda: o3d.io.read_triangle_mesh(path))
        topo = open3d_topology(path)
        times = []
        open3d_values = None
        for _ in range(rounds):
            m = o3d.geometry.TriangleMesh(mesh)
            t = time.perf_counter()
            open3d_values = topo(m)
            times.append((time.perf_counter() - t) * 1000)
        out['files'][path] = {
            'trimesh_load': trimesh_load,
            'trimesh_topology': trimesh_topo,
            'open3d_load': open3d_load,
            'open3d_topology': statistics.median(times),
            'trimesh': trimesh_topology(v, f, clean=True),
            'open3d': open3d_values,
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
