#!/usr/bin/env python3
"""Writes twins for the LAZ tests: for each case a .las, and the same points compressed by
LASzip (`.laszip.laz`) and by lazrs (`.laz`), both through laspy: LAS 1.4 point formats 6-10
(layered chunked compression) with extra bytes, and the wave packets of formats 4 and 5. The points change every field the coder models: four scanner channels taking
turns, returns of up to seven, several GPS time sequences and jumps, classification and flags,
colour and NIR that sometimes stay put, a point source that changes rarely.

    laz_fixtures.py FOLDER
"""
import json
import sys

import laspy
import numpy as np

folder = sys.argv[1]
rng = np.random.default_rng(1815)


def points(point_format, count, extra=False):
    header = laspy.LasHeader(point_format=point_format, version="1.4")
    if extra:
        header.add_extra_dims([laspy.ExtraBytesParams(name="amplitude", type=np.uint16),
                               laspy.ExtraBytesParams(name="flag", type=np.uint8)])
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([500000.0, 4300000.0, 0.0])
    las = laspy.LasData(header)
    walk = np.cumsum(rng.normal(0, 0.05, size=(count, 3)), axis=0)
    las.x = 500100.0 + walk[:, 0] + np.arange(count) * 0.002
    las.y = 4300200.0 + walk[:, 1]
    las.z = 85.0 + walk[:, 2] + rng.normal(0, 0.3, count)
    las.intensity = (rng.integers(0, 4000, count) * (rng.random(count) < 0.7)).astype(np.uint16)
    returns = rng.integers(1, 8, count)
    las.number_of_returns = returns
    las.return_number = np.minimum(returns, rng.integers(1, 8, count))
    # Channels switch in runs, sometimes every point.
    if point_format >= 6:
        channel = (np.arange(count) // 25) % 4
        jumpy = rng.random(count) < 0.05
        channel[jumpy] = rng.integers(0, 4, int(jumpy.sum()))
        las.scanner_channel = channel
        las.overlap = rng.random(count) < 0.1
        las.scan_angle = np.clip(np.cumsum(rng.integers(-3, 4, count)), -30000, 30000).astype(np.int16)
    else:
        las.scan_angle_rank = np.clip(np.cumsum(rng.integers(-1, 2, count)), -90, 90).astype(np.int8)
    las.classification = rng.choice([1, 2, 3, 5, 6, 9, 17], count).astype(np.uint8)
    las.synthetic = rng.random(count) < 0.02
    las.key_point = rng.random(count) < 0.01
    las.withheld = rng.random(count) < 0.01
    las.scan_direction_flag = rng.random(count) < 0.5
    las.edge_of_flight_line = rng.random(count) < 0.03
    las.user_data = rng.integers(0, 256, count).astype(np.uint8)
    las.point_source_id = (np.arange(count) // 20000 + 7).astype(np.uint16)
    # GPS time: steady steps, repeats, jumps back and forward (new sequences).
    steps = rng.choice([0.0, 1e-5, 2e-5, 5e-4, 3.0, -2.0], count, p=[0.3, 0.4, 0.15, 0.1, 0.03, 0.02])
    las.gps_time = 315000000.0 + np.cumsum(steps)
    if point_format in (3, 5, 7, 8, 10):
        base = rng.integers(0, 65536, (count, 3))
        hold = rng.random(count) < 0.3
        base[hold] = base[np.maximum(np.arange(count)[hold] - 1, 0)]
        las.red, las.green, las.blue = base[:, 0], base[:, 1], base[:, 2]
        grey = rng.random(count) < 0.2
        las.green[grey] = las.red[grey]
        las.blue[grey] = las.red[grey]
    if point_format in (8, 10):
        las.nir = (rng.integers(0, 65536, count) * (rng.random(count) < 0.8)).astype(np.uint16)
    if point_format in (4, 5, 9, 10):
        # Waveforms mostly stored one after another; sometimes shared, resized or elsewhere.
        sizes = np.where(rng.random(count) < 0.9, 256, rng.integers(64, 1024, count)).astype(np.uint32)
        kind = rng.choice([0, 1, 2, 3], count, p=[0.1, 0.7, 0.15, 0.05])
        offsets = np.zeros(count, dtype=np.uint64)
        for index in range(1, count):
            previous = int(offsets[index - 1])
            offsets[index] = [previous, previous + int(sizes[index - 1]),
                              max(0, previous + int(rng.integers(-5000, 5000))),
                              int(rng.integers(0, 2**40))][kind[index]]
        las.wavepacket_index = rng.choice([1, 2], count).astype(np.uint8)
        las.wavepacket_offset = offsets
        las.wavepacket_size = sizes
        las.return_point_wave_location = rng.uniform(0, 5000, count).astype(np.float32)
        las.x_t = rng.normal(0, 1e-4, count).astype(np.float32)
        las.y_t = rng.normal(0, 1e-4, count).astype(np.float32)
        las.z_t = np.full(count, -1.5e-4, dtype=np.float32)
    if extra:
        las.amplitude = rng.integers(0, 3000, count).astype(np.uint16)
        las.flag = (rng.random(count) < 0.1).astype(np.uint8)
    return las


cases = {"format6": (6, 120_000, False), "format7": (7, 70_000, False), "format8": (8, 60_000, False),
         "format6-extra": (6, 55_000, True), "format7-one": (7, 1, False),
         "format8-small": (8, 3_000, True), "format4": (4, 20_000, False), "format5": (5, 20_000, False),
         "format9": (9, 20_000, False), "format10": (10, 20_000, True)}
summary = {}
for name, (point_format, count, extra) in cases.items():
    las = points(point_format, count, extra)
    las.write(f"{folder}/{name}.las")
    # LASzip itself (the reference encoder) writes every case; lazrs too, except the wave packets
    # of formats 9 and 10, which lazrs 0.8 encodes differently from what LASzip and lazrs decode.
    las.write(f"{folder}/{name}.laszip.laz", laz_backend=laspy.LazBackend.Laszip)
    if point_format not in (9, 10):
        las.write(f"{folder}/{name}.laz", laz_backend=laspy.LazBackend.Lazrs)
    back = laspy.read(f"{folder}/{name}.laszip.laz", laz_backend=laspy.LazBackend.Laszip)
    summary[name] = {"count": int(len(back.points)), "format": point_format,
                     "min": [float(back.x.min()), float(back.y.min()), float(back.z.min())] if count else None,
                     "max": [float(back.x.max()), float(back.y.max()), float(back.z.max())] if count else None}
with open(f"{folder}/laz.json", "w") as out:
    json.dump(summary, out)
