#!/usr/bin/env bash
# LAZ decoding against laspy 2.7 with lazrs (its parallel backend), in one sitting: a generated
# airborne-like cloud of POINTS points (default 20 million) in point FORMAT (default 3: GPS time
# and colour; 7 is LAS 1.4's layered equivalent) written as LAZ by laspy+lazrs, then decoded
# whole by each, whole process, on every core:
#   - laspy.read(path, laz_backend=LazrsParallel) (every field decoded into arrays);
#   - for format 6 and up, laspy.read with only the X, Y and Z layers selected;
#   - `heritage inspect` (every chunk decoded, on every core, for the points' bounds: for format
#     6 and up only the X, Y and Z layers).
# Times are medians of RUNS runs (hyperfine); peak memory from GNU time. Needs a Python with
# laspy[lazrs] and numpy: LAZ_PYTHON (default /tmp/lazenv/bin/python; make it with
# `python3 -m venv /tmp/lazenv && /tmp/lazenv/bin/pip install "laspy[lazrs]==2.7.*" numpy`).
#
#   Tools/bench-laz.sh           FORMAT=7 Tools/bench-laz.sh           POINTS=2000000 RUNS=3 Tools/bench-laz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POINTS=${POINTS:-20000000}
FORMAT=${FORMAT:-3}
RUNS=${RUNS:-5}
PYTHON=${LAZ_PYTHON:-/tmp/lazenv/bin/python}
WORK=${WORK:-/tmp/heritage-laz-bench}
"$PYTHON" -c 'import laspy, lazrs, numpy' || { echo "needs laspy[lazrs] and numpy in $PYTHON"; exit 1; }
swift build -c release --product heritage >/dev/null
mkdir -p "$WORK"
echo "== $POINTS points, point format $FORMAT, $(nproc) cores, $(date -u +%FT%TZ)"
"$PYTHON" - "$WORK/cloud.laz" "$POINTS" "$FORMAT" <<'PY'
import sys, numpy as np, laspy
path, count, point_format = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(7)
header = laspy.LasHeader(point_format=point_format, version="1.4" if point_format >= 6 else "1.2")
header.scales = [0.01, 0.01, 0.01]
header.offsets = [500000, 4000000, 0]
las = laspy.LasData(header)
# Flight lines over 2 km: x along the line, y across, z terrain with buildings, times rising.
line = np.arange(count) // 400
las.x = 500000 + (np.arange(count) % 400) * 5.0 + rng.normal(0, 0.05, count)
las.y = 4000000 + line * 0.5 + rng.normal(0, 0.05, count)
las.z = 100 + 10 * np.sin(las.x / 200.0) + rng.exponential(2, count)
las.intensity = rng.integers(0, 4096, count, dtype=np.uint16)
las.return_number = np.ones(count, dtype=np.uint8)
las.number_of_returns = np.ones(count, dtype=np.uint8)
las.classification = rng.choice(np.array([2, 5, 6], dtype=np.uint8), count)
las.gps_time = 300000.0 + np.arange(count) * 1e-5
las.red = rng.integers(0, 65535, count, dtype=np.uint16)
las.green = rng.integers(0, 65535, count, dtype=np.uint16)
las.blue = rng.integers(0, 65535, count, dtype=np.uint16)
las.write(path, laz_backend=laspy.LazBackend.LazrsParallel)
PY
ls -l "$WORK/cloud.laz" | awk '{print "LAZ file: " $5 " bytes"}'
cat > "$WORK/read.py" <<'PY'
import sys, laspy
fields = laspy.DecompressionSelection
selection = fields.XY_RETURNS_CHANNEL | fields.Z if sys.argv[2] == "xyz" else fields(8191)  # 8191: every field
las = laspy.read(sys.argv[1], laz_backend=laspy.LazBackend.LazrsParallel, decompression_selection=selection)
print(len(las.points), las.x.min(), las.x.max())
PY
hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/laspy.json" \
  "$PYTHON $WORK/read.py $WORK/cloud.laz all" >/dev/null
if [ "$FORMAT" -ge 6 ]; then
  hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/laspy-xyz.json" \
    "$PYTHON $WORK/read.py $WORK/cloud.laz xyz" >/dev/null
fi
hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/heritage.json" \
  ".build/release/heritage inspect $WORK/cloud.laz" >/dev/null
/usr/bin/time -f "%M" -o "$WORK/laspy.rss" "$PYTHON" "$WORK/read.py" "$WORK/cloud.laz" all >/dev/null
/usr/bin/time -f "%M" -o "$WORK/heritage.rss" .build/release/heritage inspect "$WORK/cloud.laz" >/dev/null
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def median(name):
    times = sorted(json.load(open(f"{work}/{name}.json"))["results"][0]["times"])
    return times[len(times) // 2]
ours, peer = median("heritage"), median("laspy")
rss = {n: int(open(f"{work}/{n}.rss").read().split()[-1]) // 1024 for n in ["heritage", "laspy"]}
print("| decoder | median s | peak MiB |\n|---|---|---|")
print(f"| heritage inspect | {ours:.3f} | {rss['heritage']} |")
print(f"| laspy 2.7 + lazrs (parallel) | {peer:.3f} | {rss['laspy']} |")
print(f"ratio heritage / laspy: {ours / peer:.2f} (target <= 0.70)")
import os
if os.path.exists(f"{work}/laspy-xyz.json"):
    xyz = median("laspy-xyz")
    print(f"| laspy 2.7 + lazrs (parallel), X, Y, Z layers only | {xyz:.3f} | |")
    print(f"ratio heritage / laspy with the same layers: {ours / xyz:.2f}")
PY
