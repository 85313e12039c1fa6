#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for SECONDS each (default 300), seeded with the
# shipped programs and the programs of the tests, mutated with the language's tokens
# (tpt.dict), in one process. Findings land in fuzz/artifacts/.
#   fuzz/run.sh [SECONDS] [TARGET...]
#   RUNS=1000000 fuzz/run.sh 7200 lex   # stop after RUNS inputs, or SECONDS, whichever is first
# cargo fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain build them.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(lex parse check lower pipeline); fi
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    for dir in programs programs/bound tests/errors tests/fmt tests/optimize tests/noisy tests/distinguish tests/cegis tests/impossible; do
        for file in ../"$dir"/*.tpt; do
            # Distinct names: several directories hold a file of the same name.
            cp -n "$file" "corpus/$target/${dir//\//_}_$(basename "$file")" 2>/dev/null || true
        done
    done
    cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -dict=tpt.dict ${RUNS:+-runs="$RUNS"}
done
