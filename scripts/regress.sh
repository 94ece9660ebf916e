#!/usr/bin/env bash
# Runs the pg_regress suite (every sql/*.sql, in name order) against a
# throwaway cluster. Prints the diffs when a test fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster.sh

cluster_start regress max_parallel_workers_per_gather=2 max_worker_processes=8 max_parallel_workers=8 || exit 1

pgxs_dir=$(dirname "$(/usr/lib/postgresql/15/bin/pg_config --pgxs)")
# Arguments: test names to run (default: every sql/*.sql).
if [[ $# -gt 0 ]]; then
  tests="$*"
else
  tests=$(ls sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | sort)
fi
mkdir -p build/regress
rm -f build/regress/regression.diffs
"$pgxs_dir/../../src/test/regress/pg_regress" \
  --inputdir=. --outputdir=build/regress --bindir="$PG_BINDIR" \
  --host="$PGHOST" --port="$PGPORT" --user=postgres \
  --dbname=contrib_regression --load-extension=cdp \
  $tests 2>&1 | tee build/regress/pg_regress.log
status=${PIPESTATUS[0]}
if [[ -s build/regress/regression.diffs ]]; then
  echo "---- regression.diffs ----"
  cat build/regress/regression.diffs
fi
exit "$status"
