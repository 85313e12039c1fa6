#!/usr/bin/env bash
# Table 3 of BENCHMARKS.md: the circuits beyond the paper's table 2 (16 and 64 examples, and an
# impossible one), every kind of back end in one sweep on one machine: auto, gradsearch-la
# ranked by the Taylor score and at random, local-search, sat all at once and
# counterexample-guided, and smt (z3 on PATH). RUNS runs per cell (default 20), each limited to
# TIMEOUT seconds (default 120); FILES overrides the programs. With the defaults this takes
# hours on 2 cores: every run of a back end that cannot solve a file lasts TIMEOUT.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
TPT=${TPT:-./target/release/tpt}
RUNS=${RUNS:-20}
TIMEOUT=${TIMEOUT:-120}
FILES=${FILES:-"programs/circuit_2bit_adder_16.tpt programs/circuit_less_than.tpt programs/circuit_subtractor.tpt programs/circuit_mux4.tpt programs/circuit_less_than_3_gates.tpt"}
out=benches/results/table3
run() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    "$TPT" bench $FILES --runs "$RUNS" --timeout "$TIMEOUT" --jobs 1 "$@" \
        --csv "${out}_$name.csv" > "${out}_$name.md"
}
run auto --backend auto
run gradsearch-la --backend gradsearch-la
run gradsearch-la-random --backend gradsearch-la --opt rank=random
run local-search --backend local-search
run sat --backend sat
run sat-cegis --backend sat --opt cegis=true
run smt --backend smt
# The option runs carry the back end's name only: name their rows by the option.
sed -i 's/,gradsearch-la,/,gradsearch-la rank=random,/' "${out}_gradsearch-la-random.csv"
sed -i 's/,sat,/,sat cegis=true,/' "${out}_sat-cegis.csv"
"$TPT" bench --from-csv "${out}_auto.csv" --from-csv "${out}_gradsearch-la.csv" \
    --from-csv "${out}_gradsearch-la-random.csv" --from-csv "${out}_local-search.csv" \
    --from-csv "${out}_sat.csv" --from-csv "${out}_sat-cegis.csv" --from-csv "${out}_smt.csv" \
    --csv "${out}.csv" > "${out}.md"
