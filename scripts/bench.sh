#!/usr/bin/env bash
# `make bench`: performance is measured, never assumed.
#
#  1. micro-benchmarks: builds the pure C++ core with CMake in build/bench
#     (Release, no unit tests) and runs build/bench/cdp_micro_bench
#     (Google Benchmark, bench/micro/*.cpp);
#  2. SQL benchmarks: a throwaway cluster (scripts/cluster.sh), the cdp
#     extension as installed by `make build`, deterministic data
#     (bench/data_*.sql), then every query of bench/queries.sql timed inside
#     the server (bench/harness.sql: 1 EXPLAIN ANALYZE warm-up, then N runs,
#     median), ours vs baseline on the same data in the same run, with the
#     answers checked equal (bench/report.sql), and B4 storage sizes
#     (bench/storage.sql).
# Prints the tables and keeps a copy of everything in build/bench/bench.log.
# Exits non-zero if a query fails or ours and a baseline disagree; a missed
# target is reported, never asserted (timings depend on the machine).
#
# Environment:
#   CDP_BENCH_SCALE     data size factor for B1-B3 (default 1 = full sizes:
#                       10M events / 1M users, 10M-id tag universe, sets of
#                       10k ids); e.g. 0.1 for a quick run
#   CDP_BENCH_REPS      timed runs per query (default 5)
#   CDP_BENCH_WARMUPS   warm-up runs per query, the first one under EXPLAIN
#                       ANALYZE (default 1)
#   CDP_BENCH_MIN_TIME  --benchmark_min_time of the micro-benchmarks (default 0.2 s)
#   CDP_BENCH_SKIP      space-separated parts to skip: micro, sql, clickhouse
#   CDP_BENCH_ONLY      space-separated benchmark codes to run (B1 B2 B3 F1
#                       F2 F3); default all. B4 (storage) runs with B2's data
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${CDP_BENCH_SCALE:-1}
REPS=${CDP_BENCH_REPS:-5}
WARMUPS=${CDP_BENCH_WARMUPS:-1}
MIN_TIME=${CDP_BENCH_MIN_TIME:-0.2}
SKIP=" ${CDP_BENCH_SKIP:-} "
# CDP_BENCH_ONLY: space-separated benchmark codes (B1 B2 B3 F1 F2 F3 F4); only
# their data is loaded and only their queries run. Default: all.
ONLY=${CDP_BENCH_ONLY:-}
[[ $ONLY =~ ^[A-Z0-9\ ]*$ ]] || { echo "CDP_BENCH_ONLY: benchmark codes like 'B1 F1'" >&2; exit 2; }
PARTS=""
# data part: the benchmark code prefixes that need it
for p in events:B1 tags:B2 sets:B3 funnel:F,R,S; do
  need=${p#*:}
  for code in ${need//,/ }; do
    if [[ -z $ONLY || " $ONLY " == *" $code"* ]]; then PARTS+="${p%%:*} "; break; fi
  done
done

[[ $SCALE =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "CDP_BENCH_SCALE must be a positive number" >&2; exit 2; }
[[ $REPS =~ ^[1-9][0-9]*$ && $WARMUPS =~ ^[1-9][0-9]*$ ]] \
  || { echo "CDP_BENCH_REPS and CDP_BENCH_WARMUPS must be integers >= 1" >&2; exit 2; }

OUT=build/bench
mkdir -p "$OUT"
LOG=$OUT/bench.log
exec > >(tee "$LOG") 2>&1

T_START=$SECONDS
phase_start=$SECONDS
phase() {  # phase NAME: prints the time the previous phase took
  local now=$SECONDS
  [[ -n ${PHASE_NAME:-} ]] && printf '   (%s: %ds)\n' "$PHASE_NAME" $((now - phase_start))
  PHASE_NAME=$1
  phase_start=$now
  [[ -n $1 ]] && printf '\n== %s\n' "$1"
  return 0
}

echo "make bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM"
echo "  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "  scale=$SCALE reps=$REPS warmups=$WARMUPS micro min_time=${MIN_TIME}s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- 1. micro
if [[ $SKIP != *" micro "* ]]; then
  phase "micro-benchmarks: CMake Release build in $OUT"
  cmake -S . -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DCDP_BUILD_TESTS=OFF -DCDP_BUILD_BENCH=ON \
    >"$OUT/cmake.log" 2>&1 || { cat "$OUT/cmake.log"; exit 1; }
  cmake --build "$OUT" -j"$(nproc)" >"$OUT/build.log" 2>&1 || { tail -50 "$OUT/build.log"; exit 1; }
  phase "micro-benchmarks: cdp_micro_bench (min_time ${MIN_TIME}s each)"
  "$OUT/cdp_micro_bench" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$OUT/micro.json" --benchmark_out_format=json
fi

# ---------------------------------------------------------------- 2. SQL
if [[ $SKIP != *" sql "* ]]; then
  phase "SQL: throwaway cluster"
  # shellcheck source=scripts/cluster.sh
  source scripts/cluster.sh
  cluster_start bench shared_buffers=2GB work_mem=256MB max_parallel_workers_per_gather=2 \
    max_worker_processes=8 max_parallel_workers=8 jit=off
  export PGOPTIONS="-c client_min_messages=warning"
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE")
  "${PSQL[@]}" -c 'CREATE EXTENSION cdp' \
    -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', cdp ' || extversion
          || ', shared_buffers ' || current_setting('shared_buffers')
          || ', work_mem ' || current_setting('work_mem')
          || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather')
          || ', jit ' || current_setting('jit') AS server
        FROM pg_extension WHERE extname = 'cdp'"
  # bench/queries.sql creates the catalogue; bench/queries_*.sql add to it.
  "${PSQL[@]}" -f bench/harness.sql -f bench/queries.sql
  for f in bench/queries_*.sql; do
    [[ -f $f ]] && "${PSQL[@]}" -f "$f"
  done

  for part in $PARTS; do
    phase "SQL: data bench/data_$part.sql (scale $SCALE)"
    "${PSQL[@]}" -f "bench/data_$part.sql"
  done
  phase "SQL: VACUUM ANALYZE"
  "${PSQL[@]}" -c 'VACUUM ANALYZE'
  "${PSQL[@]}" -c "SELECT relname AS table, to_char(reltuples, 'FM999,999,999') AS rows,
                          pg_size_pretty(pg_total_relation_size(oid)) AS size
                   FROM pg_class WHERE relname IN ('events', 'user_tags', 'tag_bitmaps', 'id_sets', 'funnel_events', 'funnel_events_part')
                   ORDER BY relname" \
    -c "SELECT tag, rb_cardinality(users) AS users, pg_column_size(users) AS bytes FROM tag_bitmaps WHERE to_regclass('tag_bitmaps') IS NOT NULL ORDER BY tag" 2>/dev/null || true

  if [[ " $PARTS " == *" tags "* ]]; then
    phase "SQL: B4 storage (bench/storage.sql)"
    "${PSQL[@]}" -f bench/storage.sql
  fi

  phase "SQL: timed queries ($WARMUPS warm-up, $REPS runs each, median)"
  # Only the benchmarks whose data was loaded (CDP_BENCH_ONLY).
  "${PSQL[@]}" -c "DELETE FROM bench_compare WHERE NOT ('$ONLY' = '' OR bench = ANY (string_to_array('$ONLY', ' ')))" \
    -c "DELETE FROM bench_query WHERE NOT ('$ONLY' = '' OR bench = ANY (string_to_array('$ONLY', ' ')))"
  mapfile -t names < <("${PSQL[@]}" -At -c 'SELECT name FROM bench_query ORDER BY ord')
  for name in "${names[@]}"; do
    "${PSQL[@]}" -At -c "SELECT bench_measure('$name', $WARMUPS, $REPS)"
  done

  phase "SQL: report"
  "${PSQL[@]}" -f bench/report.sql
  bad=$("${PSQL[@]}" -At -c "SELECT count(*) FROM bench_report WHERE results IN ('MISMATCH', 'MISSING') OR ours_ms IS NULL")
  bad_storage=0
  if [[ " $PARTS " == *" tags "* ]]; then
    bad_storage=$("${PSQL[@]}" -At -c "SELECT count(*) FROM storage_case WHERE bm <> bm_opt OR rb_cardinality(bm) <> cardinality(ids)")
  fi
  if [[ $SKIP != *" clickhouse "* ]] && "${PSQL[@]}" -At -c "SELECT 1 FROM bench_result WHERE name = 'f1_ours_window_funnel'" | grep -q 1; then
    phase "SQL: the same F1 funnel in ClickHouse 18.16 (informative; bench/clickhouse_funnel.sh)"
    CDP_BENCH_REPS=$REPS bench/clickhouse_funnel.sh --ours f1_ours_window_funnel || true
  fi
  cluster_stop
  # The data takes over 1 GB at full scale and is made again by every run.
  if [[ -n $CLUSTER_DIR && ! -f $CLUSTER_DIR/data/postmaster.pid ]]; then
    rm -rf "$CLUSTER_DIR"
  fi
fi

phase ""
echo
echo "make bench: total $((SECONDS - T_START)) s; load average at the end: $(cut -d" " -f1-3 /proc/loadavg); log in $LOG"
if [[ ${bad:-0} != 0 || ${bad_storage:-0} != 0 ]]; then
  echo "FAILED: $bad comparison(s) with different or missing answers, $bad_storage storage case(s) not the same set" >&2
  exit 1
fi
