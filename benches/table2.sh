#!/usr/bin/env bash
# Table 2 of BENCHMARKS.md: the circuit tasks, gradient back ends (100 runs each) and the exact
# back ends (sat: 10 runs, smt with z3: 3 runs; both deterministic up to the SAT seed) in one
# sweep on one machine. Needs z3 on PATH for the smt rows. About an hour on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
circuits="programs/circuit_nand.tpt programs/circuit_swap.tpt programs/circuit_shift.tpt programs/circuit_adder.tpt programs/circuit_2bit_adder.tpt programs/circuit_2bit_adder_16.tpt"
./target/release/tpt bench $circuits --backends fmgd,gradsearch,gradsearch-ra,gradsearch-plus,gradsearch-la \
    --runs 100 --max-steps 20000 --timeout 60 --jobs 2 --csv benches/results/table2.csv > benches/results/table2.md
./target/release/tpt bench $circuits --backends sat --runs 10 --timeout 300 --jobs 1 \
    --csv benches/results/table2_sat.csv > benches/results/table2_sat.md
./target/release/tpt bench $circuits --backends smt --runs 3 --timeout 300 --jobs 1 \
    --csv benches/results/table2_smt.csv > benches/results/table2_smt.md
# The integer SMT encoding, for comparison (about 20 minutes: z3 does not finish the
# 16-example adder in 300 s).
./target/release/tpt bench $circuits --backends smt --opt ints=1 --runs 3 --timeout 300 --jobs 1 \
    --csv benches/results/table2_smt_int.csv > benches/results/table2_smt_int.md
# What the gradient's ranking buys: the same lookahead on a random shortlist, and exact local
# search on the whole neighbourhood (10 runs each, the budget above).
./target/release/tpt bench $circuits --backend gradsearch-la --opt rank=random --runs 10 --max-steps 20000 \
    --timeout 60 --jobs 1 --csv benches/results/table2_la_random.csv > benches/results/table2_la_random.md
./target/release/tpt bench $circuits --backend local-search --runs 10 --max-steps 20000 --timeout 60 --jobs 1 \
    --csv benches/results/table2_local_search.csv > benches/results/table2_local_search.md
./target/release/tpt bench --from-csv benches/results/table2.csv --from-csv benches/results/table2_sat.csv \
    --from-csv benches/results/table2_smt.csv --plot benches/results/table2.svg > /dev/null
