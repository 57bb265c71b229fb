#!/usr/bin/env bash
# Clouds of 10^8 points, in one sitting: two epochs of a generated façade (a 100 m × 30 m wall
# with relief, sampled at random; the after epoch resampled, with three dents of 5-12 cm), of
# POINTS points each (default 100 million), written as binary PLY (float x y z, 1.2 GB) and as
# LAZ (point format 6 through laspy with lazrs). Then, whole process, timed once each with peak
# memory from GNU time:
#   - `heritage inspect` of each file (every point read and bounded, none kept);
#   - `heritage import` of the before epoch into a fresh archive (read, hashed and stored in one
#     pass);
#   - `heritage diff --method c2c` of the PLY pair and of the LAZ pair (changes.ply, heat maps
#     and summary written);
#   - the same diff of a SMALL-point pair (default 1 million) of the same façade, for the time
#     per point;
#   - CloudCompare's C2C (`-C2C_DIST`) on the PLY pair, when it is installed
#     (apt-get install cloudcompare), headless.
# Needs a Python with numpy, laspy and lazrs: BENCH_PYTHON (default .build-bagit/bin/python,
# which .ci/run makes). Writes under WORK (default /tmp/heritage-100m: about 12 GB at 10^8).
#
#   Tools/bench-100m.sh          POINTS=20000000 Tools/bench-100m.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POINTS=${POINTS:-100000000}
SMALL=${SMALL:-1000000}
PYTHON=${BENCH_PYTHON:-.build-bagit/bin/python}
WORK=${WORK:-/tmp/heritage-100m}
"$PYTHON" -c 'import numpy, laspy, lazrs' || { echo "needs numpy, laspy and lazrs in $PYTHON"; exit 1; }
swift build -c release --product heritage >/dev/null
BIN=$(swift build -c release --show-bin-path)/heritage
mkdir -p "$WORK"
export QT_QPA_PLATFORM=offscreen  # CloudCompare headless
echo "== $POINTS points per epoch, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(date -u +%FT%TZ)"

cat > "$WORK/facade.py" <<'PY'
"""Writes the before and after epochs of a façade, COUNT points each, as PLY and LAZ, in blocks."""
import sys
import laspy
import numpy as np

folder, count = sys.argv[1], int(sys.argv[2])
block = 5_000_000
dents = [(20.0, 10.0, 1.5, 0.08), (55.0, 22.0, 2.5, 0.12), (80.0, 6.0, 1.0, 0.05)]  # x, z, radius, depth


def relief(x, z):
    # Courses of stone and pilasters: the wall's y, in metres.
    return 0.02 * np.sin(x * 2.1) * np.cos(z * 3.3) + np.where((x % 10) < 0.8, 0.15, 0.0)


def epoch(name, seed, damaged):
    rng = np.random.default_rng(seed)
    header = f"ply\nformat binary_little_endian 1.0\nelement vertex {count}\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
    las_header = laspy.LasHeader(point_format=6, version="1.4")
    las_header.scales = [0.001, 0.001, 0.001]
    las_header.offsets = [0, 0, 0]
    with open(f"{folder}/{name}.ply", "wb") as ply, laspy.open(
        f"{folder}/{name}.laz", mode="w", header=las_header, do_compress=True, laz_backend=laspy.LazBackend.LazrsParallel
    ) as laz:
        ply.write(header.encode())
        written = 0
        while written < count:
            n = min(block, count - written)
            x = rng.uniform(0, 100, n)
            z = rng.uniform(0, 30, n)
            y = relief(x, z) + rng.normal(0, 0.002, n)
            if damaged:
                for cx, cz, radius, depth in dents:
                    r2 = ((x - cx) ** 2 + (z - cz) ** 2) / radius**2
                    y = y + np.where(r2 < 1, depth * (1 - r2), 0.0)
            xyz = np.empty((n, 3), np.float32)
            xyz[:, 0], xyz[:, 1], xyz[:, 2] = x, y, z
            ply.write(xyz.tobytes())
            points = laspy.ScaleAwarePointRecord.zeros(n, header=las_header)
            points.x, points.y, points.z = x, y, z
            points.gps_time = np.arange(written, written + n, dtype=np.float64) * 1e-5
            laz.write_points(points)
            written += n


epoch("before", 1, False)
epoch("after", 2, True)
PY

measure() {  # label command...: one timed run, its seconds and peak MiB
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$label.out" 2> "$WORK/$label.err" \
    || { echo "| $label | failed: $(tail -1 "$WORK/$label.err") | |"; return 1; }
  read -r seconds kib < "$WORK/time.txt"
  printf '| %s | %s | %d |\n' "$label" "$seconds" $(( kib / 1024 ))
}

for size in "$SMALL" "$POINTS"; do
  mkdir -p "$WORK/$size"
  if [ ! -s "$WORK/$size/after.laz" ]; then
    "$PYTHON" "$WORK/facade.py" "$WORK/$size" "$size"
  fi
done
ls -l "$WORK/$POINTS"/*.ply "$WORK/$POINTS"/*.laz | awk '{printf "%s: %.2f GB\n", $NF, $5 / 1e9}'

echo
echo "| step | seconds | peak MiB |"
echo "|---|---|---|"
for file in before.ply before.laz; do
  measure "inspect $file ($POINTS)" "$BIN" inspect "$WORK/$POINTS/$file" || exit 1
done
rm -rf "$WORK/archive"
"$BIN" demo --into "$WORK/archive" --register-only > /dev/null
measure "import before.ply ($POINTS)" "$BIN" import --site SY-PAL-BEL "$WORK/$POINTS/before.ply" \
  --archive "$WORK/archive" || exit 1
rm -rf "$WORK/archive"
for size in "$SMALL" "$POINTS"; do
  for format in ply laz; do
    rm -rf "$WORK/diff"
    measure "diff c2c $format ($size)" "$BIN" diff "$WORK/$size/before.$format" "$WORK/$size/after.$format" \
      --method c2c --out "$WORK/diff" || exit 1
  done
done
rm -rf "$WORK/diff"
if command -v CloudCompare > /dev/null; then
  for size in "$SMALL" "$POINTS"; do
    rm -rf "$WORK/cc" && mkdir -p "$WORK/cc" && cp "$WORK/$size/after.ply" "$WORK/cc/after.ply"
    measure "CloudCompare C2C ply ($size)" CloudCompare -SILENT -NO_TIMESTAMP -C_EXPORT_FMT PLY \
      -PLY_EXPORT_FMT BINARY_LE -O "$WORK/cc/after.ply" -O "$WORK/$size/before.ply" -C2C_DIST || true
  done
  rm -rf "$WORK/cc"
else
  echo "| CloudCompare C2C | not installed (apt-get install cloudcompare) | |"
fi
