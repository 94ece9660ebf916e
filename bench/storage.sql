-- B4: stored bytes per id of rbitmap vs int[] for four id distributions
-- (fixed sizes, not scaled). Every value is stored in a table, so
-- pg_column_size() reports what is really kept (after any TOAST compression:
-- int[] is compressible, rbitmap is STORAGE external, never compressed).
--   before: rb_build(ids)                  (array/bitset containers only)
--   after:  rb_runoptimize(rb_build(ids))  (run containers where smaller;
--           rb_build_agg and rb_or_agg results are already run-optimized)
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS storage_case;
CREATE TABLE storage_case (
  ord     int  NOT NULL,
  name    text PRIMARY KEY,
  descr   text NOT NULL,
  ids     int[]   NOT NULL,
  bm      rbitmap NOT NULL,
  bm_opt  rbitmap NOT NULL
);

INSERT INTO storage_case (ord, name, descr, ids, bm, bm_opt)
SELECT ord, name, descr, ids, rb_build(ids), rb_runoptimize(rb_build(ids))
FROM (
  SELECT 1 AS ord, 'dense, random holes' AS name,
         '~90% of [0, 1.1M): every id kept unless its hash % 10 = 0' AS descr,
         array_agg(u ORDER BY u) AS ids
  FROM generate_series(0, 1099999) AS u
  WHERE (hashint4(u) & 2147483647) % 10 <> 0
  UNION ALL
  SELECT 2, 'dense, clustered',
         '1M ids in [0, 1.1M): runs of 1000 consecutive ids, gaps of 100',
         array_agg(u ORDER BY u)
  FROM generate_series(0, 1099999) AS u
  WHERE u % 1100 < 1000
  UNION ALL
  SELECT 3, 'medium, random',
         '~1M ids of [0, 10M) (hash % 10 = 0), like a B2 tag',
         array_agg(u ORDER BY u)
  FROM generate_series(0, 9999999) AS u
  WHERE (hashint4(u) & 2147483647) % 10 = 0
  UNION ALL
  SELECT 4, 'sparse', '10k ids hashed over the whole 32-bit range',
         array_agg(DISTINCT hashint4(i))
  FROM generate_series(1, 10000) AS i
) AS cases;

SELECT name AS distribution,
       descr AS description,
       rb_cardinality(bm) AS ids,
       round(pg_column_size(ids)::numeric / cardinality(ids), 3) AS "int[] bytes/id",
       round(pg_column_size(bm)::numeric / rb_cardinality(bm), 3) AS "rbitmap bytes/id",
       round(pg_column_size(bm_opt)::numeric / rb_cardinality(bm), 3) AS "after rb_runoptimize",
       round(pg_column_size(ids)::numeric / pg_column_size(bm_opt), 2) AS "int[] / rbitmap (opt)",
       CASE WHEN bm = bm_opt AND rb_cardinality(bm) = cardinality(ids) THEN 'OK' ELSE 'MISMATCH' END AS "same set"
FROM storage_case
ORDER BY ord;
