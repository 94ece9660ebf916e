-- The final tables of `make bench`, from bench_result (filled by
-- bench_measure, see harness.sql) and the pairs of bench_compare (queries.sql).
--   ratio   = baseline median / ours median (> 1: ours is faster)
--   results = OK when ours and every listed baseline returned the same answer
--             in every run of this run; MISMATCH otherwise (the script then
--             fails: a comparison of different answers is worthless)
--   workers = parallel workers launched in the EXPLAIN ANALYZE warm-up
\set ON_ERROR_STOP on

CREATE OR REPLACE VIEW bench_report AS
SELECT c.ord, c.bench, c.label,
       o.median_ms AS ours_ms,
       b.name AS baseline,
       b.median_ms AS baseline_ms,
       b.median_ms / nullif(o.median_ms, 0) AS ratio,
       c.target, c.target_ratio,
       CASE WHEN NOT c.check_equal THEN 'n/a'
            WHEN (SELECT count(*) FROM bench_result r WHERE r.name = ANY (c.baselines))
                 < cardinality(c.baselines) THEN 'MISSING'
            WHEN o.stable AND (SELECT bool_and(r.stable AND r.result = o.result)
                               FROM bench_result r WHERE r.name = ANY (c.baselines))
                 THEN 'OK'
            ELSE 'MISMATCH' END AS results,
       o.workers_launched AS ours_workers,
       b.workers_launched AS baseline_workers
FROM bench_compare c
LEFT JOIN bench_result o ON o.name = c.ours
LEFT JOIN LATERAL (
  SELECT r.name, r.median_ms, r.workers_launched FROM bench_result r
  WHERE r.name = ANY (c.baselines) ORDER BY r.median_ms LIMIT 1
) b ON true;

\echo
\echo 'Per query (median of the timed runs; workers = launched/planned in the EXPLAIN ANALYZE warm-up)'
SELECT q.bench, q.name AS query, q.role,
       cardinality(r.runs_ms) AS runs,
       round(r.median_ms::numeric, 2) AS "median (ms)",
       round((SELECT min(x) FROM unnest(r.runs_ms) x)::numeric, 2) AS "min (ms)",
       round((SELECT max(x) FROM unnest(r.runs_ms) x)::numeric, 2) AS "max (ms)",
       r.result,
       CASE WHEN r.stable THEN '' ELSE 'UNSTABLE' END AS stable,
       format('%s/%s', r.workers_launched, r.workers_planned) AS workers,
       left(r.plan, 60) AS "plan (outermost nodes first)"
FROM bench_query q
LEFT JOIN bench_result r USING (name)
ORDER BY q.ord;

\echo
\echo 'Comparisons (ratio = baseline / ours; target ratios from the issue)'
SELECT bench AS benchmark, label AS comparison,
       round(ours_ms::numeric, 2) AS "ours (ms)",
       baseline,
       round(baseline_ms::numeric, 1) AS "baseline (ms)",
       round(ratio::numeric, (ratio < 10)::int)::text || 'x' AS ratio,
       target,
       CASE WHEN target_ratio IS NULL THEN ''
            WHEN ratio >= target_ratio THEN 'met'
            ELSE 'MISSED' END AS met,
       results,
       CASE WHEN ours_workers > 0 THEN 'parallel(' || ours_workers || ')' ELSE 'serial' END
         || ' / ' ||
       CASE WHEN baseline_workers > 0 THEN 'parallel(' || baseline_workers || ')' ELSE 'serial' END
         AS "plan ours / baseline"
FROM bench_report
ORDER BY ord;
