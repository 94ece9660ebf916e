#!/usr/bin/env bash
# `make test`: every C++ unit test, the whole pg_regress suite, the dense id
# concurrency test and the differential test against ClickHouse; ends with
# one line "N passed, M failed" over all, and fails if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/unit.sh
unit_status=$?
scripts/regress.sh
regress_status=$?
# Concurrency of cdp_dense_id / cdp_dense_ids: parallel psql clients on
# their own throwaway cluster; one test.
mkdir -p build/concurrency
test/concurrency/dense_id.sh > build/concurrency/dense_id.log 2>&1
conc_status=$?
tail -3 build/concurrency/dense_id.log
# Differential test against ClickHouse 18.16 on its own throwaway cluster.
mkdir -p build/differential
test/differential/run.sh --cluster 2>&1 | tee build/differential/run.log
diff_status=${PIPESTATUS[0]}

# ctest: "100% tests passed, 0 tests failed out of 57"
unit_total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' build/core/unit.log 2>/dev/null | tail -1)
unit_failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' build/core/unit.log 2>/dev/null | tail -1)
# pg_regress (PG 15): "All 5 tests passed." or "2 of 5 tests failed."
log=build/regress/pg_regress.log
if grep -q 'All [0-9]* tests passed' "$log" 2>/dev/null; then
  reg_total=$(sed -n 's/.*All \([0-9]*\) tests passed.*/\1/p' "$log" | tail -1)
  reg_failed=0
else
  reg_total=$(sed -n 's/.* \([0-9]*\) of \([0-9]*\) tests failed.*/\2/p' "$log" 2>/dev/null | tail -1)
  reg_failed=$(sed -n 's/.* \([0-9]*\) of \([0-9]*\) tests failed.*/\1/p' "$log" 2>/dev/null | tail -1)
fi
# test/differential/run.sh: "differential: 56 passed, 0 failed" (or "differential: SKIPPED (...)")
diff_total=$(sed -n 's/^differential: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' build/differential/run.log 2>/dev/null | tail -1)
diff_passed=${diff_total% *}; diff_failed=${diff_total#* }
diff_passed=${diff_passed:-0}; diff_failed=${diff_failed:-0}
diff_skipped=$(grep -m1 '^differential: SKIPPED' build/differential/run.log 2>/dev/null)
unit_total=${unit_total:-0}; unit_failed=${unit_failed:-0}
reg_total=${reg_total:-0}; reg_failed=${reg_failed:-0}
# A suite that did not even run counts as one failure.
[[ $unit_status -ne 0 && $unit_failed -eq 0 ]] && unit_failed=1
[[ $regress_status -ne 0 && $reg_failed -eq 0 ]] && reg_failed=1
[[ $diff_status -ne 0 && $diff_failed -eq 0 ]] && diff_failed=1

conc_passed=$(( conc_status == 0 ? 1 : 0 )); conc_failed=$(( conc_status == 0 ? 0 : 1 ))
passed=$(( unit_total - ( unit_failed < unit_total ? unit_failed : unit_total ) + reg_total - ( reg_failed < reg_total ? reg_failed : reg_total ) + diff_passed + conc_passed ))
failed=$(( unit_failed + reg_failed + diff_failed + conc_failed ))
echo
echo "unit tests (ctest): $unit_total run, $unit_failed failed; pg_regress: $reg_total run, $reg_failed failed; differential vs ClickHouse: $diff_passed passed, $diff_failed failed; dense id concurrency: $conc_passed passed, $conc_failed failed"
[[ -n $diff_skipped ]] && echo "WARNING: the differential test against ClickHouse was SKIPPED: ${diff_skipped#differential: SKIPPED }"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
