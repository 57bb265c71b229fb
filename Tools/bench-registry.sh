#!/usr/bin/env bash
# The registry at scale: store-bench generates a register of SITES sites (default a million),
# imports it (library path of `heritage site import`) and times radius and full-text queries;
# then, on the archive it keeps, the CLI's `site export` (CSV and GeoJSON) and `verify`, whole
# process, with peak memory from GNU time. About 6 minutes for a million sites on 2 cores.
#
#   Tools/bench-registry.sh                 SITES=100000 Tools/bench-registry.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${SITES:-1000000}
WORK=${WORK:-/tmp/heritage-registry-bench}
# One product per build: given two, swift build builds only the last.
swift build -c release --product store-bench >/dev/null
swift build -c release --product heritage >/dev/null
BIN=$(swift build -c release --show-bin-path)
rm -rf "$WORK"; mkdir -p "$WORK"
echo "== $SITES sites, $(nproc) cores, $(date -u +%FT%TZ)"
/usr/bin/time -f "store-bench: %e s, peak %M KB" \
  "$BIN/store-bench" --sites "$SITES" --keep-archive "$WORK/archive" 2>&1
echo "== queries again on the kept archive (warm)"
"$BIN/store-bench" --sites "$SITES" --reuse "$WORK/archive" 2>&1 | tail -2
echo "== the CLI on the kept archive ($(du -h "$WORK/archive/registry.sqlite" | cut -f1))"
for format in csv geojson; do
  /usr/bin/time -f "site export --format $format: %e s, peak %M KB" \
    "$BIN/heritage" site export --archive "$WORK/archive" --format "$format" --out "$WORK/export.$format" 2>&1 \
    | grep -v '^Wrote'
done
/usr/bin/time -f "verify: %e s, peak %M KB" "$BIN/heritage" verify --archive "$WORK/archive" 2>&1 | grep -v '^OK'
rm -rf "$WORK"
