"""E57 files written by libE57Format (through pye57's bindings), with what a reader must get.

    python e57_fixtures.py FOLDER

writes FOLDER/stations.e57 and FOLDER/stations.json. The file holds two scans and an image:
- "north": 150,000 points in Cartesian scaled integers (1 mm), an 11-bit integer intensity,
  colour, a row and column grid, and cartesianInvalidState 0, 1 or 2 (only 0 is a point);
  posed by 30 degrees about z and a georeferenced translation. Enough points for many data
  packets and pages.
- "south": 40,000 points in spherical coordinates (range a double, angles single floats),
  float intensity with isIntensityInvalid, colour 0-1023 with colorLimits, and
  sphericalInvalidState; posed by a quaternion that is not of unit length (a reader
  normalises it).
- a pinhole PNG image with its camera and pose.
The JSON gives each scan's kept and invalid counts, the world bounds, the first kept points
and colours, sums over all kept points, and the image's bytes; pye57 reads the file
back to confirm the counts.
"""
import json
import math
import struct
import sys
import zlib

import numpy as np
import pye57
from pye57 import libe57

folder = sys.argv[1]
path = f"{folder}/stations.e57"
rng = np.random.default_rng(57)


def png(width, height):
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3)) for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def quaternion_matrix(w, x, y, z):
    n = math.sqrt(w * w + x * x + y * y + z * z)
    w, x, y, z = w / n, x / n, y / n, z / n
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


imf = libe57.ImageFile(path, "w")
root = imf.root()
root.set("formatName", libe57.StringNode(imf, "ASTM E57 3D Imaging Data File"))
root.set("guid", libe57.StringNode(imf, "{heritage-e57-fixture}"))
root.set("versionMajor", libe57.IntegerNode(imf, 1))
root.set("versionMinor", libe57.IntegerNode(imf, 0))
root.set("coordinateMetadata", libe57.StringNode(imf, "EPSG:32637"))
data3d = libe57.VectorNode(imf, True)
root.set("data3D", data3d)
images2d = libe57.VectorNode(imf, True)
root.set("images2D", images2d)


def pose_node(rotation, translation):
    pose = libe57.StructureNode(imf)
    r = libe57.StructureNode(imf)
    for key, value in zip("wxyz", rotation):
        r.set(key, libe57.FloatNode(imf, float(value)))
    t = libe57.StructureNode(imf)
    for key, value in zip("xyz", translation):
        t.set(key, libe57.FloatNode(imf, float(value)))
    pose.set("rotation", r)
    pose.set("translation", t)
    return pose


def write_points(scan, prototype, columns, count):
    codecs = libe57.VectorNode(imf, True)
    points = libe57.CompressedVectorNode(imf, prototype, codecs)
    scan.set("points", points)
    buffers = libe57.VectorSourceDestBuffer()
    for name, array in columns.items():
        buffers.append(libe57.SourceDestBuffer(imf, name, array, count, True, False))
    writer = points.writer(buffers)
    writer.write(count)
    writer.close()


reference = {"scans": [], "points": []}

# Scan 1: Cartesian scaled integers.
n = 150_000
raw = np.stack([rng.integers(-20_000, 20_000, n), rng.integers(-15_000, 15_000, n), rng.integers(0, 12_000, n)])
raw = raw.astype(np.int16)
intensity = rng.integers(0, 2048, n).astype(np.int16)
colour = rng.integers(0, 256, (3, n)).astype(np.uint8)
state = rng.choice(np.array([0, 0, 0, 0, 0, 0, 1, 2], dtype=np.int8), n)
rows = (np.arange(n) // 500).astype(np.int16)
cols = (np.arange(n) % 500).astype(np.int16)
scan = libe57.StructureNode(imf)
data3d.append(scan)
scan.set("guid", libe57.StringNode(imf, "{north}"))
scan.set("name", libe57.StringNode(imf, "north"))
rotation1 = (math.cos(math.pi / 12), 0.0, 0.0, math.sin(math.pi / 12))
translation1 = (500_000.25, 4_200_000.5, 812.75)
scan.set("pose", pose_node(rotation1, translation1))
bounds = libe57.StructureNode(imf)
bounds.set("rowMinimum", libe57.IntegerNode(imf, 0))
bounds.set("rowMaximum", libe57.IntegerNode(imf, int(rows.max())))
bounds.set("columnMinimum", libe57.IntegerNode(imf, 0))
bounds.set("columnMaximum", libe57.IntegerNode(imf, int(cols.max())))
scan.set("indexBounds", bounds)
prototype = libe57.StructureNode(imf)
for axis, (low, high) in zip("XYZ", [(-20_000, 20_000), (-15_000, 15_000), (0, 12_000)]):
    prototype.set(f"cartesian{axis}", libe57.ScaledIntegerNode(imf, 0, low, high, 0.001, 0.0))
prototype.set("intensity", libe57.IntegerNode(imf, 0, 0, 2047))
for name in ["colorRed", "colorGreen", "colorBlue"]:
    prototype.set(name, libe57.IntegerNode(imf, 0, 0, 255))
prototype.set("rowIndex", libe57.IntegerNode(imf, 0, 0, int(rows.max())))
prototype.set("columnIndex", libe57.IntegerNode(imf, 0, 0, int(cols.max())))
prototype.set("cartesianInvalidState", libe57.IntegerNode(imf, 0, 0, 2))
write_points(scan, prototype, {
    "cartesianX": raw[0].copy(), "cartesianY": raw[1].copy(), "cartesianZ": raw[2].copy(),
    "intensity": intensity, "colorRed": colour[0].copy(), "colorGreen": colour[1].copy(),
    "colorBlue": colour[2].copy(), "rowIndex": rows, "columnIndex": cols, "cartesianInvalidState": state,
}, n)
keep = state == 0
local = raw[:, keep].T * 0.001
world1 = local @ quaternion_matrix(*rotation1).T + np.array(translation1)
rgb1 = colour[:, keep].T.astype(np.int64)
reference["scans"].append({
    "name": "north", "pointCount": int(keep.sum()), "invalidCount": int((~keep).sum()),
    "rows": int(rows.max()) + 1, "columns": int(cols.max()) + 1,
    "min": world1.min(axis=0).tolist(), "max": world1.max(axis=0).tolist(),
})

# Scan 2: spherical coordinates, colour on 10 bits.
m = 40_000
ranges = rng.uniform(2.0, 60.0, m)
azimuth = rng.uniform(-math.pi, math.pi, m).astype(np.float32)
elevation = rng.uniform(-0.6, 1.2, m).astype(np.float32)
intensity2 = rng.uniform(0.0, 1.0, m).astype(np.float32)
intensity_invalid = rng.choice(np.array([0, 0, 0, 1], dtype=np.int8), m)
colour2 = rng.integers(0, 1024, (3, m)).astype(np.int16)
state2 = rng.choice(np.array([0, 0, 0, 0, 0, 1, 2], dtype=np.int8), m)
scan = libe57.StructureNode(imf)
data3d.append(scan)
scan.set("guid", libe57.StringNode(imf, "{south}"))
scan.set("name", libe57.StringNode(imf, "south"))
rotation2 = (2.0, 0.0, 0.0, 0.0)  # the identity, at twice unit length
translation2 = (500_040.0, 4_199_990.0, 810.0)
scan.set("pose", pose_node(rotation2, translation2))
limits = libe57.StructureNode(imf)
for name in ["Red", "Green", "Blue"]:
    limits.set(f"color{name}Minimum", libe57.IntegerNode(imf, 0))
    limits.set(f"color{name}Maximum", libe57.IntegerNode(imf, 1023))
scan.set("colorLimits", limits)
prototype = libe57.StructureNode(imf)
prototype.set("sphericalRange", libe57.FloatNode(imf, 0.0, libe57.E57_DOUBLE, 0.0, 100.0))
prototype.set("sphericalAzimuth", libe57.FloatNode(imf, 0.0, libe57.E57_SINGLE, -4.0, 4.0))
prototype.set("sphericalElevation", libe57.FloatNode(imf, 0.0, libe57.E57_SINGLE, -2.0, 2.0))
prototype.set("intensity", libe57.FloatNode(imf, 0.0, libe57.E57_SINGLE, 0.0, 1.0))
prototype.set("isIntensityInvalid", libe57.IntegerNode(imf, 0, 0, 1))
for name in ["colorRed", "colorGreen", "colorBlue"]:
    prototype.set(name, libe57.IntegerNode(imf, 0, 0, 1023))
prototype.set("sphericalInvalidState", libe57.IntegerNode(imf, 0, 0, 2))
write_points(scan, prototype, {
    "sphericalRange": ranges, "sphericalAzimuth": azimuth, "sphericalElevation": elevation,
    "intensity": intensity2, "isIntensityInvalid": intensity_invalid, "colorRed": colour2[0].copy(),
    "colorGreen": colour2[1].copy(), "colorBlue": colour2[2].copy(), "sphericalInvalidState": state2,
}, m)
keep2 = state2 == 0
r, a, e = ranges[keep2], azimuth[keep2].astype(np.float64), elevation[keep2].astype(np.float64)
local2 = np.stack([r * np.cos(e) * np.cos(a), r * np.cos(e) * np.sin(a), r * np.sin(e)], axis=1)
world2 = local2 + np.array(translation2)
rgb2 = np.rint(colour2[:, keep2].T * (255 / 1023)).astype(np.int64)
reference["scans"].append({
    "name": "south", "pointCount": int(keep2.sum()), "invalidCount": int((~keep2).sum()),
    "min": world2.min(axis=0).tolist(), "max": world2.max(axis=0).tolist(),
})

# An image: a pinhole PNG.
picture = png(8, 6)
image = libe57.StructureNode(imf)
images2d.append(image)
image.set("guid", libe57.StringNode(imf, "{photo}"))
image.set("name", libe57.StringNode(imf, "north façade"))
image.set("associatedData3DGuid", libe57.StringNode(imf, "{north}"))
image.set("pose", pose_node((1.0, 0.0, 0.0, 0.0), (500_001.0, 4_200_002.0, 813.0)))
pinhole = libe57.StructureNode(imf)
blob = libe57.BlobNode(imf, len(picture))
pinhole.set("pngImage", blob)
pinhole.set("imageWidth", libe57.IntegerNode(imf, 8))
pinhole.set("imageHeight", libe57.IntegerNode(imf, 6))
pinhole.set("focalLength", libe57.FloatNode(imf, 0.035))
pinhole.set("pixelWidth", libe57.FloatNode(imf, 4e-6))
pinhole.set("pixelHeight", libe57.FloatNode(imf, 4e-6))
pinhole.set("principalPointX", libe57.FloatNode(imf, 4.0))
pinhole.set("principalPointY", libe57.FloatNode(imf, 3.0))
image.set("pinholeRepresentation", pinhole)
blob.write(np.frombuffer(picture, dtype=np.uint8).copy(), 0, len(picture))  # once in the tree
imf.close()

world = np.concatenate([world1, world2])
rgb = np.concatenate([rgb1, rgb2])
reference["min"] = world.min(axis=0).tolist()
reference["max"] = world.max(axis=0).tolist()
reference["sum"] = world.sum(axis=0).tolist()
reference["firstPoints"] = world[:5].tolist() + world2[:3].tolist()
reference["firstColours"] = rgb[:5].tolist() + rgb2[:3].tolist()
reference["colourSum"] = rgb.sum(axis=0).tolist()
reference["image"] = {"bytes": len(picture), "hex": picture.hex()}

# libE57Format reads back what it wrote.
e57 = pye57.E57(path)
assert e57.scan_count == 2
assert e57.get_header(0).point_count == n and e57.get_header(1).point_count == m
north = e57.read_scan_raw(0)
assert np.array_equal(north["cartesianInvalidState"], state)
assert np.allclose(north["cartesianX"], raw[0] * 0.001) and np.array_equal(north["columnIndex"], cols)
reference["pye57"] = {"scans": e57.scan_count, "pointCounts": [n, m]}
json.dump(reference, open(f"{folder}/stations.json", "w"), indent=1)
print(path)
