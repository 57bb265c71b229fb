#!/usr/bin/env bash
# E57 decoding against pye57 0.4 (libE57Format), in one sitting: a generated terrestrial-like
# scan of POINTS points (default 20 million: single-float x y z, float intensity, 8-bit colour,
# as pye57 writes them), posed, written by pye57; then read whole by each, whole process:
#   - pye57 `read_scan(0, intensity=True, colors=True, ignore_missing_fields=True)` (every field into numpy arrays, posed);
#   - `heritage inspect` (every page's checksum, every point decoded and posed, for the bounds).
# Times are medians of RUNS runs (hyperfine); peak memory from GNU time. Needs a Python with
# pye57 and numpy: E57_PYTHON (default .build-bagit/bin/python, which .ci/run makes).
#
#   Tools/bench-e57.sh           POINTS=2000000 RUNS=3 Tools/bench-e57.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POINTS=${POINTS:-20000000}
RUNS=${RUNS:-5}
PYTHON=${E57_PYTHON:-.build-bagit/bin/python}
WORK=${WORK:-/tmp/heritage-e57-bench}
"$PYTHON" -c 'import pye57, numpy' || { echo "needs pye57 and numpy in $PYTHON"; exit 1; }
swift build -c release --product heritage >/dev/null
mkdir -p "$WORK"
echo "== $POINTS points, $(nproc) cores, $(date -u +%FT%TZ)"
"$PYTHON" - "$WORK/scan.e57" "$POINTS" <<'PY'
import math, os, sys, numpy as np, pye57
path, count = sys.argv[1], int(sys.argv[2])
if os.path.exists(path):
    os.remove(path)
rng = np.random.default_rng(57)
# A station in a courtyard: points on the walls of a 40 m box and its floor, with noise.
side = rng.integers(0, 5, count)
u, v = rng.uniform(-20, 20, count), rng.uniform(0, 12, count)
x = np.where(side == 0, -20, np.where(side == 1, 20, u))
y = np.where(side == 2, -20, np.where(side == 3, 20, np.where(side < 2, u, rng.uniform(-20, 20, count))))
z = np.where(side == 4, 0, v) + rng.normal(0, 0.003, count)
data = {
    "cartesianX": x.astype(np.float32), "cartesianY": y.astype(np.float32), "cartesianZ": z.astype(np.float32),
    "intensity": rng.uniform(0, 1, count).astype(np.float32),
    "colorRed": rng.integers(0, 256, count, dtype=np.uint8), "colorGreen": rng.integers(0, 256, count, dtype=np.uint8),
    "colorBlue": rng.integers(0, 256, count, dtype=np.uint8),
}
e57 = pye57.E57(path, mode="w")
e57.write_scan_raw(data, name="courtyard", rotation=np.array([math.cos(0.2), 0, 0, math.sin(0.2)]),
                   translation=np.array([500000.0, 4200000.0, 800.0]))
e57.close()
PY
ls -l "$WORK/scan.e57" | awk '{print "E57 file: " $5 " bytes"}'
cat > "$WORK/read.py" <<'PY'
import sys, pye57
data = pye57.E57(sys.argv[1]).read_scan(0, intensity=True, colors=True, ignore_missing_fields=True)
print(len(data["cartesianX"]), data["cartesianX"].min(), data["cartesianX"].max())
PY
hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/pye57.json" \
  "$PYTHON $WORK/read.py $WORK/scan.e57" >/dev/null
hyperfine -N --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/heritage.json" \
  ".build/release/heritage inspect $WORK/scan.e57" >/dev/null
/usr/bin/time -f "%M" -o "$WORK/pye57.rss" "$PYTHON" "$WORK/read.py" "$WORK/scan.e57" >/dev/null
/usr/bin/time -f "%M" -o "$WORK/heritage.rss" .build/release/heritage inspect "$WORK/scan.e57" >/dev/null
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def median(name):
    times = sorted(json.load(open(f"{work}/{name}.json"))["results"][0]["times"])
    return times[len(times) // 2]
ours, peer = median("heritage"), median("pye57")
rss = {n: int(open(f"{work}/{n}.rss").read().split()[-1]) // 1024 for n in ["heritage", "pye57"]}
print("| reader | median s | peak MiB |\n|---|---|---|")
print(f"| heritage inspect | {ours:.3f} | {rss['heritage']} |")
print(f"| pye57 0.4 read_scan | {peer:.3f} | {rss['pye57']} |")
print(f"ratio heritage / pye57: {ours / peer:.2f}")
PY
