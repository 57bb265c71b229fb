#!/usr/bin/env bash
# Screenshots of the web pages for docs/screenshots/ (the README and docs/web.md show them):
# builds the demo archive, serves it (`heritage demo --serve`), and has headless Chromium visit
# every page as the demo administrator (Tools/screenshot-pages.py). Needs chromium,
# chromium-driver, libjs-leaflet, libjs-three and selenium in .build-bagit (.ci/run installs them).
#
#   Tools/screenshot-pages.sh [OUT_FOLDER]      (default docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-docs/screenshots}
WORK=$(mktemp -d /tmp/heritage-screens.XXXXXX)
swift build -c release --product heritage >/dev/null
swift build -c release --product heritage-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/heritage" demo --into "$WORK/demo" --serve --port "$PORT" >"$WORK/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null; pkill -f "heritage-server --archive $WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.5; done
PASSWORD=$(awk '$1 == "demo-admin" {print $2}' "$WORK/demo.log")
mkdir -p "$OUT"
.build-bagit/bin/python Tools/screenshot-pages.py "http://127.0.0.1:$PORT" demo-admin "$PASSWORD" "$OUT"
