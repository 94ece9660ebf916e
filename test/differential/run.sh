#!/usr/bin/env bash
# Differential test of our funnel / sequence / retention aggregates against a
# real peer, ClickHouse 18.16 (Debian's clickhouse-server package).
#
#   test/differential/run.sh            against the running PostgreSQL cluster
#                                       that the PG* environment points at
#                                       (with the cdp extension installed)
#   test/differential/run.sh --cluster  starts its own throwaway cluster
#                                       (scripts/cluster.sh, name "differential")
#
# 1. installs clickhouse-server / clickhouse-client when missing (as root);
#    when that is impossible prints "differential: SKIPPED (reason)" and exits 0;
# 2. makes database cdp_differential, CREATE EXTENSION cdp, random users
#    (data.sql, deterministic), and loads the same rows into a ClickHouse
#    server started on 127.0.0.1 with its folder under build/differential/;
# 3. runs every line of comparisons.txt on both sides, per user, and compares
#    the answers in PostgreSQL; runs every minimal case of quirks.txt;
# 4. prints "ok NAME (N users)" or "FAIL NAME: K of N users disagree" (with a
#    few examples) per comparison and ends with
#    "differential: N passed, M failed"; exits non-zero when M > 0.
#
# Environment: CDP_DIFF_USERS (default 3000) random users.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
HERE=$ROOT/test/differential
OUT=$ROOT/build/differential
N_USERS=${CDP_DIFF_USERS:-3000}
DB=cdp_differential
T_START=$SECONDS

# shellcheck source=scripts/clickhouse.sh
source "$ROOT/scripts/clickhouse.sh"

loud() {
  echo "************************************************************************"
  echo "*** $*"
  echo "************************************************************************"
}

if ! clickhouse_available; then
  loud "differential test SKIPPED: ClickHouse cannot be installed: $CLICKHOUSE_UNAVAILABLE"
  echo "differential: SKIPPED ($CLICKHOUSE_UNAVAILABLE)"
  exit 0
fi

if [[ ${1:-} == --cluster ]]; then
  # shellcheck source=scripts/cluster.sh
  source "$ROOT/scripts/cluster.sh"
  cluster_start differential >/dev/null || { echo "differential: 0 passed, 1 failed"; exit 1; }
fi
if [[ -z ${PGHOST:-} && -z ${PGPORT:-} ]]; then
  echo "note: no PGHOST/PGPORT in the environment: using psql's defaults (or run with --cluster)"
fi

mkdir -p "$OUT"
passed=0 failed=0 skipped=0

PSQL0=(psql -X -q -v ON_ERROR_STOP=1)
FORCE_PARALLEL="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

fail_setup() {
  echo "FAIL differential set-up: $*"
  echo "differential: $passed passed, $((failed + 1)) failed"
  exit 1
}

# ------------------------------------------------------------------ PostgreSQL
"${PSQL0[@]}" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null \
  || fail_setup "cannot create database $DB"
"${PSQL[@]}" -c 'CREATE EXTENSION cdp' || fail_setup "CREATE EXTENSION cdp failed"
"${PSQL[@]}" -v n_users="$N_USERS" -f "$HERE/data.sql" >/dev/null || fail_setup "data.sql failed"
"${PSQL[@]}" -c "
  CREATE TABLE diff_result (cmp int NOT NULL, side text NOT NULL, user_id int NOT NULL, val text);
  CREATE INDEX ON diff_result (cmp);
  CREATE TABLE diff_ch (user_id int NOT NULL, val text);
  -- The users of comparison p_cmp on which sides a and b disagree (or where
  -- one side has no answer). One grouping pass, no join: the table has no
  -- statistics while it grows, and a join plan could go quadratic.
  CREATE FUNCTION diff_users(p_cmp int, a text, b text) RETURNS TABLE (user_id int, va text, vb text)
  LANGUAGE sql STABLE AS \$\$
    SELECT user_id, max(val) FILTER (WHERE side = a), max(val) FILTER (WHERE side = b)
    FROM diff_result WHERE cmp = p_cmp AND side IN (a, b)
    GROUP BY user_id
    HAVING count(*) FILTER (WHERE side = a) <> 1 OR count(*) FILTER (WHERE side = b) <> 1
        OR max(val) FILTER (WHERE side = a) IS DISTINCT FROM max(val) FILTER (WHERE side = b)
  \$\$;
  CREATE TABLE quirk_events (case_id int NOT NULL, ts timestamptz NOT NULL, e int NOT NULL);" \
  || fail_setup "cannot create the result tables"
read -r n_rows n_users < <("${PSQL[@]}" -At -F ' ' -c 'SELECT count(*), count(DISTINCT user_id) FROM diff_events')

# ------------------------------------------------------------------ ClickHouse
clickhouse_start "$OUT/clickhouse" || fail_setup "the ClickHouse server did not start (logs in $OUT/clickhouse/log)"
echo "ClickHouse $(clickhouse_query -q 'SELECT version()') on 127.0.0.1:$CLICKHOUSE_PORT; $n_rows rows over $n_users users"
clickhouse_query --multiquery -q "
  CREATE TABLE diff_events (user_id UInt32, t UInt32, e UInt8, ts DateTime MATERIALIZED toDateTime(t))
    ENGINE = MergeTree ORDER BY (user_id, t);
  CREATE TABLE quirk_events (case_id UInt32, t UInt32, e UInt8, ts DateTime MATERIALIZED toDateTime(t))
    ENGINE = Memory" || fail_setup "cannot create the ClickHouse tables"
"${PSQL[@]}" -c "COPY (SELECT user_id, extract(epoch FROM ts)::bigint, e FROM diff_events) TO STDOUT (FORMAT csv)" \
  | clickhouse_query -q 'INSERT INTO diff_events (user_id, t, e) FORMAT CSV' \
  || fail_setup "loading the rows into ClickHouse failed"
ch_rows=$(clickhouse_query -q 'SELECT count() FROM diff_events')
[[ $ch_rows == "$n_rows" ]] || fail_setup "ClickHouse has $ch_rows rows, PostgreSQL $n_rows"

# ------------------------------------------------------------------ helpers
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

declare -A DEFINE=()
expand() {  # replaces every {NAME} of a define
  local s=$1 k
  for k in "${!DEFINE[@]}"; do s=${s//"{$k}"/"(${DEFINE[$k]})"}; done
  printf '%s' "$s"
}

declare -A HAVE_FN=()
have_function() {
  local fn=$1
  if [[ -z ${HAVE_FN[$fn]:-} ]]; then
    HAVE_FN[$fn]=$("${PSQL[@]}" -At -c "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = '$fn' AND pg_function_is_visible(oid))")
  fi
  [[ ${HAVE_FN[$fn]} == t ]]
}

first_error() { grep -m1 -E 'ERROR|Exception' "$1" | cut -c1-300; }

# ------------------------------------------------------------------ comparisons
examples() {  # examples N: the N users of comparison $cmp that disagree, fewest rows first
  "${PSQL[@]}" -At -F ' ' -c "
    WITH d AS MATERIALIZED (SELECT user_id, va AS ours, vb AS theirs FROM diff_users($cmp, 'ours', 'clickhouse'))
    SELECT '     user ' || d.user_id || ': ours ' || coalesce(d.ours, 'NULL') || ', ClickHouse '
           || coalesce(d.theirs, 'NULL') || '; rows (s from the first:e): '
           || left(string_agg((extract(epoch FROM ev.ts - t0.t0))::bigint || ':' || ev.e, ' ' ORDER BY ev.ts, ev.e), 400)
    FROM d
    JOIN diff_events ev USING (user_id)
    JOIN (SELECT user_id, min(ts) AS t0 FROM diff_events GROUP BY user_id) t0 USING (user_id)
    GROUP BY d.user_id, d.ours, d.theirs
    ORDER BY count(*), d.user_id
    LIMIT $1"
}
echo
echo "== comparisons (comparisons.txt) on $n_users users"
cmp=0
info_lines=()
while IFS= read -r line || [[ -n $line ]]; do
  [[ -z $(trim "$line") || $line == \#* ]] && continue
  if [[ $line =~ ^define[[:space:]]+([A-Za-z0-9_]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
    DEFINE[${BASH_REMATCH[1]}]=$(trim "${BASH_REMATCH[2]}")
    continue
  fi
  IFS='|' read -r kind name requires ours theirs <<<"$line"
  kind=$(trim "$kind"); name=$(trim "$name"); requires=$(trim "$requires")
  ours=$(expand "$(trim "$ours")"); theirs=$(expand "$(trim "$theirs")")
  if [[ -z $kind || -z $name || -z $ours || -z $theirs ]]; then
    echo "FAIL comparisons.txt: malformed line: $line"; failed=$((failed + 1)); continue
  fi
  cmp=$((cmp + 1))

  missing=() optional_missing=()
  IFS=',' read -ra fns <<<"$requires"
  for fn in "${fns[@]}"; do
    fn=$(trim "$fn"); [[ -z $fn ]] && continue
    if [[ $fn == \?* ]]; then
      have_function "${fn#\?}" || optional_missing+=("${fn#\?}")
    else
      have_function "$fn" || missing+=("$fn")
    fi
  done
  if ((${#missing[@]} > 0)); then
    echo "FAIL $name: our function ${missing[*]} does not exist"
    failed=$((failed + 1)); continue
  fi
  if ((${#optional_missing[@]} > 0)); then
    echo "SKIP $name: our function ${optional_missing[*]} does not exist yet (compared once it does)"
    skipped=$((skipped + 1)); continue
  fi

  # Ours twice: in a parallel plan (2 workers: partial aggregates, combine,
  # serialize) as a CREATE TABLE AS (INSERT ... SELECT never runs in
  # parallel), then serially; the two must agree too.
  if ! "${PSQL[@]}" -c "$FORCE_PARALLEL" \
      -c "CREATE TABLE diff_ours AS SELECT user_id, ($ours)::text AS val FROM diff_events GROUP BY user_id" \
      -c "INSERT INTO diff_result SELECT $cmp, 'ours', user_id, val FROM diff_ours" -c "DROP TABLE diff_ours" \
      -c "SET max_parallel_workers_per_gather = 0" \
      -c "INSERT INTO diff_result SELECT $cmp, 'serial', user_id, ($ours)::text FROM diff_events GROUP BY user_id" \
      >"$OUT/ours.err" 2>&1; then
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS diff_ours" >/dev/null 2>&1
    echo "FAIL $name: our query failed: $(first_error "$OUT/ours.err")"
    echo "     SELECT $ours"
    failed=$((failed + 1)); continue
  fi
  if ! clickhouse_query -q "SELECT user_id, toString($theirs) FROM diff_events GROUP BY user_id FORMAT TabSeparated" \
      >"$OUT/clickhouse.tsv" 2>"$OUT/clickhouse.err"; then
    echo "FAIL $name: the ClickHouse query failed: $(first_error "$OUT/clickhouse.err")"
    echo "     SELECT $theirs"
    failed=$((failed + 1)); continue
  fi
  "${PSQL[@]}" -c 'TRUNCATE diff_ch' -c "\\copy diff_ch FROM '$OUT/clickhouse.tsv'" \
    -c "INSERT INTO diff_result SELECT $cmp, 'clickhouse', user_id, val FROM diff_ch" \
    || { echo "FAIL $name: loading ClickHouse's answers failed"; failed=$((failed + 1)); continue; }

  plan_bad=$("${PSQL[@]}" -At -c "
    SELECT count(*) FROM diff_users($cmp, 'ours', 'serial')")
  if [[ $plan_bad != 0 ]]; then
    echo "FAIL $name: our parallel and serial plans disagree on $plan_bad users"
    failed=$((failed + 1)); continue
  fi
  read -r bad total < <("${PSQL[@]}" -At -F ' ' -c "
    SELECT (SELECT count(*) FROM diff_users($cmp, 'ours', 'clickhouse')),
           (SELECT count(DISTINCT user_id) FROM diff_result WHERE cmp = $cmp)")
  case $kind in
    same|maps)
      if [[ $bad == 0 && $total == "$n_users" ]]; then
        echo "ok $name ($total users)"
        passed=$((passed + 1))
      else
        echo "FAIL $name: $bad of $total users disagree"
        echo "     ours:       SELECT $ours"
        echo "     ClickHouse: SELECT $theirs"
        examples 3
        failed=$((failed + 1))
      fi ;;
    differs)
      if [[ $bad == 0 ]]; then
        echo "info $name: ClickHouse differs on 0 of $total users: the quirk is not seen any more (did our semantics change? update quirks.txt)"
      else
        echo "info $name: ClickHouse differs on $bad of $total users (documented quirk, quirks.txt)"
      fi
      [[ $bad != 0 ]] && examples 1
      info_lines+=("$name: $bad of $total") ;;
    *)
      echo "FAIL $name: unknown kind '$kind' in comparisons.txt"
      failed=$((failed + 1)) ;;
  esac
done <"$HERE/comparisons.txt"

# ------------------------------------------------------------------ quirk cases
echo
echo "== ClickHouse quirks, minimal cases (quirks.txt)"
epoch0=1704067200  # 2024-01-01 00:00:00 UTC
case_id=0
while IFS= read -r line || [[ -n $line ]]; do
  [[ $line == CASE* ]] || continue
  IFS='|' read -r _ name rows ours ours_want theirs theirs_want <<<"$line"
  name=$(trim "$name"); rows=$(trim "$rows")
  ours=$(trim "$ours"); ours_want=$(trim "$ours_want")
  theirs=$(trim "$theirs"); theirs_want=$(trim "$theirs_want")
  case_id=$((case_id + 1))
  values_pg=() values_ch=()
  for r in $rows; do
    t=${r%%:*} e=${r#*:}
    values_pg+=("($case_id, to_timestamp($((epoch0 + t))), $e)")
    values_ch+=("($case_id, $((epoch0 + t)), $e)")
  done
  pg_values=$(IFS=,; echo "${values_pg[*]}")
  ch_values=$(IFS=,; echo "${values_ch[*]}")
  if [[ $ours == *"retention("* ]] && ! have_function retention; then
    echo "SKIP quirk $name: our function retention does not exist yet"
    skipped=$((skipped + 1)); continue
  fi
  got_ours=$("${PSQL[@]}" -At -c "INSERT INTO quirk_events VALUES $pg_values" \
    -c "SELECT ($ours)::text FROM quirk_events WHERE case_id = $case_id" 2>"$OUT/ours.err") \
    || got_ours="error: $(first_error "$OUT/ours.err")"
  clickhouse_query -q "INSERT INTO quirk_events (case_id, t, e) VALUES $ch_values" 2>"$OUT/clickhouse.err" \
    && got_theirs=$(clickhouse_query -q "SELECT toString($theirs) FROM quirk_events WHERE case_id = $case_id" 2>"$OUT/clickhouse.err") \
    || got_theirs="error: $(first_error "$OUT/clickhouse.err")"
  if [[ $got_ours == "$ours_want" && $got_theirs == "$theirs_want" ]]; then
    echo "ok quirk $name (ours $got_ours, ClickHouse $got_theirs)"
    passed=$((passed + 1))
  else
    echo "FAIL quirk $name: ours $got_ours (want $ours_want), ClickHouse $got_theirs (want $theirs_want); rows $rows"
    failed=$((failed + 1))
  fi
done <"$HERE/quirks.txt"

clickhouse_stop
echo
if ((${#info_lines[@]} > 0)); then
  echo "ClickHouse quirks seen on the random users (not counted): ${#info_lines[@]} comparisons, see the info lines"
fi
((skipped > 0)) && echo "differential: $skipped comparison(s) skipped (functions not there yet)"
echo "differential: $((SECONDS - T_START)) s; $n_users users, $n_rows rows"
echo "differential: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
