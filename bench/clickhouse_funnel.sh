#!/usr/bin/env bash
# Informative: the same window_funnel in ClickHouse 18.16 (Debian's
# clickhouse-server) on the same rows as the SQL benchmark.
#
# Run by scripts/bench.sh while its PostgreSQL cluster is up (PG* environment):
# exports the funnel table from PostgreSQL, starts a throwaway ClickHouse
# server (scripts/clickhouse.sh, folder build/bench/clickhouse, removed at
# the end), loads the rows into a MergeTree table ordered by (user_id, ts),
# then times
#     SELECT <outer> FROM (SELECT user_id, windowFunnel(<window>)(ts,
#            event_type = s1, event_type = s2, ...) AS l FROM t GROUP BY user_id)
# 1 warm-up + N runs, median of the server-side durations (system.query_log),
# and prints "clickhouse window_funnel: X ms". Never fails the benchmark: when
# ClickHouse cannot be installed or started it says so and exits 0.
#
#   bench/clickhouse_funnel.sh [--ours BENCH_QUERY_NAME]
#       --ours: the bench_query (bench/queries.sql) of our funnel: its median
#       (bench_result) and answer are printed beside ClickHouse's, with the ratio
#
# Environment (defaults in brackets):
#   CDP_CH_FUNNEL_TABLE   PostgreSQL table [funnel_events]
#   CDP_CH_FUNNEL_USER    user column [user_id]; CDP_CH_FUNNEL_TS timestamp column [ts];
#   CDP_CH_FUNNEL_EVENT   event column [event_type]
#   CDP_CH_FUNNEL_STEPS   the steps, comma-separated event values [0,1,2,3]
#   CDP_CH_FUNNEL_WINDOW  window in seconds [86400]
#   CDP_CH_FUNNEL_OUTER   aggregate over the per-user levels l [sum(l)],
#                         e.g. countIf(l >= 4): make it answer what ours does
#   CDP_BENCH_REPS        timed runs [5]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

TABLE=${CDP_CH_FUNNEL_TABLE:-funnel_events}
UCOL=${CDP_CH_FUNNEL_USER:-user_id}
TCOL=${CDP_CH_FUNNEL_TS:-ts}
ECOL=${CDP_CH_FUNNEL_EVENT:-event_type}
STEPS=${CDP_CH_FUNNEL_STEPS:-0,1,2,3}
WINDOW=${CDP_CH_FUNNEL_WINDOW:-86400}
OUTER=${CDP_CH_FUNNEL_OUTER:-sum(l)}
REPS=${CDP_BENCH_REPS:-5}
OURS=
[[ ${1:-} == --ours && -n ${2:-} ]] && OURS=$2

say() { echo "clickhouse window_funnel: $*"; }

# shellcheck source=scripts/clickhouse.sh
source "$ROOT/scripts/clickhouse.sh"
if ! clickhouse_available; then
  say "skipped ($CLICKHOUSE_UNAVAILABLE)"
  exit 0
fi

PSQL=(psql -X -q -At -v ON_ERROR_STOP=1)
n_rows=$("${PSQL[@]}" -c "SELECT count(*) FROM $TABLE" 2>/dev/null) \
  || { say "skipped (no table $TABLE in the PostgreSQL database)"; exit 0; }

DIR=$ROOT/build/bench/clickhouse
clickhouse_start "$DIR" >/dev/null || { say "skipped (the server did not start)"; exit 0; }
trap 'clickhouse_stop; rm -rf "$DIR"' EXIT

conds=()
IFS=',' read -ra steps <<<"$STEPS"
for s in "${steps[@]}"; do conds+=("event_type = $s"); done
cond_list=$(IFS=,; echo "${conds[*]}")
# The query as in the differential test: DateTime timestamps, one UInt8 per step.
query="SELECT $OUTER FROM (SELECT user_id, windowFunnel($WINDOW)(ts, $cond_list) AS l FROM cdp_funnel GROUP BY user_id)"

t0=$SECONDS
clickhouse_query -q "CREATE TABLE cdp_funnel (user_id Int32, t UInt32, event_type Int16,
                       ts DateTime MATERIALIZED toDateTime(t))
                     ENGINE = MergeTree ORDER BY (user_id, ts)" || { say "skipped (CREATE TABLE failed)"; exit 0; }
"${PSQL[@]}" -c "COPY (SELECT $UCOL, extract(epoch FROM $TCOL)::bigint, $ECOL FROM $TABLE
                      WHERE $TCOL IS NOT NULL AND $ECOL IS NOT NULL) TO STDOUT" \
  | clickhouse_query -q 'INSERT INTO cdp_funnel (user_id, t, event_type) FORMAT TabSeparated' \
  || { say "skipped (loading the rows failed)"; exit 0; }
clickhouse_query -q 'OPTIMIZE TABLE cdp_funnel FINAL' >/dev/null 2>&1 || true
ch_rows=$(clickhouse_query -q 'SELECT count() FROM cdp_funnel')
echo "ClickHouse $(clickhouse_query -q 'SELECT version()'): $ch_rows rows of $TABLE ($n_rows in PostgreSQL) loaded in $((SECONDS - t0)) s; $(nproc) cores, max_threads $(clickhouse_query -q "SELECT value FROM system.settings WHERE name = 'max_threads'")"
echo "  $query"

# Server-side durations from system.query_log (type 2 = QueryFinish; a plain
# UInt8 in 18.16), each run tagged by its query id.
answer=$(clickhouse_query -q "$query") || { say "failed: $(clickhouse_query -q "$query" 2>&1 | head -1)"; exit 0; }
ids=()
for ((i = 1; i <= REPS; i++)); do
  id=cdp-funnel-$$-$i
  clickhouse_query --log_queries=1 --query_id="$id" -q "$query" >/dev/null || { say "failed in run $i"; exit 0; }
  ids+=("'$id'")
done
clickhouse_query -q 'SYSTEM FLUSH LOGS' >/dev/null 2>&1 || true
runs=$(clickhouse_query -q "SELECT arrayStringConcat(arrayMap(x -> toString(x), groupArray(query_duration_ms)), ' ')
                            FROM (SELECT query_duration_ms FROM system.query_log
                                  WHERE type = 2 AND query_id IN ($(IFS=,; echo "${ids[*]}"))
                                  ORDER BY query_duration_ms)" 2>/dev/null)
read -ra sorted <<<"$runs"
source_of_times="server-side, system.query_log"
if ((${#sorted[@]} != REPS)); then
  source_of_times="client-side, clickhouse-client --time"
  # No query_log: time on the client side instead.
  sorted=()
  for ((i = 1; i <= REPS; i++)); do
    s=$( { clickhouse_query --time -q "$query" >/dev/null; } 2>&1 | tail -1)
    sorted+=("$(awk -v s="$s" 'BEGIN { printf "%d", s * 1000 }')")
  done
  mapfile -t sorted < <(printf '%s\n' "${sorted[@]}" | sort -n)
fi
n=${#sorted[@]}
if ((n % 2)); then
  median=${sorted[n / 2]}
else
  median=$(((sorted[n / 2 - 1] + sorted[n / 2]) / 2))
fi
echo "  runs (ms, sorted, $source_of_times): ${sorted[*]}; answer $answer"
if [[ -n $OURS ]]; then
  read -r ours_ms ours_answer < <("${PSQL[@]}" -F ' ' -c "SELECT round(median_ms)::bigint, result FROM bench_result WHERE name = '$OURS'" 2>/dev/null)
  if [[ -n ${ours_ms:-} ]]; then
    ratio=$(awk -v a="$median" -v b="$ours_ms" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "n/a" }')
    same=$([[ ${ours_answer:-} == "$answer" ]] && echo "same answer" || echo "answers differ: ours ${ours_answer:-?} (same-second rows of different steps are ordered by storage order in ClickHouse)")
    echo "  ours ($OURS): $ours_ms ms; ours / ClickHouse = $ratio; $same"
  fi
fi
say "$median ms"
