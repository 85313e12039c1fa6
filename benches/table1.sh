#!/usr/bin/env bash
# Table 1 of BENCHMARKS.md: the parity chain, every back end of the paper's table 1 plus ours,
# K = 4..256, 100 runs each. About 35 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/tpt bench programs/parity_chain.tpt \
    --backends fmgd,fmgd-reg,temp-softmax,temp-softmax-reg,gumbel,neural,ste,bop,gradsearch,gradsearch-ra,gradsearch-plus,gradsearch-la \
    --runs 100 --set K=4,8,16,32,64,128,256 --max-steps 10000 --jobs 1 \
    --csv benches/results/table1.csv --plot benches/results/table1.svg > benches/results/table1.md
