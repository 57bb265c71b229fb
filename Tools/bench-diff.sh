#!/usr/bin/env bash
# The diff engine's benchmark, side by side with the peers, in one sitting:
#   1. ../shared/peers/run_peers.sh (ONLY="c2c c2m normals m3c2 icp", inputs reused if present)
#      times CloudCompare, Open3D, py4dgeo and scipy and scores them against the ground truth;
#   2. the same inputs through `heritage diff` (C2C, C2M, M3C2: whole process, writing the PLY,
#      the JSON and three heat maps) and `diff-bench` (normals, ICP), timed by hyperfine with
#      peak memory from GNU time, scored by Tools/bench/score-diff.py with the peers' metrics.
# Prints a table of medians, ratios and quality. Needs what run_peers.sh needs (see its README).
#
#   Tools/bench-diff.sh                      (about 15 minutes on 2 cores)
#   RUNS=1 PEER_RUNS="RUNS_FAST=1 RUNS_SLOW=1" Tools/bench-diff.sh   (quicker, noisier)
#   ONLY="m3c2" Tools/bench-diff.sh          (a subset: c2c c2m normals m3c2 icp)
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=$(cd ../shared/peers && pwd)
WORK=${PEERS_WORK:-/tmp/heritage-peers}
IN=$WORK/inputs
RES=$WORK/results
OURS=$WORK/heritage
PY=${PY:-$WORK/venv/bin/python}
RUNS=${RUNS:-3}
[ -x "$PEERS/run_peers.sh" ] || { echo "needs ../shared/peers (the peer harness)"; exit 1; }
# One product per build: given two, swift build builds only the last.
swift build -c release --product heritage >/dev/null
swift build -c release --product diff-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
SKIP_GEN=${SKIP_GEN:-1}
ONLY=${ONLY:-"c2c c2m normals m3c2 icp"}
has() { [[ " $ONLY " == *" $1 "* ]]; }
env ${PEER_RUNS:-RUNS_FAST=3 RUNS_SLOW=2} SKIP_GEN=$SKIP_GEN ONLY="$ONLY" \
  "$PEERS/run_peers.sh" > "$WORK/bench-diff-peers.log" 2>&1 || { tail -20 "$WORK/bench-diff-peers.log"; exit 1; }
rm -rf "$OURS"; mkdir -p "$OURS"

ours() {  # name command... (output folder $OURS/NAME is emptied before each run)
  local name=$1; shift
  hyperfine -N --style none --runs "$RUNS" --warmup 0 --prepare "rm -rf $OURS/$name" \
    --export-json "$OURS/$name.json" "$*" > /dev/null
  rm -rf "$OURS/$name"
  /usr/bin/time -f "%M" -o "$OURS/$name.rss" "$@" > "$OURS/$name.stdout"
}
M3C2="--cores $IN/core_500k.ply --normal-radius 0.10 --cylinder-radius 0.05 --cylinder-half-length 0.30 --registration-error 0.001"
score() { PEERS=$PEERS "$PY" Tools/bench/score-diff.py "$@" | "$PY" -c "import json,sys; q=json.load(sys.stdin)['quality']; print(' '.join(f'{k}={v}' for k,v in q.items() if k!='thr'))"; }
if has c2c; then
  ours c2c "$BIN/heritage" diff "$IN/before_1M.ply" "$IN/after_1M.ply" --method c2c --out "$OURS/c2c"
  q_c2c=$(score c2c "$OURS/c2c/changes.ply" "$IN/truth.npz")
fi
if has c2m; then
  ours c2m "$BIN/heritage" diff "$IN/mesh_1M.obj" "$IN/after_1M.ply" --method c2m --out "$OURS/c2m"
  q_c2m=$(score c2m "$OURS/c2m/changes.ply" "$IN/truth.npz")
fi
if has m3c2; then
  ours m3c2 "$BIN/heritage" diff "$IN/before_1M.ply" "$IN/after_1M.ply" $M3C2 --out "$OURS/m3c2"
  q_m3c2=$(score m3c2 "$OURS/m3c2/changes.ply" "$IN/truth.npz")
fi
if has normals; then
  ours normals "$BIN/diff-bench" normals "$IN/before_1M.ply" 0.05 "$OURS/normals.ply"
  q_normals=$(score normals "$OURS/normals.ply" "$IN/before_1M.ply")
fi
if has icp; then
  ours icp "$BIN/diff-bench" icp "$IN/before_1M.ply" "$IN/after_1M_moved.ply"
  q_icp=$(score icp "$OURS/icp.stdout" "$IN/truth.npz")
fi

median() { python3 -c "import json,sys; t=sorted(json.load(open(sys.argv[1]))['results'][0]['times']); print(t[len(t)//2])" "$1"; }
printf '| task | heritage s | peak MiB | peer | peer s | ratio | target | heritage quality | peer quality |\n|---|---|---|---|---|---|---|---|---|\n'
row() {  # ours peer label target quality
  local a b r pq
  a=$(median "$OURS/$1.json"); b=$(median "$RES/$2.json")
  r=$(python3 -c "print(f'{$a/$b:.2f}')")
  pq=$(grep -F "| $2 |" "$RES/summary.md" | awk -F'|' '{print $(NF-1)}' | sed 's/^ *//; s/ *$//')
  printf '| %s | %.2f | %d | %s | %.2f | %s | %s | %s | %s |\n' "$3" "$a" $(( $(cat "$OURS/$1.rss") / 1024 )) "$2" "$b" "$r" "$4" "$5" "$pq"
}
if has c2c; then row c2c c2c_cloudcompare "C2C 1M vs 1M" "≤ 0.50" "$q_c2c"; fi
if has c2m; then row c2m c2m_cloudcompare "C2M 1M pts vs 1M tris" "≤ 0.50" "$q_c2m"; fi
if has normals; then row normals normals_open3d "normals r=5cm, 1M" "≤ 0.50" "$q_normals"; fi
if has m3c2; then row m3c2 m3c2_py4dgeo "M3C2 500k core, 1M+1M" "≤ 0.10" "$q_m3c2"; fi
if has icp; then row icp icp_py4dgeo_p2l "ICP point-to-plane 1M to 1M" "≤ 0.33" "$q_icp"; fi
echo
grep -E "^Versions|^Inputs" "$RES/summary.md" || true
