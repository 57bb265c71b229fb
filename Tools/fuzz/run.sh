#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for ScanImport's parsers.
#
#   Tools/fuzz/run.sh [ply|obj|las|laz|e57|exif|world|all] [SECONDS]     (default: all, 600 s each)
#
# Each target is compiled with -sanitize=fuzzer,address from ScanImport's sources (the pixel
# codecs, which call C libraries, are left out), seeded from ../shared/data when it exists, and
# run for SECONDS. Work goes to .build-fuzz/ (git-ignored); crash inputs land in
# .build-fuzz/artifacts/<target>/ and make the script exit non-zero. Turn each one into a
# regression test.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=${1:-all}
seconds=${2:-600}
[ "$targets" = all ] && targets="ply obj las laz e57 exif world"
work=.build-fuzz
mkdir -p "$work"
sources=$(find Sources/ScanImport -name '*.swift' ! -path '*/Codecs/*' ! -name 'Thumbnail.swift' ! -name 'ScanInspector.swift' ! -name 'ScanLoader.swift')
shared=../shared/data
status=0
for target in $targets; do
  upper=$(echo "$target" | tr a-z A-Z)
  binary="$work/fuzz-$target"
  echo "== building $binary"
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name ScanImportFuzz \
    $sources "Tools/fuzz/Fuzz$upper.swift" -o "$binary"
  corpus="$work/corpus/$target"
  mkdir -p "$corpus" "$work/artifacts/$target"
  if [ -d "$shared" ]; then
    case $target in
      ply) find "$shared/scans" -name '*.ply' -size -2M -exec cp -n {} "$corpus/" \; ;;
      obj) find "$shared/scans" -name '*.obj' -size -2M -exec cp -n {} "$corpus/" \; ;;
      las) find "$shared/lidar" -name '*.las' -exec cp -n {} "$corpus/" \; ;;
      laz) find "$shared/pointclouds/laz" -name '*.laz' -exec cp -n {} "$corpus/" \; ;;
      e57) find "$shared/pointclouds/e57" -name '*.e57' -exec cp -n {} "$corpus/" \; ;;
      exif) find "$shared/photos" -name '*.jpg' -size -300k -exec cp -n {} "$corpus/" \; ;;
    esac
  fi
  # LAS 1.4 (layered) LAZ files: the tests' twins, written by laspy and lazrs when they are here;
  # and the COPC tests' files, written by copc-lib.
  if [ "$target" = laz ] && .build-bagit/bin/python -c "import laspy, lazrs" 2>/dev/null; then
    seeds=$(mktemp -d)
    .build-bagit/bin/python Tests/ScanImportTests/laz_fixtures.py "$seeds" \
      && find "$seeds" -name '*.laz' -size -256k -exec cp {} "$corpus/" \;
    if .build-bagit/bin/python -c "import copclib" 2>/dev/null; then
      .build-bagit/bin/python Tests/ScanImportTests/copc_fixtures.py "$seeds" \
        && find "$seeds" -name '*.copc.laz' -size -256k -exec cp {} "$corpus/" \;
    fi
    rm -rf "$seeds"
  fi
  # World files have no shared samples: two valid ones, written here.
  if [ "$target" = world ]; then
    printf '0.05\n0\n0\n-0.05\n500000.025\n4000000.975\n' > "$corpus/seed-1.jgw"
    printf '  1.0e-1 \r\n0.0\r\n0.0\r\n-1E-1\r\n-12.5\r\n7\r\n\r\n' > "$corpus/seed-2.jgw"
  fi
  echo "== fuzzing $target for $seconds s"
  if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$binary" "$corpus" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=262144 \
      -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1 2>"$work/fuzz-$target.log"; then
    echo "!! $target found a failure; see $work/fuzz-$target.log and $work/artifacts/$target/"
    status=1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/fuzz-$target.log" | tail -2 || true
done
exit $status
