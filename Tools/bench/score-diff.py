#!/usr/bin/env python3
"""Score heritage's diff outputs against the peer generator's ground truth, with the peers' own
metrics (../shared/peers/bench_ops.py: detect_stats, rot_err_deg), so the figures sit in one table.

usage: score-diff.py c2c|c2m  OUT/changes.ply  truth.npz
       score-diff.py m3c2     OUT/changes.ply  truth.npz          (core points given as core_500k.ply)
       score-diff.py normals  OUR_NORMALS.ply  INPUT_WITH_TRUE_NORMALS.ply
       score-diff.py icp      DIFF_BENCH_OUTPUT.json truth.npz
"""
import json
import os
import sys

import numpy as np
import plyfile

sys.path.insert(0, os.environ.get("PEERS", os.path.join(os.path.dirname(__file__), "../../../shared/peers")))
from bench_ops import detect_stats, rot_err_deg  # noqa: E402


def vertices(path):
    return plyfile.PlyData.read(path)["vertex"].data


def main():
    op, first, second = sys.argv[1:4]
    res = dict(op=op, tool="heritage")
    if op in ("c2c", "c2m"):
        v = vertices(first)
        d = np.asarray(v["scalar_distance"], dtype=np.float64)
        res["quality"] = detect_stats(d, np.load(second)["after_change"], 0.01)
    elif op == "m3c2":
        v = vertices(first)
        d = np.asarray(v["scalar_distance"], dtype=np.float64)
        sig = np.asarray(v["scalar_significant"]) > 0.5
        tc = np.load(second)["core_change"]
        stable = np.abs(tc) < 1e-4
        real = np.abs(tc) > 0.005
        res["no_data"] = int(np.isnan(d).sum())
        res["quality"] = dict(fpr_stable=round(float(np.mean(sig[stable])), 5),
                              recall_sig_vs_5mm=round(float(np.mean(sig[real])), 4),
                              rmse_vs_truth=round(float(np.sqrt(np.nanmean((d - tc) ** 2))), 5),
                              stable_median_abs=round(float(np.nanmedian(np.abs(d[stable]))), 5),
                              block_median=round(float(np.nanmedian(d[tc < -0.07])), 5))
    elif op == "normals":
        v = vertices(first); src = vertices(second)
        est = np.column_stack([v["nx"], v["ny"], v["nz"]]).astype(np.float64)
        ref = np.column_stack([src["nx"], src["ny"], src["nz"]]).astype(np.float64)
        ang = np.degrees(np.arccos(np.clip(np.abs(np.einsum("ij,ij->i", est, ref)), 0, 1)))
        res["quality"] = dict(median_angle_err_deg=round(float(np.nanmedian(ang)), 3))
    elif op == "icp":
        report = json.loads(open(first).read().strip().splitlines()[-1])["report"]
        T = np.array(report["transform"])
        Tt = np.linalg.inv(np.load(second)["moved_T"])
        res["quality"] = dict(rot_err_deg=round(rot_err_deg(T[:3, :3], Tt[:3, :3]), 5),
                              trans_err_m=round(float(np.linalg.norm(T[:3, 3] - Tt[:3, 3])), 6))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
