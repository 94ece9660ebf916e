--
-- rbitmap aggregates: rb_build_agg, rb_or_agg, rb_and_agg, rb_xor_agg and
-- rb_or/and/xor_cardinality_agg. NULL inputs are skipped; no (non-NULL)
-- input gives NULL; they work as window functions and in parallel plans,
-- where the result must not depend on the plan.
--
SET cdp.rbitmap_output = 'array';
SET client_min_messages = notice;

---------------------------------------------------------------- plain and GROUP BY
CREATE TABLE agg_t (grp int, id int, b rbitmap);
INSERT INTO agg_t VALUES
  (1, 1, '{1,2,3}'), (1, 2, '{2,3,4}'), (1, NULL, NULL), (1, 3, '{3,4,5}'),
  (2, 65535, '{65535,65536}'), (2, -1, '{-1,0}'),
  (3, NULL, NULL);
SELECT rb_build_agg(id) AS build, rb_or_agg(b) AS "or", rb_and_agg(b) AS "and",
       rb_xor_agg(b) AS "xor"
  FROM agg_t;
SELECT rb_or_cardinality_agg(b) AS or_n, rb_and_cardinality_agg(b) AS and_n,
       rb_xor_cardinality_agg(b) AS xor_n
  FROM agg_t;
SELECT grp, rb_build_agg(id) AS build, rb_or_agg(b) AS "or", rb_and_agg(b) AS "and",
       rb_xor_agg(b) AS "xor", rb_or_cardinality_agg(b) AS or_n,
       rb_and_cardinality_agg(b) AS and_n, rb_xor_cardinality_agg(b) AS xor_n
  FROM agg_t GROUP BY grp ORDER BY grp;
-- no input rows, and only NULL inputs: NULL
SELECT rb_build_agg(id) IS NULL AS build, rb_or_agg(b) IS NULL AS "or",
       rb_and_agg(b) IS NULL AS "and", rb_xor_agg(b) IS NULL AS "xor",
       rb_or_cardinality_agg(b) IS NULL AS or_n, rb_and_cardinality_agg(b) IS NULL AS and_n,
       rb_xor_cardinality_agg(b) IS NULL AS xor_n
  FROM agg_t WHERE false;
SELECT rb_build_agg(id) IS NULL AS build, rb_or_agg(b) IS NULL AS "or",
       rb_and_agg(b) IS NULL AS "and", rb_xor_agg(b) IS NULL AS "xor",
       rb_or_cardinality_agg(b) IS NULL AS or_n, rb_and_cardinality_agg(b) IS NULL AS and_n,
       rb_xor_cardinality_agg(b) IS NULL AS xor_n
  FROM agg_t WHERE grp = 3;
-- empty bitmaps are values, not NULLs
SELECT rb_or_agg(b) AS "or", rb_and_agg(b) AS "and", rb_xor_agg(b) AS "xor",
       rb_or_cardinality_agg(b) AS or_n, rb_and_cardinality_agg(b) AS and_n
  FROM (VALUES ('{}'::rbitmap), ('{}')) v(b);
SELECT rb_and_agg(b) AS "and", rb_xor_agg(b) AS "xor", rb_xor_cardinality_agg(b) AS xor_n
  FROM (VALUES ('{1,2}'::rbitmap), ('{}'), ('{1,2}')) v(b);
-- input order does not matter
SELECT rb_xor_agg(b ORDER BY id) = rb_xor_agg(b ORDER BY id DESC) AS xor_same,
       rb_and_agg(b ORDER BY id) = rb_and_agg(b ORDER BY id DESC) AS and_same,
       rb_build_agg(id ORDER BY id) = rb_build_agg(id ORDER BY id DESC) AS build_same
  FROM agg_t;
-- rb_build_agg: duplicates, boundaries, unsorted input larger than its
-- internal batch (16384): 7919 * g mod 100003 (a prime) permutes 1..100002
SELECT rb_build_agg(g % 7) AS mod7 FROM generate_series(1, 100) g;
SELECT rb_build_agg(x) AS boundaries
  FROM (VALUES (2147483647), (-2147483648), (0), (-1), (65536), (65535), (0)) v(x);
SELECT rb_cardinality(b) AS n, rb_min(b) AS min, rb_max(b) AS max,
       b = rb_fill('{}', 1, 100003) AS is_1_to_100002
  FROM (SELECT rb_build_agg((g * 7919) % 100003) AS b FROM generate_series(1, 100002) g) s;

---------------------------------------------------------------- window functions
SELECT g, rb_or_agg(rb_build(ARRAY[g, g * 10])) OVER (ORDER BY g) AS running_or,
       rb_or_cardinality_agg(rb_build(ARRAY[g, g * 10])) OVER (ORDER BY g) AS or_n
  FROM generate_series(1, 5) g;
SELECT g, rb_xor_agg(rb_build(ARRAY[g, g + 1])) OVER (ORDER BY g) AS running_xor,
       rb_xor_cardinality_agg(rb_build(ARRAY[g, g + 1])) OVER (ORDER BY g) AS xor_n,
       rb_and_cardinality_agg(rb_fill('{}', g, 10)) OVER (ORDER BY g) AS and_n
  FROM generate_series(1, 5) g;
-- a sliding frame (the aggregate restarts for every row)
SELECT g, rb_or_agg(rb_build(ARRAY[g, g * 10])) OVER w AS or_2,
       rb_and_agg(rb_build(ARRAY[g, g + 1])) OVER w AS and_2,
       rb_build_agg(g) OVER w AS build_2
  FROM generate_series(1, 5) g
WINDOW w AS (ORDER BY g ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
-- the final function leaves run containers in the state, which then goes on
SELECT g, rb_or_agg(rb_fill('{}', g * 10, g * 10 + 10)) OVER w = rb_fill('{}', 10, g * 10 + 10) AS or_ok,
       rb_cardinality(rb_xor_agg(rb_fill('{}', 0, g * 1000)) OVER w) AS xor_n,
       rb_and_cardinality_agg(rb_fill('{}', g * 1000, 100000)) OVER w AS and_n
  FROM generate_series(1, 5) g WINDOW w AS (ORDER BY g);
-- partitions, NULL inputs and an all-NULL partition
SELECT grp, id, rb_build_agg(id) OVER (PARTITION BY grp ORDER BY id) AS ids_so_far,
       rb_or_agg(b) OVER (PARTITION BY grp) AS partition_or
  FROM agg_t ORDER BY grp, id;

---------------------------------------------------------------- parallel plans
-- 200000 rows, g = 1..200000:
--   id  = g % 50000            -> 50000 distinct ids 0..49999
--   neg = -(g % 70000) - 1     -> -1..-70000 = 4294897296..4294967295, two containers
--   b   = {g % 50000 * 3, -(g % 1000) - 1}
--         -> union {0, 3, .., 149997} (50000, over 3 containers) + {-1000..-1}: 51000
--   b_and = {7, 65536, -1, g}  -> intersection {7, 65536, -1}
--   b_xor = {g % 3000, -(g % 7) - 1}: r = g % 3000 occurs 67 times (odd) for
--         r in 1..2000, 66 times (even) for r = 0 and 2001..2999; s = g % 7
--         occurs 28571 times (odd) for s = 0, 4, 5, 6 and 28572 for 1, 2, 3
--         -> symmetric difference {1..2000} + {-7, -6, -5, -1}: 2004
CREATE TABLE agg_big AS
  SELECT g AS n, g % 4 AS grp, g % 50000 AS id, -(g % 70000) - 1 AS neg,
         rb_build(ARRAY[g % 50000 * 3, -(g % 1000) - 1]) AS b,
         rb_build(ARRAY[7, 65536, -1, g]) AS b_and,
         rb_build(ARRAY[g % 3000, -(g % 7) - 1]) AS b_xor
    FROM generate_series(1, 200000) g;
ANALYZE agg_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT rb_or_cardinality_agg(b) FROM agg_big;
-- The two queries under test, as views: the whole table and GROUP BY grp.
-- Each runs parallel (hash and sorted grouping) and serial below.
CREATE VIEW agg_all_v AS
SELECT rb_build_agg(id) AS build, rb_build_agg(neg) AS neg, rb_or_agg(b) AS "or",
       rb_and_agg(b_and) AS "and", rb_xor_agg(b_xor) AS "xor",
       rb_or_cardinality_agg(b) AS or_n, rb_and_cardinality_agg(b_and) AS and_n,
       rb_xor_cardinality_agg(b_xor) AS xor_n,
       rb_build_agg(CASE WHEN n % 1000 = 0 THEN n END) AS sparse,
       rb_and_agg(CASE WHEN n > 199990 THEN rb_build(ARRAY[5, n]) END) AS and_few,
       rb_or_agg(CASE WHEN n < 0 THEN b END) AS or_none,
       rb_or_cardinality_agg(CASE WHEN n < 0 THEN b END) AS or_none_n
  FROM agg_big;
CREATE VIEW agg_grp_v AS
SELECT grp, rb_build_agg(id) AS build, rb_build_agg(neg) AS neg, rb_or_agg(b) AS "or",
       rb_and_agg(b_and) AS "and", rb_xor_agg(b_xor) AS "xor",
       rb_or_cardinality_agg(b) AS or_n, rb_and_cardinality_agg(b_and) AS and_n,
       rb_xor_cardinality_agg(b_xor) AS xor_n
  FROM agg_big GROUP BY grp;
EXPLAIN (COSTS OFF) CREATE TABLE agg_par AS SELECT * FROM agg_all_v;
CREATE TABLE agg_par AS SELECT * FROM agg_all_v;
SET enable_sort = off;
EXPLAIN (COSTS OFF) CREATE TABLE agg_grp_hash AS SELECT * FROM agg_grp_v;
CREATE TABLE agg_grp_hash AS SELECT * FROM agg_grp_v;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) CREATE TABLE agg_grp_sort AS SELECT * FROM agg_grp_v;
CREATE TABLE agg_grp_sort AS SELECT * FROM agg_grp_v;
RESET enable_hashagg;
-- the same queries, serial
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) CREATE TABLE agg_ser AS SELECT * FROM agg_all_v;
CREATE TABLE agg_ser AS SELECT * FROM agg_all_v;
CREATE TABLE agg_grp_ser AS SELECT * FROM agg_grp_v;
RESET max_parallel_workers_per_gather;
-- parallel = serial, and both = the sets derived from the generator
SELECT p.build = s.build AS build, p.neg = s.neg AS neg, p."or" = s."or" AS "or",
       p."and" = s."and" AS "and", p."xor" = s."xor" AS "xor",
       p.or_n = s.or_n AND p.and_n = s.and_n AND p.xor_n = s.xor_n AS cards,
       p.sparse = s.sparse AS sparse, p.and_few = s.and_few AS and_few,
       p.or_none IS NULL AND s.or_none IS NULL AND p.or_none_n IS NULL
         AND s.or_none_n IS NULL AS nones
  FROM agg_par p, agg_ser s;
SELECT rb_cardinality(build) AS build_n, build = rb_fill('{}', 0, 50000) AS build_ok,
       rb_cardinality(neg) AS neg_n, rb_min(neg) AS neg_min, rb_max(neg) AS neg_max,
       neg = rb_fill('{}', 4294897296, 4294967296) AS neg_ok,
       or_n, "or" = rb_build(ARRAY(SELECT generate_series(0, 149997, 3)))
                    | rb_fill('{}', 4294966296, 4294967296) AS or_ok
  FROM agg_par;
SELECT "and", and_n, xor_n, rb_min("xor") AS xor_min, rb_max("xor") AS xor_max,
       "xor" = rb_fill('{}', 1, 2001) | '{-7,-6,-5,-1}'::rbitmap AS xor_ok,
       rb_cardinality(sparse) AS sparse_n, rb_max(sparse) AS sparse_max, and_few
  FROM agg_par;
-- per group g % 4 = k: ids = k, k+4, ..; neg = -(r)-1 for r = k, k+4, ..;
-- b_xor keeps the r = g % 3000 in 1..2000 with r % 4 = k (500) and the
-- s = g % 7 whose count among g = k mod 4 is odd: g mod 28 in 1..24 occurs
-- 7143 times, in 25..27 and 0 7142 times, so s is dropped for
-- (k, s) = (0, 0), (1, 4), (2, 5), (3, 6) (g mod 28 = 0, 25, 26, 27): 506
SELECT h.grp,
       h.build = s.build AND h.neg = s.neg AND h."or" = s."or" AND h."and" = s."and"
         AND h."xor" = s."xor" AND h.or_n = s.or_n AND h.and_n = s.and_n
         AND h.xor_n = s.xor_n AS hash_eq_serial,
       o.build = s.build AND o.neg = s.neg AND o."or" = s."or" AND o."and" = s."and"
         AND o."xor" = s."xor" AND o.or_n = s.or_n AND o.and_n = s.and_n
         AND o.xor_n = s.xor_n AS sort_eq_serial
  FROM agg_grp_hash h JOIN agg_grp_sort o USING (grp) JOIN agg_grp_ser s USING (grp)
 ORDER BY grp;
SELECT grp, rb_cardinality(build) AS build_n, rb_min(build) AS build_min,
       rb_max(build) AS build_max, rb_cardinality(neg) AS neg_n, rb_min(neg) AS neg_min,
       rb_max(neg) AS neg_max, or_n, and_n, xor_n, rb_min("xor") AS xor_min,
       rb_max("xor") AS xor_max
  FROM agg_grp_hash ORDER BY grp;
SELECT grp,
       build = rb_build(ARRAY(SELECT generate_series(grp, 49999, 4))) AS build_ok,
       neg = rb_build(ARRAY(SELECT -generate_series(grp, 69999, 4) - 1)) AS neg_ok,
       "or" = rb_build(ARRAY(SELECT generate_series(grp, 49999, 4) * 3))
              | rb_build(ARRAY(SELECT -generate_series(grp, 999, 4) - 1)) AS or_ok,
       "and" = '{7,65536,-1}' AS and_ok,
       rb_range("xor", 0, 3000) = rb_build(ARRAY(SELECT generate_series(CASE WHEN grp = 0 THEN 4 ELSE grp END, 2000, 4))) AS xor_low_ok,
       rb_range("xor", 3000, 4294967296) AS xor_high
  FROM agg_grp_sort ORDER BY grp;

DROP VIEW agg_all_v, agg_grp_v;
DROP TABLE agg_t, agg_big, agg_par, agg_ser, agg_grp_hash, agg_grp_sort, agg_grp_ser;
