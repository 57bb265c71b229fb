#!/usr/bin/env bash
# A large upload against the disk, in one sitting: a LAS file of SIZE_GB (default 2) sent with
# curl to heritage-server on loopback (raw body), and dd writing as many bytes to the same
# disk with a flush at the end (conv=fdatasync), alternated RUNS times (default 3) because this
# machine's disk speed varies from minute to minute. Prints each run, the medians, their
# ratio, and the server's peak resident memory during each upload.
#
#   Tools/bench-upload.sh            SIZE_GB=1 RUNS=5 Tools/bench-upload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_GB=${SIZE_GB:-2}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/heritage-upload-bench}
swift build -c release --product heritage >/dev/null
swift build -c release --product heritage-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
rm -rf "$WORK"; mkdir -p "$WORK"
SERVER=""
trap 'if [ -n "$SERVER" ]; then kill $SERVER 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
POINTS=$((SIZE_GB * 50000000))
# LAS 1.2, point format 0 (20-byte records), random points in a 100 m box.
python3 - "$WORK/upload.las" "$POINTS" <<'PY'
import struct, sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
header = bytearray(227)
struct.pack_into('<4sHH16sBB32s32sHHHIIBHI5I3d3d6d', header, 0, b'LASF', 0, 0, b'\0' * 16, 1, 2,
    b'heritage bench'.ljust(32, b'\0'), b'bench-upload.sh'.ljust(32, b'\0'), 1, 2026, 227, 227, 0, 0, 20, n,
    n, 0, 0, 0, 0, 0.001, 0.001, 0.001, 500000.0, 4000000.0, 0.0,
    500100.0, 500000.0, 4000100.0, 4000000.0, 50.0, 0.0)
record = np.dtype([('x', '<i4'), ('y', '<i4'), ('z', '<i4'), ('intensity', '<u2'), ('returns', 'u1'),
    ('classification', 'u1'), ('angle', 'i1'), ('user', 'u1'), ('source', '<u2')])
generator = np.random.default_rng(1)
with open(path, 'wb') as out:
    out.write(header)
    for start in range(0, n, 5_000_000):
        count = min(5_000_000, n - start)
        points = np.zeros(count, dtype=record)
        for axis, high in (('x', 100_000), ('y', 100_000), ('z', 50_000)):
            points[axis] = generator.integers(0, high, count)
        points['returns'] = 0x09
        out.write(points.tobytes())
PY
BYTES=$(stat -c %s "$WORK/upload.las")
"$BIN/heritage" init --archive "$WORK/archive" --actor setup >/dev/null
"$BIN/heritage" site add --archive "$WORK/archive" --actor setup --code UP-1 --name "Upload bench" \
  --kind church --latitude 34.5 --longitude 38.2 >/dev/null
printf 'bench password 1\n' | "$BIN/heritage" user add bench --role surveyor --password-stdin \
  --archive "$WORK/archive" --actor setup >/dev/null
TOKEN=$("$BIN/heritage" user token bench --archive "$WORK/archive" --actor setup | tail -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/heritage-server" --archive "$WORK/archive" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done
echo "== $BYTES bytes, $(nproc) cores, $(date -u +%FT%TZ)"
dds=(); uploads=()
for run in $(seq "$RUNS"); do
  sync
  start=$(date +%s.%N)
  dd if=/dev/zero of="$WORK/dd.out" bs=4M count=$((BYTES / 4194304)) conv=fdatasync status=none
  dd_s=$(echo "$(date +%s.%N) - $start" | bc)
  rm -f "$WORK/dd.out"; sync
  peak=0
  ( while kill -0 $SERVER 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; sleep 0.05; done \
      > "$WORK/rss.$run" ) &
  sampler=$!
  cat "$WORK/upload.las" >/dev/null  # the client's file in the page cache, as dd's zeros are
  start=$(date +%s.%N)
  status=$(curl -s -X POST -o "$WORK/answer.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -T "$WORK/upload.las" "http://127.0.0.1:$PORT/api/sites/UP-1/assets?filename=run$run.las")
  up_s=$(echo "$(date +%s.%N) - $start" | bc)
  kill $sampler 2>/dev/null || true; wait $sampler 2>/dev/null || true
  peak=$(sort -n "$WORK/rss.$run" | tail -1)
  # The next run must store a new blob: change the file's last byte.
  printf "\\x$(printf %02x "$run")" | dd of="$WORK/upload.las" bs=1 seek=$((BYTES - 1)) conv=notrunc status=none
  printf 'run %d: dd %.2f s (%.0f MB/s)   upload %s %.2f s (%.0f MB/s), server peak %d MB\n' "$run" \
    "$dd_s" "$(echo "$BYTES / $dd_s / 1000000" | bc -l)" "$status" "$up_s" \
    "$(echo "$BYTES / $up_s / 1000000" | bc -l)" $((peak / 1024))
  dds+=("$dd_s"); uploads+=("$up_s")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dd_m=$(median "${dds[@]}"); up_m=$(median "${uploads[@]}")
printf 'median: dd %.0f MB/s, upload %.0f MB/s, upload/dd %.2f (target >= 0.70)\n' \
  "$(echo "$BYTES / $dd_m / 1000000" | bc -l)" "$(echo "$BYTES / $up_m / 1000000" | bc -l)" \
  "$(echo "$dd_m / $up_m" | bc -l)"
