#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for SECONDS each (default 300), seeded with the
# shipped programs and the broken programs of the tests. Findings land in fuzz/artifacts/.
#   fuzz/run.sh [SECONDS] [TARGET...]
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
    cp -n ../programs/*.tpt ../programs/bound/*.tpt ../tests/errors/*.tpt ../tests/fmt/*.tpt "corpus/$target/" 2>/dev/null || true
    cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048
done
