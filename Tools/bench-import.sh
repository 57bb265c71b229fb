#!/usr/bin/env bash
# The importer's benchmark, side by side with the peers, in one sitting:
#   1. ../shared/peers/run_peers.sh with ONLY=read generates the inputs (2M-point binary and ASCII
#      PLY, 1M-triangle OBJ) and times plyfile, Open3D, trimesh and CloudCompare loading them;
#   2. the same inputs through `heritage inspect` (whole process, hyperfine, same run counts),
#      peak memory with GNU time;
#   3. blob hashing (Tools/ScanBench) against `openssl speed -evp sha256` on 16 KiB blocks.
# Prints a table of medians and ratios. Needs what run_peers.sh needs (see its README).
#
#   Tools/bench-import.sh            (about 3 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=../shared/peers
WORK=${PEERS_WORK:-/tmp/heritage-peers}
IN=$WORK/inputs
RES=$WORK/results
[ -x "$PEERS/run_peers.sh" ] || { echo "needs ../shared/peers (the peer harness)"; exit 1; }
swift build -c release --product heritage --product scan-bench >/dev/null
ONLY=read "$PEERS/run_peers.sh" > "$WORK/bench-import-peers.log" 2>&1 || { tail -20 "$WORK/bench-import-peers.log"; exit 1; }
median() { python3 -c "import json,sys; print(sorted(json.load(open(sys.argv[1]))['results'][0]['times'])[len(json.load(open(sys.argv[1]))['results'][0]['times'])//2])" "$1"; }
ours() {  # name runs file
  hyperfine -N --style none --runs "$2" --warmup 1 --export-json "$RES/heritage_$1.json" \
    ".build/release/heritage inspect $3" > /dev/null
  /usr/bin/time -f "%M" -o "$RES/heritage_$1.rss" .build/release/heritage inspect "$3" > /dev/null
}
ours read_bin 5 "$IN/read_2M_bin.ply"
ours read_ascii 3 "$IN/read_2M_ascii.ply"
ours read_obj 5 "$IN/mesh_1M.obj"
printf '| input | heritage inspect s | peak MiB | peer | peer s | ratio | target |\n|---|---|---|---|---|---|---|\n'
row() {  # ours peer label target
  local a b r
  a=$(median "$RES/heritage_$1.json"); b=$(median "$RES/$2.json")
  r=$(python3 -c "print(f'{$a/$b:.2f}')")
  printf '| %s | %.3f | %d | %s | %.3f | %s | %s |\n' "$3" "$a" $(( $(cat "$RES/heritage_$1.rss") / 1024 )) "$2" "$b" "$r" "$4"
}
row read_bin read_bin_plyfile "PLY binary, 2M points, 48 MB" "≤ 0.50"
row read_ascii read_ascii_cloudcompare "PLY ASCII, 2M points, 111 MB" "≤ 0.25"
row read_obj read_obj_cloudcompare "OBJ, 1M triangles, 37 MB" "≤ 0.25"
hash=$(.build/release/scan-bench "$IN/read_2M_ascii.ply" 8 | sed -E 's/.* ([0-9]+) MB\/s/\1/')
openssl=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null | awk '/^sha256/ {sub("k","",$2); printf "%.0f", $2/1000}')
printf '| blob hashing | %s MB/s | | openssl speed sha256, 16 KiB | %s MB/s | %s | ≥ 0.80 |\n' "$hash" "$openssl" \
  "$(python3 -c "print(f'{$hash/$openssl:.2f}')")"
echo
grep -E "^Versions|^Inputs" "$WORK/bench-import-peers.log" || true
