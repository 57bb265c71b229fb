#!/usr/bin/env python3
"""Writes COPC files for the COPC tests with copc-lib (copclib, from PyPI), and what copc-lib
and laspy read back from them, in FOLDER/expected.json:

- octree.copc.laz: point format 7, an octree four levels deep whose nodes hold points inside
  their cubes, with its hierarchy spread over three pages (a page for a level-1 node's subtree
  and one more below it);
- flat.copc.laz: point format 6, a single root node.

    copc_fixtures.py FOLDER
"""
import json
import random
import sys

import copclib as copc
import laspy
import numpy as np

folder = sys.argv[1]
random.seed(2021)
LOW, SIZE = (1000.0, 2000.0, 50.0), 64.0


def node_points(key, header, count):
    step = SIZE / (2 ** key.d)
    corner = [LOW[0] + step * key.x, LOW[1] + step * key.y, LOW[2] + step * key.z]
    points = copc.Points(header)
    for index in range(count):
        point = points.CreatePoint()
        # Inside the node's cube, a scale step in from its faces.
        point.x = random.uniform(corner[0] + 0.01, corner[0] + step - 0.01)
        point.y = random.uniform(corner[1] + 0.01, corner[1] + step - 0.01)
        point.z = random.uniform(corner[2] + 0.01, corner[2] + step - 0.01)
        point.intensity = random.randint(0, 4000)
        point.classification = random.choice([1, 2, 6])
        point.return_number = 1
        point.number_of_returns = 1
        point.gps_time = 400000.0 + key.d * 10 + index * 1e-3
        if header.point_format_id in (7, 8):
            point.red, point.green, point.blue = (random.randint(0, 65535) for _ in range(3))
        point.point_source_id = key.d
        points.AddPoint(point)
    return points


def write(name, point_format, nodes):
    config = copc.CopcConfigWriter(point_format, scale=(0.01, 0.01, 0.01), offset=LOW, wkt="")
    config.las_header.min = copc.Vector3(*LOW)
    config.las_header.max = copc.Vector3(*(value + SIZE for value in LOW))
    config.copc_info.spacing = 4.0
    config.copc_info.center_x, config.copc_info.center_y, config.copc_info.center_z = (
        value + SIZE / 2 for value in LOW)
    config.copc_info.halfsize = SIZE / 2
    path = f"{folder}/{name}"
    writer = copc.FileWriter(path, config)
    header = writer.copc_config.las_header
    for key, count, page in nodes:
        writer.AddNode(copc.VoxelKey(*key), node_points(copc.VoxelKey(*key), header, count), copc.VoxelKey(*page))
    writer.Close()

    reader = copc.FileReader(path)
    assert reader.ValidateSpatialBounds()
    info = reader.copc_config.copc_info
    described = {
        "center": [info.center_x, info.center_y, info.center_z], "halfSize": info.halfsize,
        "spacing": info.spacing, "rootPageOffset": info.root_hier_offset, "rootPageSize": info.root_hier_size,
        "pages": len(reader.GetPageList()), "nodes": [],
    }
    for node in reader.GetAllNodes():
        points = reader.GetPoints(node)
        described["nodes"].append({
            "key": [node.key.d, node.key.x, node.key.y, node.key.z], "pointCount": node.point_count,
            "offset": node.offset, "byteSize": node.byte_size,
            "sum": [float(np.sum(points.x)), float(np.sum(points.y)), float(np.sum(points.z))],
        })
    reader.Close()
    whole = laspy.read(path)
    described["pointCount"] = len(whole.points)
    described["min"] = [float(whole.x.min()), float(whole.y.min()), float(whole.z.min())]
    described["max"] = [float(whole.x.max()), float(whole.y.max()), float(whole.z.max())]
    return described


octree = [((0, 0, 0, 0), 500, (0, 0, 0, 0))]
octree += [((1, x, y, z), 300, (0, 0, 0, 0)) for x in (0, 1) for y in (0, 1) for z in (0, 1) if (x, y, z) != (1, 1, 1)]
# The subtree of (1, 1, 1, 0) on a page of its own, and a deeper page below it.
octree += [((2, x, y, z), 150, (1, 1, 1, 0)) for x in (2, 3) for y in (2, 3) for z in (0, 1)]
octree += [((3, x, y, 0), 60, (2, 2, 2, 0)) for x in (4, 5) for y in (4, 5)]
expected = {
    "octree.copc.laz": write("octree.copc.laz", 7, octree),
    "flat.copc.laz": write("flat.copc.laz", 6, [((0, 0, 0, 0), 2000, (0, 0, 0, 0))]),
}
with open(f"{folder}/expected.json", "w") as out:
    json.dump(expected, out, indent=1)
