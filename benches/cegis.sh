#!/usr/bin/env bash
# "Counterexample guidance for the gradient search" in BENCHMARKS.md: gradsearch-la without
# --cegis, with --cegis=first and with --cegis=all, run back to back with the same seed (so that
# the three arms of a seed see the same load of a shared machine), seeds 1..RUNS (default 20)
# on the 16-example circuits and 1..MUX_RUNS (default 10) on the 64-example multiplexer, each
# run limited to 100,000 steps and TIMEOUT seconds (default 60); then the multiplexer once more
# without and with --cegis=first under a 30 s budget and no step limit (equal time, not equal
# steps). One JSON line per run goes to benches/results/cegis.jsonl; the summary to cegis.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
TPT=${TPT:-./target/release/tpt}
RUNS=${RUNS:-20}
MUX_RUNS=${MUX_RUNS:-10}
TIMEOUT=${TIMEOUT:-60}
out=${OUT:-benches/results/cegis}
: > "$out.jsonl"
one() {
    local file=$1 label=$2 arm=$3 seed=$4
    shift 4
    # A run that finds nothing exits 1; its JSON is a row like any other.
    { "$TPT" synth "$file" --backend gradsearch-la --seed "$seed" --no-distinguish --json "$@" 2> /dev/null || true; } |
        python3 -c "
import json, sys
d = json.load(sys.stdin); c = d.get('cegis')
print(json.dumps({'file': '$label', 'arm': '$arm', 'seed': $seed, 'status': d['status'], 'steps': d['steps'],
                  'seconds': d['seconds'], 'examples': len(c['examples']) if c else None}))" >> "$out.jsonl"
}
triples() {
    local file=$1 runs=$2
    for seed in $(seq 1 "$runs"); do
        one "$file" "$file" off "$seed" --timeout "$TIMEOUT"
        one "$file" "$file" first "$seed" --timeout "$TIMEOUT" --cegis=first
        one "$file" "$file" all "$seed" --timeout "$TIMEOUT" --cegis=all
    done
}
for file in programs/circuit_2bit_adder_16.tpt programs/circuit_less_than.tpt programs/circuit_subtractor.tpt; do
    triples "$file" "$RUNS"
done
triples programs/circuit_mux4.tpt "$MUX_RUNS"
for seed in $(seq 1 "$MUX_RUNS"); do
    for arm in off first; do
        extra=()
        [ "$arm" = first ] && extra=(--cegis=first)
        one programs/circuit_mux4.tpt "programs/circuit_mux4.tpt (30 s)" "$arm" "$seed" --timeout 30 --max-steps 1000000000 "${extra[@]}"
    done
done
python3 - "$out.jsonl" > "$out.md" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
cells = {}
for row in rows:
    cells.setdefault((row["file"], row["arm"]), []).append(row)
print("| file | arm | found | median steps | median time | µs per step | examples at the end (median, range) |")
print("|---|---|---|---|---|---|---|")
for (file, arm), runs in cells.items():
    found = sum(r["status"] == "found" for r in runs)
    steps = statistics.median(r["steps"] for r in runs)
    seconds = statistics.median(r["seconds"] for r in runs)
    per_step = 1e6 * sum(r["seconds"] for r in runs) / sum(r["steps"] for r in runs)
    examples = [r["examples"] for r in runs if r["examples"] is not None]
    ends = f"{statistics.median(examples):g} ({min(examples)}-{max(examples)})" if examples else "all"
    print(f"| {file} | {arm} | {found}/{len(runs)} | {steps:,.0f} | {seconds:.2f} s | {per_step:.0f} | {ends} |")
PY
cat "$out.md"
