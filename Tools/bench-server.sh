#!/usr/bin/env bash
# `heritage serve` under load: store-bench's register of SITES sites (default a million,
# 25-45° N, 25-55° E), served by heritage-server on loopback, hit by wrk (Debian's package)
# from this machine: radius queries at random points, one site's JSON by random code, and
# sign-ins (bcrypt, cost 12). Latency percentiles from wrk's --latency; the server's resident
# memory before and after, from /proc.
#
#   Tools/bench-server.sh              SITES=100000 SECONDS_EACH=20 Tools/bench-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${SITES:-1000000}
SECONDS_EACH=${SECONDS_EACH:-30}
CONNECTIONS=${CONNECTIONS:-8}
WORK=${WORK:-/tmp/heritage-server-bench}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
swift build -c release --product store-bench >/dev/null
swift build -c release --product heritage >/dev/null
swift build -c release --product heritage-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
rm -rf "$WORK"; mkdir -p "$WORK"
echo "== $SITES sites, $(nproc) cores, $(date -u +%FT%TZ)"
"$BIN/store-bench" --sites "$SITES" --keep-archive "$WORK/archive" | tail -3
printf 'bench password 1\n' | "$BIN/heritage" user add bench --role viewer --password-stdin \
  --archive "$WORK/archive" --actor setup >/dev/null
TOKEN=$("$BIN/heritage" user token bench --archive "$WORK/archive" --actor setup | tail -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/heritage-server" --archive "$WORK/archive" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done
# Resident memory, and how much of it is the registry's pages mapped from disk (reclaimable).
rss() { awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s KB  ", $1, $2} END {print ""}' "/proc/$SERVER/status"; }
echo "server resident at start: $(rss)"

cat >"$WORK/near.lua" <<LUA
math.randomseed(42)
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  local lat = 25 + math.random() * 20
  local lon = 25 + math.random() * 30
  return wrk.format("GET", string.format("/api/sites?near=%.5f,%.5f&radiusKm=10", lat, lon))
end
LUA
# The same queries at about 1,000 a second: each of 16 connections pauses 12 ms before each
# request (wrk has no fixed-rate mode; wrk's latency counts from the send, not the pause).
sed 's/^request = function()/delay = function() return 12 end\nrequest = function()/' "$WORK/near.lua" \
  >"$WORK/near-paced.lua"
cat >"$WORK/site.lua" <<LUA
math.randomseed(7)
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  return wrk.format("GET", "/api/sites/BENCH-" .. math.random(0, $SITES - 1))
end
LUA
cat >"$WORK/login.lua" <<'LUA'
wrk.method = "POST"
wrk.path = "/api/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username": "bench", "password": "bench password 1"}'
LUA
run() {
  local name=$1 script=$2 connections=$3
  echo "== $name ($connections connections, ${SECONDS_EACH} s)"
  wrk -t2 -c"$connections" -d"${SECONDS_EACH}s" --latency -s "$script" "http://127.0.0.1:$PORT" \
    | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%|^ +99.000%"
}
run "radius 10 km at random points, as fast as it goes" "$WORK/near.lua" "$CONNECTIONS"
run "radius 10 km at random points, paced to about 1,000/s" "$WORK/near-paced.lua" 16
run "one site's JSON by random code" "$WORK/site.lua" "$CONNECTIONS"
run "sign-in (bcrypt cost 12)" "$WORK/login.lua" 2
echo "server resident at the end: $(rss)"
