#!/usr/bin/env bash
# The benchmarks of issue 6 in one command, from a clean checkout:
#   tests/bench/run.sh                      # full scale: 1M alerts, 50k cases, 1M observables, 5M links
#   BENCH_SCALE=small tests/bench/run.sh    # 100k alerts, 5k cases, 100k observables, 500k links
#
# Builds the bench programs in Release (build-bench/), seeds a database
# (kept and reused: build-bench/bench/<scale>.db; BENCH_RESEED=1 refills it),
# runs the ingest benchmark (HTTP ceiling, storage ceiling, server closed loop,
# server at a fixed rate) and the query benchmark (with EXPLAIN QUERY PLAN of
# every statement), then prints one table of every figure with the load
# average next to it. The full output is kept in build-bench/bench/report-*.txt.
#
# Environment: BENCH_SCALE (full|small|tiny), BENCH_RESEED, BENCH_DURATION
# (measured seconds per ingest path, default 10), BENCH_RATE (fixed rates, default "5000,2500"),
# BENCH_CONNECTIONS (default 64), BENCH_ITERATIONS (per query, default 1000),
# BENCH_IO_THREADS (server I/O threads, default 1), BENCH_JOBS (build jobs, default 2),
# BENCH_BUILD_DIR (default build-bench), BENCH_INGEST_ON_SEED=1 (also ingest into a
# copy of the seeded database: the storage and server paths at scale; needs its size free).
# Benchmarks never fail on time: the exit status says only whether they ran.
set -euo pipefail

cd "$(dirname "$0")/../.."
build=${BENCH_BUILD_DIR:-build-bench}
scale=${BENCH_SCALE:-full}
case "$scale" in
  full) seed_args=(--alerts 1000000 --cases 50000 --observables 1000000 --links 5000000) ;;
  small) seed_args=(--alerts 100000 --cases 5000 --observables 100000 --links 500000) ;;
  tiny) seed_args=(--alerts 10000 --cases 500 --observables 10000 --links 50000) ;;
  *) echo "BENCH_SCALE must be full, small or tiny" >&2; exit 2 ;;
esac

out_dir="$build/bench"
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$out_dir/report-$scale-$stamp.txt"
summary="$out_dir/summary-$scale-$stamp.tsv"
db="$out_dir/$scale.db"
: > "$summary"
exec > >(tee "$report") 2>&1

echo "== Watchfloor benchmarks (issue 6), scale $scale, $(date -u +%FT%TZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
     "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM;"\
     "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"
echo "uptime: $(uptime)"

echo
echo "== Build (Release, -j${BENCH_JOBS:-2})"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DWATCHFLOOR_BUILD_TESTS=ON > "$out_dir/cmake.log"
cmake --build "$build" --target wf_bench_ingest wf_bench_seed wf_bench_query -j "${BENCH_JOBS:-2}" \
  > "$out_dir/build.log" || { tail -40 "$out_dir/build.log"; exit 1; }
bin="$build/tests/bench"
echo "built $bin/wf_bench_{ingest,seed,query}"

echo
echo "== Seed ($scale)"
if [[ -f "$db" && -z "${BENCH_RESEED:-}" ]]; then
  echo "reusing $db ($(du -h "$db" | cut -f1)); BENCH_RESEED=1 refills it"
else
  "$bin/wf_bench_seed" --db "$db" --force "${seed_args[@]}"
fi

echo
echo "== Ingest"
"$bin/wf_bench_ingest" --duration "${BENCH_DURATION:-10}" --rate "${BENCH_RATE:-5000,2500}" \
  --connections "${BENCH_CONNECTIONS:-64}" --io-threads "${BENCH_IO_THREADS:-1}" --summary "$summary"

if [[ -n "${BENCH_INGEST_ON_SEED:-}" ]]; then
  echo
  echo "== Ingest into a copy of the seeded database ($scale)"
  cp "$db" "$out_dir/ingest-$scale.db"
  "$bin/wf_bench_ingest" --db "$out_dir/ingest-$scale.db" --paths storage,server \
    --storage-batch 512 --duration "${BENCH_DURATION:-10}" --connections "${BENCH_CONNECTIONS:-64}" \
    --io-threads "${BENCH_IO_THREADS:-1}" --summary "$summary.seeded"
  sed 's/^ingest\t/ingest@seed\t/' "$summary.seeded" >> "$summary" && rm -f "$summary.seeded"
  rm -f "$out_dir/ingest-$scale.db" "$out_dir/ingest-$scale.db-wal" "$out_dir/ingest-$scale.db-shm"
fi

echo
echo "== Queries on $db"
"$bin/wf_bench_query" --db "$db" --iterations "${BENCH_ITERATIONS:-1000}" --summary "$summary"

echo
echo "== Summary (scale $scale; load = 1/5/15-minute load average before each figure)"
awk -F'\t' '
  { for (i = 1; i <= NF; ++i) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } rows = NR }
  END {
    split("section|figure|value|p50 ms|p99 ms|target|load", h, "|")
    for (i = 1; i <= 7; ++i) if (length(h[i]) > w[i]) w[i] = length(h[i])
    line = ""; for (i = 1; i <= 7; ++i) line = line sprintf("%-" w[i] "s  ", h[i]); print line
    rule = ""; for (i = 1; i <= 7; ++i) { for (j = 0; j < w[i]; ++j) rule = rule "-"; rule = rule "  " } print rule
    for (r = 1; r <= rows; ++r) {
      line = ""
      for (i = 1; i <= 7; ++i) {
        fmt = (i >= 3 && i <= 5) ? "%" w[i] "s  " : "%-" w[i] "s  "
        line = line sprintf(fmt, cell[r, i])
      }
      print line
    }
  }' "$summary"
echo
echo "uptime: $(uptime)"
echo "full output: $report"
