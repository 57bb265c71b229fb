#!/usr/bin/env python3
"""LAS files for the LAZ writer's tests, and the check of what it wrote, both through laspy.

    laz_writer_fixtures.py FOLDER           writes FOLDER/formatN.las (point formats 0-3 and 6-8,
                                            3 and 7 also with extra bytes), 120,000 points each:
                                            three chunks; formats 6-8 on four scanner channels
    laz_writer_fixtures.py FOLDER check     reads each FOLDER/NAME.heritage.laz with laspy through
                                            lazrs and through LASzip, and prints, as JSON, whether
                                            its point records are exactly NAME.las's
"""
import glob
import json
import os
import sys

import laspy
import numpy as np

folder = sys.argv[1]

if len(sys.argv) > 2 and sys.argv[2] == "check":
    result = {}
    for laz in sorted(glob.glob(f"{folder}/*.heritage.laz")):
        name = os.path.basename(laz)[: -len(".heritage.laz")]
        plain = laspy.read(f"{folder}/{name}.las")
        result[name] = {}
        for backend in ("lazrs", "laszip"):
            chosen = laspy.LazBackend.Lazrs if backend == "lazrs" else laspy.LazBackend.Laszip
            try:
                read = laspy.read(laz, laz_backend=chosen)
                same = read.header.point_count == plain.header.point_count and bytes(
                    read.points.array.tobytes()) == bytes(plain.points.array.tobytes())
                result[name][backend] = same
            except Exception as error:  # what the backend said, for the test's message
                result[name][backend] = str(error)
    print(json.dumps(result))
    sys.exit(0)

rng = np.random.default_rng(3)
count = 120_000
for point_format, extra in ((0, False), (1, False), (2, False), (3, False), (3, True), (6, False), (7, False),
                            (8, False), (7, True)):
    header = laspy.LasHeader(point_format=point_format, version="1.4" if point_format >= 6 else "1.2")
    if extra:
        header.add_extra_dims([laspy.ExtraBytesParams(name="amplitude", type=np.uint16),
                               laspy.ExtraBytesParams(name="flag", type=np.uint8)])
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([500000.0, 4300000.0, 0.0])
    las = laspy.LasData(header)
    walk = np.cumsum(rng.normal(0, 0.05, size=(count, 3)), axis=0)
    las.x = 500100.0 + walk[:, 0] + np.arange(count) * 0.001
    las.y = 4300200.0 + walk[:, 1]
    las.z = 85.0 + walk[:, 2] + rng.normal(0, 0.3, count) * (rng.random(count) < 0.5)
    las.intensity = (rng.integers(0, 4000, count) * (rng.random(count) < 0.6)).astype(np.uint16)
    returns = rng.integers(1, 8, count)
    las.number_of_returns = returns
    las.return_number = np.minimum(returns, rng.integers(1, 8, count))
    las.classification = rng.choice([1, 2, 3, 5, 6, 9, 17], count).astype(np.uint8)
    las.synthetic = rng.random(count) < 0.02
    las.key_point = rng.random(count) < 0.01
    las.withheld = rng.random(count) < 0.01
    las.scan_direction_flag = rng.random(count) < 0.5
    las.edge_of_flight_line = rng.random(count) < 0.03
    if point_format >= 6:
        # Channels switch in runs, sometimes every point.
        channel = (np.arange(count) // 25) % 4
        jumpy = rng.random(count) < 0.05
        channel[jumpy] = rng.integers(0, 4, int(jumpy.sum()))
        las.scanner_channel = channel
        las.overlap = rng.random(count) < 0.1
        las.scan_angle = np.clip(np.cumsum(rng.integers(-3, 4, count)), -30000, 30000).astype(np.int16)
        las.number_of_returns = rng.integers(1, 16, count)
        las.return_number = np.minimum(las.number_of_returns, rng.integers(1, 16, count))
    else:
        las.scan_angle_rank = np.clip(np.cumsum(rng.integers(-1, 2, count)), -90, 90).astype(np.int8)
    las.user_data = (rng.integers(0, 256, count) * (rng.random(count) < 0.2)).astype(np.uint8)
    las.point_source_id = (np.arange(count) // 7000 + 3).astype(np.uint16)
    if point_format in (1, 3, 6, 7, 8):
        # Steady steps, repeats, multiples, reversals, jumps far away and back: every branch of
        # the GPS time coder, with up to four interleaved sequences.
        steps = rng.choice([0.0, 1e-5, 2e-5, 7e-5, 5e-3, -3e-5, 4.0e3, -4.0e3, 1e-9],
                           count, p=[0.25, 0.35, 0.1, 0.08, 0.07, 0.05, 0.04, 0.04, 0.02])
        times = 315000000.0 + np.cumsum(steps)
        jumpy = rng.random(count) < 0.01
        times[jumpy] = rng.choice([1.0e9, 2.0e5, 5.0e8], int(jumpy.sum())) + rng.random(int(jumpy.sum()))
        las.gps_time = times
    if point_format in (2, 3, 7, 8):
        base = rng.integers(0, 65536, (count, 3))
        grey = rng.random(count) < 0.2
        base[grey, 1] = base[grey, 0]
        base[grey, 2] = base[grey, 0]
        eight = rng.random(count) < 0.3
        base[eight] &= 0xFF
        hold = rng.random(count) < 0.3
        base[hold] = base[np.maximum(np.arange(count)[hold] - 1, 0)]
        las.red, las.green, las.blue = base[:, 0], base[:, 1], base[:, 2]
    if point_format == 8:
        nir = rng.integers(0, 65536, count)
        hold = rng.random(count) < 0.4
        nir[hold] = nir[np.maximum(np.arange(count)[hold] - 1, 0)]
        las.nir = nir
    if extra:
        las.amplitude = rng.integers(0, 65536, count).astype(np.uint16)
        las.flag = (rng.random(count) < 0.1).astype(np.uint8)
    las.write(f"{folder}/format{point_format}{'-extra' if extra else ''}.las")
