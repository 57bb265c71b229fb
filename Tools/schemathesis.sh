#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a live `heritage serve` on the demo archive, signed in as an
# admin with a bearer token: every operation of /openapi.json with generated inputs, checking
# that no answer is a 5xx and that each matches the document (status, content type, schema).
#
#   Tools/schemathesis.sh [SECONDS]     (default 300; needs a release build of both binaries)
#
# Work goes to $SCHEMATHESIS_WORK (default /tmp/heritage-schemathesis); the server's log is
# left there as server.log. Exits non-zero on any failure schemathesis reports.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
work=${SCHEMATHESIS_WORK:-/tmp/heritage-schemathesis}
rm -rf "$work" && mkdir -p "$work"
if [ ! -x .build-bagit/bin/schemathesis ]; then
  python3 -m venv .build-bagit && .build-bagit/bin/pip install -q schemathesis
fi
swift build -c release --product heritage >/dev/null
swift build -c release --product heritage-server >/dev/null
bin=$(swift build -c release --show-bin-path)
"$bin/heritage" demo --into "$work/demo" >/dev/null
archive="$work/demo"
printf 'schemathesis password 1\n' | "$bin/heritage" user add fuzz-admin --role admin --restricted-access \
  --password-stdin --archive "$archive" --actor setup >/dev/null
token=$("$bin/heritage" user token fuzz-admin --label schemathesis --archive "$archive" --actor setup | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/heritage-server" --archive "$archive" --port "$port" --signing-key "$work/demo/keys/demo-signing-key" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
.build-bagit/bin/schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-time "$seconds" --workers 2 --suppress-health-check all \
  --report junit --report-dir "$work/report"
