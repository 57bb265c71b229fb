#!/usr/bin/env bash
# The web pages' speed, as issue 17 asks it measured: on store-bench's register of SITES sites
# (default a million), served by heritage-server on loopback, headless Chromium (Selenium)
# times with Navigation and User Timing (Tools/bench-pages.py):
#   - the map's first render: from navigation start to the first clusters drawn (`map-drawn`);
#   - a site's page: navigation start to the load event, for random sites;
#   - the 3D viewer's first frame (`viewer-drawn`) for a C2C comparison of two scans of POINTS
#     points each (default ten million; every point is measured, so the comparison has as many).
# Needs chromium, chromium-driver, libjs-leaflet, libjs-three and, in .build-bagit, selenium
# (.ci/run installs them). About 15 minutes for a million sites and 10^7 points on 2 cores.
#
#   Tools/bench-pages.sh              SITES=100000 POINTS=1000000 Tools/bench-pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${SITES:-1000000}
POINTS=${POINTS:-10000000}
WORK=${WORK:-/tmp/heritage-pages-bench}
PYTHON=.build-bagit/bin/python
"$PYTHON" -c 'import selenium' 2>/dev/null || { echo "needs selenium in .build-bagit (.ci/run installs it)"; exit 1; }
swift build -c release --product store-bench >/dev/null
swift build -c release --product heritage >/dev/null
swift build -c release --product heritage-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
rm -rf "$WORK"; mkdir -p "$WORK"
echo "== $SITES sites, $POINTS points per scan, $(nproc) cores, $(date -u +%FT%TZ)"
"$BIN/store-bench" --sites "$SITES" --keep-archive "$WORK/archive" | tail -1
printf 'bench password 1\n' | "$BIN/heritage" user add bench --role surveyor --password-stdin \
  --archive "$WORK/archive" --actor setup >/dev/null

# Two scans of a 20 m wall (0.5 mm noise), the second with a 2 m pit 5 cm deep.
"$PYTHON" - "$WORK" "$POINTS" <<'PY'
import array, math, random, sys
work, count = sys.argv[1], int(sys.argv[2])
side = int(math.sqrt(count))
for name, pit in [("before", False), ("after", True)]:
    random.seed(1 if pit else 2)
    values = array.array("f")
    step = 20.0 / side
    for i in range(side):
        x = i * step
        row = array.array("f", [0.0] * (3 * side))
        for j in range(side):
            y = j * step
            z = random.gauss(0, 0.0005)
            if pit and (x - 10) ** 2 + (y - 10) ** 2 < 1.0:
                z -= 0.05
            row[3 * j], row[3 * j + 1], row[3 * j + 2] = x, y, z
        values.extend(row)
    with open(f"{work}/{name}.ply", "wb") as out:
        out.write(f"ply\nformat binary_little_endian 1.0\nelement vertex {side * side}\n"
                  "property float x\nproperty float y\nproperty float z\nend_header\n".encode())
        values.tofile(out)
PY
ids=()
for name in before after; do
  ids+=("$("$BIN/heritage" import --archive "$WORK/archive" --site BENCH-0 --units m --json "$WORK/$name.ply" \
    | python3 -c 'import json,sys; o=json.load(sys.stdin); o=o[0] if isinstance(o,list) else o; print(o.get("assetID") or o["files"][0]["assetID"])')")
done
/usr/bin/time -o "$WORK/diff.time" -f "diff (C2C, every point): %e s, peak %M KB" "$BIN/heritage" diff \
  --archive "$WORK/archive" --site BENCH-0 --method c2c "${ids[0]}@1" "${ids[1]}@1" --json >"$WORK/diff.json"
cat "$WORK/diff.time"
FINDING=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["finding"]["id"])' "$WORK/diff.json")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/heritage-server" --archive "$WORK/archive" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done
"$PYTHON" Tools/bench-pages.py "http://127.0.0.1:$PORT" bench "bench password 1" "$SITES" "$FINDING"
