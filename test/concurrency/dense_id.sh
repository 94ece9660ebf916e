#!/usr/bin/env bash
# Concurrency test of cdp_dense_id / cdp_dense_ids (version 1.4).
#
# Starts a throwaway cluster, then runs SESSIONS psql clients at once: half
# call cdp_dense_id one id per transaction, half call cdp_dense_ids with
# arrays of 200 ids, all over the same pool of POOL external ids in different
# orders. Every client records what it got in a table. Checks: no client
# failed, every external id has exactly one dense id, every answer any client
# got equals that id, and ids are 1..N up to gaps (gaps are reported: they
# come from lost races and are harmless for bitmaps).
# Prints "dense_id concurrency: ok" and exits 0 on success.
#
# Usage: test/concurrency/dense_id.sh   (as root or as a user who can run
# PostgreSQL; uses CDP_CLUSTER_NAME / CDP_PORT like scripts/regress.sh)
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/cluster.sh

SESSIONS=${SESSIONS:-8}
POOL=${POOL:-3000}
PER=${PER:-1500}

export CDP_CLUSTER_NAME=${CDP_CLUSTER_NAME:-concurrency}
export CDP_PORT=${CDP_PORT:-54391}
cluster_start concurrency >/dev/null || exit 1
work=$(mktemp -d /tmp/cdp-conc.XXXXXX)
chmod 755 "$work"
trap 'cluster_stop; rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE conc' || exit 1
export PGDATABASE=conc
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' || exit 1
CREATE EXTENSION cdp;
ALTER EXTENSION cdp UPDATE TO '1.4';
CREATE TABLE got (session int, external_id text, id int);
SQL

for s in $(seq 1 "$SESSIONS"); do
  python3 - "$s" "$POOL" "$PER" >"$work/s$s.sql" <<'PY'
import random, sys
s, pool, per = map(int, sys.argv[1:])
rng = random.Random(s)
ids = [f"user-{rng.randrange(pool)}" for _ in range(per)]
if s % 2:
    for x in ids:
        print(f"INSERT INTO got SELECT {s}, '{x}', cdp_dense_id('{x}');")
else:
    for i in range(0, per, 200):
        chunk = ids[i:i + 200]
        arr = "ARRAY[" + ",".join(f"'{x}'" for x in chunk) + "]"
        print(f"INSERT INTO got SELECT {s}, x, i FROM unnest({arr}, cdp_dense_ids({arr})) u(x, i);")
PY
done

pids=()
for s in $(seq 1 "$SESSIONS"); do
  psql -X -q -v ON_ERROR_STOP=1 -f "$work/s$s.sql" >"$work/s$s.log" 2>&1 &
  pids+=($!)
done
fail=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "session $((i + 1)) failed:"; cat "$work/s$((i + 1)).log"; fail=1
  fi
done
[[ $fail -eq 0 ]] || { echo "dense_id concurrency: FAILED"; exit 1; }

result=$(psql -X -At -F ' ' <<'SQL'
SELECT (SELECT count(*) FROM got),
       (SELECT count(*) FROM got g LEFT JOIN cdp_dense_ids d USING (external_id)
        WHERE d.id IS DISTINCT FROM g.id),
       (SELECT count(*) FROM (SELECT external_id FROM got EXCEPT SELECT external_id FROM cdp_dense_ids) x),
       (SELECT count(*) - count(DISTINCT external_id) FROM cdp_dense_ids),
       (SELECT count(*) FROM cdp_dense_ids),
       (SELECT max(id) - count(*) FROM cdp_dense_ids);
SQL
)
read -r answers wrong missing dups rows gaps <<<"$result"
echo "answers=$answers wrong=$wrong missing=$missing duplicates=$dups ids=$rows gaps=$gaps"
if [[ "$wrong" == 0 && "$missing" == 0 && "$dups" == 0 && "$answers" == $((SESSIONS * PER)) ]]; then
  echo "dense_id concurrency: ok"
else
  echo "dense_id concurrency: FAILED"; exit 1
fi
