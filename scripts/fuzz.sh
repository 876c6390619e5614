#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a
# bounded time, seeded from samples/. Usage: scripts/fuzz.sh [SECONDS_EACH] [TARGET...]
# `make test` runs it with a short budget; run it longer locally:
#   scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
shift || true
BUILD=build-fuzz
if ! command -v clang++ >/dev/null; then echo "fuzz: clang++ is missing (apt-get install clang)"; exit 1; fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWATCHFLOOR_FUZZ=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$BUILD" -j "$(nproc)" >/dev/null
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=($(cd "$BUILD/tests/fuzz" && ls fuzz_* | grep -v '\.' ))
fi
passed=0; failed=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"
  mkdir -p "$corpus"
  format=${t#fuzz_format_}
  seeds=()
  if [ "$t" != "$format" ] && [ -d "samples/$format" ]; then seeds+=("samples/$format"); fi
  if [ "$t" = fuzz_observables ]; then seeds+=(samples); fi
  if [ "$t" = fuzz_email ]; then seeds+=(samples/email); fi
  if [ "$format" = kibana ] && [ -d samples/elastic ]; then seeds+=(samples/elastic); fi
  # Seed directories are read recursively only by -seed_inputs; copy the samples in.
  for d in "${seeds[@]}"; do find "$d" \( -name '*.json' -o -name '*.eml' \) -exec cp {} "$corpus/" \; ; done
  echo "fuzz: $t for ${SECONDS_EACH}s"
  if "$BUILD/tests/fuzz/$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 "$corpus" > "$BUILD/$t.log" 2>&1; then
    passed=$((passed + 1))
    grep -E "stat::number_of_executed_units" "$BUILD/$t.log" | sed "s/^/  $t: /" || true
  else
    failed=$((failed + 1))
    echo "fuzz: $t FAILED; see $BUILD/$t.log"
    tail -30 "$BUILD/$t.log"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
