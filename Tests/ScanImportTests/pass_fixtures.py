"""Files large enough for a reader's pass to give pages back and report progress many times.

    python pass_fixtures.py FOLDER

writes FOLDER/stations.e57 (two scans of 800,000 single-float points each, written by
libE57Format through pye57: about 20 MB, five of the E57 reader's 4 MiB checksum blocks) and
FOLDER/airborne.laz (600,000 points of format 3, 12 chunks, written by laspy with lazrs).
"""
import math
import sys

import laspy
import numpy as np
import pye57

folder = sys.argv[1]
rng = np.random.default_rng(7)

e57 = pye57.E57(f"{folder}/stations.e57", mode="w")
for index, name in enumerate(["east", "west"]):
    count = 800_000
    data = {
        "cartesianX": rng.uniform(-20, 20, count).astype(np.float32),
        "cartesianY": rng.uniform(-20, 20, count).astype(np.float32),
        "cartesianZ": rng.uniform(0, 12, count).astype(np.float32),
    }
    angle = 0.3 * index
    e57.write_scan_raw(
        data, name=name, rotation=np.array([math.cos(angle / 2), 0, 0, math.sin(angle / 2)]),
        translation=np.array([500000.0 + 40 * index, 4200000.0, 800.0]))
e57.close()

count = 600_000
header = laspy.LasHeader(point_format=3, version="1.2")
header.scales = [0.01, 0.01, 0.01]
header.offsets = [500000, 4200000, 0]
las = laspy.LasData(header)
las.x = rng.uniform(500000, 501000, count)
las.y = rng.uniform(4200000, 4201000, count)
las.z = rng.uniform(0, 50, count)
las.intensity = rng.integers(0, 65535, count)
las.gps_time = np.sort(rng.uniform(0, 1000, count))
las.red = rng.integers(0, 65535, count)
las.green = rng.integers(0, 65535, count)
las.blue = rng.integers(0, 65535, count)
las.write(f"{folder}/airborne.laz", laz_backend=laspy.LazBackend.Lazrs)
