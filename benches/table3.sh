#!/usr/bin/env bash
# Table 3 of BENCHMARKS.md: the circuits beyond the paper's table 2 (16 and 64 examples, and an
# impossible one), every kind of back end on one machine. The three back ends the goal is stated
# for (auto, gradsearch-la, sat) run in one sweep, RUNS runs per cell (default 20); the
# references (gradsearch-la ranked at random, local-search, sat counterexample-guided, smt with
# z3 on PATH) REF_RUNS runs per cell (default 5); the 64-example multiplexer, which no back end
# solves within the limit, MUX_RUNS runs (default 2). Each run is limited to TIMEOUT seconds
# (default 60). With the defaults this takes about two hours on 2 cores: every run of a back end
# that cannot solve a file lasts TIMEOUT.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
TPT=${TPT:-./target/release/tpt}
RUNS=${RUNS:-20}
REF_RUNS=${REF_RUNS:-5}
MUX_RUNS=${MUX_RUNS:-2}
TIMEOUT=${TIMEOUT:-60}
FILES="programs/circuit_2bit_adder_16.tpt programs/circuit_less_than.tpt programs/circuit_subtractor.tpt programs/circuit_less_than_3_gates.tpt"
out=benches/results/table3
run() {
    local name=$1 runs=$2 files=$3
    shift 3
    # shellcheck disable=SC2086
    "$TPT" bench $files --runs "$runs" --timeout "$TIMEOUT" --jobs 1 "$@" --csv "${out}_$name.csv" > "${out}_$name.md"
}
run core "$RUNS" "$FILES" --backends auto,gradsearch-la,sat
run gradsearch-la-random "$REF_RUNS" "$FILES" --backend gradsearch-la --opt rank=random
run local-search "$REF_RUNS" "$FILES" --backend local-search
run sat-cegis "$REF_RUNS" "$FILES" --backend sat --opt cegis=true
run smt "$REF_RUNS" "$FILES" --backend smt
run mux4 "$MUX_RUNS" programs/circuit_mux4.tpt --backends auto,gradsearch-la,sat
# The option runs carry the back end's name only: name their rows by the option.
sed -i 's/,gradsearch-la,/,gradsearch-la rank=random,/' "${out}_gradsearch-la-random.csv"
sed -i 's/,sat,/,sat cegis=true,/' "${out}_sat-cegis.csv"
"$TPT" bench --from-csv "${out}_core.csv" --from-csv "${out}_gradsearch-la-random.csv" \
    --from-csv "${out}_local-search.csv" --from-csv "${out}_sat-cegis.csv" --from-csv "${out}_smt.csv" \
    --from-csv "${out}_mux4.csv" --csv "${out}.csv" > "${out}.md"
