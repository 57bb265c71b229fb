#!/usr/bin/env bash
# Renders a report in a real browser (headless Chromium) to look at it: a PNG of the page and
# the PDF a browser prints. Needs Debian's chromium (apt-get install chromium).
#   Tools/screenshot-report.sh REPORT_FOLDER OUT.png [WIDTH] [HEIGHT]
# Example: heritage demo --into /tmp/demo && Tools/screenshot-report.sh /tmp/demo/reports/XX-DEMO-MAU docs/report.png
set -euo pipefail
folder=${1:?usage: $0 REPORT_FOLDER OUT.png [WIDTH] [HEIGHT]}
out=${2:?usage: $0 REPORT_FOLDER OUT.png [WIDTH] [HEIGHT]}
width=${3:-1200}
height=${4:-3200}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "no chromium found: apt-get install chromium" >&2
  exit 2
fi
page="file://$(cd "$folder" && pwd)/report.html"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions)
"$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$out" "$page" 2>/dev/null
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="${out%.png}.pdf" "$page" 2>/dev/null
echo "wrote $out and ${out%.png}.pdf"
