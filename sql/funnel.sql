--
-- window_funnel, window_funnel_times, funnel_counts (SQL API section 1).
-- Every expected value below is derived by hand from the spec's rules; the
-- comment above each query gives the answer and why.
--
SET client_min_messages = notice;
SET timezone = 'UTC';

-- fe: one row per event; t = seconds from a fixed origin.
CREATE TABLE fe (u int, t int, e text);
CREATE FUNCTION ts(t int) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT timestamptz '2026-01-01 00:00:00+00' + t * interval '1 second' $$;

---------------------------------------------------------------- worked cases
-- events t=0..8 with e = 1000+t
INSERT INTO fe SELECT 1, t, (1000 + t)::text FROM generate_series(0, 8) t;
-- [1000,1001,1002,1008] within 10000 s: all 4 (1008 at t=8 <= 0+10000)
SELECT window_funnel(interval '10000 s', ts(t), e = '1000', e = '1001', e = '1002', e = '1008')
  FROM fe WHERE u = 1;
-- [1003..1007]: the window is inclusive and measured from step 1 (t=3):
-- 2 s reaches t=5 -> 3 steps; 3 s -> 4; 4 s -> 5
SELECT window_funnel(interval '2 s', ts(t), e = '1003', e = '1004', e = '1005', e = '1006', e = '1007') AS w2,
       window_funnel(interval '3 s', ts(t), e = '1003', e = '1004', e = '1005', e = '1006', e = '1007') AS w3,
       window_funnel(interval '4 s', ts(t), e = '1003', e = '1004', e = '1005', e = '1006', e = '1007') AS w4
  FROM fe WHERE u = 1;
-- [1008,1001]: 1001 happens before 1008 -> only step 1
SELECT window_funnel(interval '1 day', ts(t), e = '1008', e = '1001') FROM fe WHERE u = 1;
-- the timestamp (without time zone) overload gives the same answers
SELECT window_funnel(interval '3 s', ts(t)::timestamp, e = '1003', e = '1004', e = '1005', e = '1006', e = '1007'),
       window_funnel(interval '1 day', ts(t)::timestamp, e = '1008', e = '1001')
  FROM fe WHERE u = 1;
-- times from step 1 to steps 2, 3, 4 of the chain at t=0,1,2,8
SELECT window_funnel_times(interval '10000 s', ts(t), e = '1000', e = '1001', e = '1002', e = '1008')
  FROM fe WHERE u = 1;

-- users 11 a b c, 12 a d b c, 13 a a b b c c, 15 a a b b d c c, 16 c c b b a a
INSERT INTO fe SELECT 10 + u, i, substr(s, i, 1)
  FROM (VALUES (1, 'abc'), (2, 'adbc'), (3, 'aabbcc'), (5, 'aabbdcc'), (6, 'ccbbaa')) v(u, s),
       generate_series(1, length(s)) i;
-- default: d is ignored, so 3,3,3,3 and user 16 only reaches a -> 1.
-- strict_order: 11 -> 3; 12: d ends the chain at a -> 1; 13: a a (repeat),
-- b b, c -> 3; 15: d ends the chain at b -> 2; 16 -> 1.
SELECT u, window_funnel(interval '1 day', ts(t), e = 'a', e = 'b', e = 'c') AS default_mode,
       window_funnel(interval '1 day', 'strict_order', ts(t), e = 'a', e = 'b', e = 'c') AS strict_order
  FROM fe WHERE u BETWEEN 11 AND 16 GROUP BY u ORDER BY u;

-- (0,1000),(1,1001),(1,1002),(1,1003),(2,1004)
INSERT INTO fe VALUES (20, 0, '1000'), (20, 1, '1001'), (20, 1, '1002'), (20, 1, '1003'), (20, 2, '1004');
-- all 5 by default (ties ordered by step index); strict_increase: 1000@0,
-- 1001@1, then 1002 has the same timestamp as 1001 -> 2;
-- [1004,1004,1004]: the one row fills all three steps -> 3, but with
-- strict_once a row advances a chain by one step -> 1
SELECT window_funnel(interval '1 day', ts(t), e = '1000', e = '1001', e = '1002', e = '1003', e = '1004') AS all5,
       window_funnel(interval '1 day', 'strict_increase', ts(t), e = '1000', e = '1001', e = '1002', e = '1003', e = '1004') AS incr,
       window_funnel(interval '1 day', ts(t), e = '1004', e = '1004', e = '1004') AS same3,
       window_funnel(interval '1 day', 'strict_once', ts(t), e = '1004', e = '1004', e = '1004') AS once
  FROM fe WHERE u = 20;

-- A@0, B@1, B@2, C@2 with strict_increase: A@0 -> B@1 -> C@2 = 3 (B@2 -> C@2
-- is not increasing, but the chain through B@1 is)
INSERT INTO fe VALUES (21, 0, 'A'), (21, 1, 'B'), (21, 2, 'B'), (21, 2, 'C');
SELECT window_funnel(interval '1 day', 'strict_increase', ts(t), e = 'A', e = 'B', e = 'C') FROM fe WHERE u = 21;

-- NULL conditions are false and never drop the row: (1, NULL), (2, open),
-- (3, purchase) with [e IS NULL, e = 'open', e = 'purchase'] -> 3
INSERT INTO fe VALUES (22, 1, NULL), (22, 2, 'open'), (22, 3, 'purchase');
SELECT window_funnel(interval '1 day', ts(t), e IS NULL, e = 'open', e = 'purchase') FROM fe WHERE u = 22;

-- a b a c: strict_order 2 (the second a ends the chain a-b, the chain it
-- starts is ended by c); with allow_reentry the second a does not end a-b,
-- c extends it -> 3
INSERT INTO fe VALUES (23, 1, 'a'), (23, 2, 'b'), (23, 3, 'a'), (23, 4, 'c');
SELECT window_funnel(interval '1 day', 'strict_order', ts(t), e = 'a', e = 'b', e = 'c') AS strict_order,
       window_funnel(interval '1 day', 'strict_order,allow_reentry', ts(t), e = 'a', e = 'b', e = 'c') AS reentry,
       window_funnel(interval '1 day', ' allow_reentry , strict_order ', ts(t), e = 'a', e = 'b', e = 'c') AS spaces
  FROM fe WHERE u = 23;

-- strict_deduplication: a b b c -> the second b repeats step 2 before c: 2
-- (default 3); a a b c -> the second a freezes the first chain at 1 but
-- starts its own: 3
INSERT INTO fe VALUES (24, 1, 'a'), (24, 2, 'b'), (24, 3, 'b'), (24, 4, 'c'),
                      (25, 1, 'a'), (25, 2, 'a'), (25, 3, 'b'), (25, 4, 'c');
SELECT u, window_funnel(interval '1 day', ts(t), e = 'a', e = 'b', e = 'c') AS default_mode,
       window_funnel(interval '1 day', 'strict_deduplication', ts(t), e = 'a', e = 'b', e = 'c') AS dedup
  FROM fe WHERE u IN (24, 25) GROUP BY u ORDER BY u;

-- the window: a@0 b@10 c@20; 15 s -> 2 (c is 20 s after a); 20 s -> 3
INSERT INTO fe VALUES (26, 0, 'a'), (26, 10, 'b'), (26, 20, 'c');
SELECT window_funnel(interval '15 s', ts(t), e = 'a', e = 'b', e = 'c') AS w15,
       window_funnel(interval '20 s', ts(t), e = 'a', e = 'b', e = 'c') AS w20,
       window_funnel(interval '0 s', ts(t), e = 'a', e = 'b', e = 'c') AS w0,
       window_funnel_times(interval '20 s', ts(t), e = 'a', e = 'b', e = 'c') AS times
  FROM fe WHERE u = 26;
-- a later chain can be the deepest: a@0 b@100, then a@200 b@210 c@220, window 30 s -> 3
INSERT INTO fe VALUES (27, 0, 'a'), (27, 100, 'b'), (27, 200, 'a'), (27, 210, 'b'), (27, 220, 'c');
SELECT window_funnel(interval '30 s', ts(t), e = 'a', e = 'b', e = 'c'),
       window_funnel_times(interval '30 s', ts(t), e = 'a', e = 'b', e = 'c')
  FROM fe WHERE u = 27;
-- window_funnel_times ties: two chains reach level 2 (a@0 b@50 and a@60
-- b@65, window 100 s): the earliest start wins -> {00:00:50}; level 1 -> {}
INSERT INTO fe VALUES (28, 0, 'a'), (28, 50, 'b'), (28, 60, 'a'), (28, 65, 'b');
SELECT window_funnel_times(interval '100 s', ts(t), e = 'a', e = 'b', e = 'c') AS tie,
       window_funnel_times(interval '100 s', ts(t), e = 'b', e = 'x') AS level1
  FROM fe WHERE u = 28;

---------------------------------------------------------------- input order
-- The same rows inserted in reverse and shuffled order give the same levels
-- (and times) for every user and mode.
CREATE TABLE fe_rev AS SELECT * FROM fe ORDER BY u, t DESC, e DESC;
CREATE TABLE fe_shuf AS SELECT * FROM fe ORDER BY md5(u::text || t::text || coalesce(e, '~'));
CREATE FUNCTION funnel_all(tab regclass) RETURNS TABLE (u int, lv text)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    SELECT u, concat_ws(' ',
      window_funnel(interval '1 day', ts(t), e = 'a', e = 'b', e = 'c'),
      window_funnel(interval '1 day', 'strict_order', ts(t), e = 'a', e = 'b', e = 'c'),
      window_funnel(interval '1 day', 'strict_increase,strict_once', ts(t), e = 'a', e = 'b', e = 'c'),
      window_funnel(interval '1 day', 'strict_deduplication', ts(t), e = 'a', e = 'b', e = 'c'),
      window_funnel(interval '1 day', 'strict_order,allow_reentry', ts(t), e = 'a', e = 'b', e = 'c'),
      window_funnel(interval '1 day', ts(t), e = '1000', e = '1001', e = '1002', e = '1003', e = '1004'),
      window_funnel_times(interval '1 day', ts(t), e = 'a', e = 'b', e = 'c'))
    FROM %s GROUP BY u $q$, tab);
END $$;
SELECT count(*) AS users,
       count(*) FILTER (WHERE a.lv = r.lv AND a.lv = s.lv) AS same_in_every_order
  FROM funnel_all('fe') a JOIN funnel_all('fe_rev') r USING (u) JOIN funnel_all('fe_shuf') s USING (u);

---------------------------------------------------------------- many steps
-- 70 steps (more than a 64-bit mask): step k at t = k -> 70; through an
-- explicit VARIADIC boolean[] the same, and 1024 steps is the maximum
CREATE TABLE fe_wide AS SELECT 1 AS u, k AS t FROM generate_series(1, 1024) k;
SELECT format('SELECT window_funnel(interval ''1 day'', ts(t), %s) AS args70 FROM fe_wide',
              string_agg(format('t = %s', k), ', ' ORDER BY k))
  FROM generate_series(1, 70) k \gexec
SELECT window_funnel(interval '1 day', ts(t), VARIADIC ARRAY(SELECT t = k FROM generate_series(1, 70) k)) AS array70,
       window_funnel(interval '1 day', ts(t), VARIADIC ARRAY(SELECT t = k FROM generate_series(1, 1024) k)) AS array1024,
       window_funnel(interval '500 s', ts(t), VARIADIC ARRAY(SELECT t = k FROM generate_series(1, 1024) k)) AS window500,
       array_length(window_funnel_times(interval '1 day', ts(t), VARIADIC ARRAY(SELECT t = k FROM generate_series(1, 70) k)), 1) AS times70
  FROM fe_wide;
-- NULL elements of the array are false: step 2 never matches -> 1
SELECT window_funnel(interval '1 day', ts(t), VARIADIC ARRAY[t = 1, NULL, t = 3]) FROM fe_wide;

---------------------------------------------------------------- edge values
-- a window of 1,000,000 years and timestamps at both ends of the range:
-- 4713 BC -> 294276 AD is within it -> 2; with a 1000-year window -> 1
SELECT window_funnel(interval '1000000 years', x, x < '2000-01-01', x > '2000-01-01') AS huge,
       window_funnel(interval '1000 years', x, x < '2000-01-01', x > '2000-01-01') AS small,
       window_funnel_times(interval '1000000 years', x, x < '2000-01-01', x > '2000-01-01') AS times
  FROM (VALUES (timestamptz '4713-01-01 00:00:00+00 BC'), (timestamptz '294276-12-31 23:59:59+00')) v(x);
-- NULL timestamps are ignored; empty groups give 0 and {}
SELECT window_funnel(interval '1 day', NULL::timestamptz, true) AS null_ts,
       window_funnel(interval '1 day', ts(t), e = 'a') FILTER (WHERE false) AS empty,
       window_funnel_times(interval '1 day', ts(t), e = 'a') FILTER (WHERE false) AS empty_times
  FROM fe;
-- no rows at all in the groups of an empty table
SELECT count(*) FROM (SELECT u, window_funnel(interval '1 day', ts(t), e = 'a') FROM fe WHERE false GROUP BY u) s;

---------------------------------------------------------------- funnel_counts
-- levels 0,1,2,4,6,NULL with 4 steps: >=1: 4, >=2: 3, >=3: 2, >=4: 2
SELECT funnel_counts(l, 4) FROM (VALUES (0), (1), (2), (4), (6), (NULL)) v(l);
-- no rows -> {}
SELECT funnel_counts(l, 4) FROM (VALUES (1)) v(l) WHERE false;
-- per step counts of the users above (abc funnel): levels 3,3,3,3,1 -> {5,4,4}
SELECT funnel_counts(level, 3) FROM (
  SELECT u, window_funnel(interval '1 day', ts(t), e = 'a', e = 'b', e = 'c') AS level
    FROM fe WHERE u BETWEEN 11 AND 16 GROUP BY u) s;

---------------------------------------------------------------- bad input
SELECT window_funnel(interval '-1 s', ts(t), e = 'a') FROM fe;
SELECT window_funnel(NULL::interval, ts(t), e = 'a') FROM fe;
SELECT window_funnel(interval '1 day', 'strict_orde', ts(t), e = 'a') FROM fe;
SELECT window_funnel(interval '1 day', 'strict_once,,strict_order', ts(t), e = 'a') FROM fe;
SELECT window_funnel(interval '1 day', 'allow_reentry', ts(t), e = 'a') FROM fe;
SELECT window_funnel(interval '1 day', NULL::text, ts(t), e = 'a') FROM fe;
SELECT window_funnel(interval '1 day', ts(t), e) FROM fe;
SELECT window_funnel(interval '1 day', ts(t), e = 'a', 1) FROM fe;
SELECT window_funnel(interval '1 day', ts(t), VARIADIC ARRAY[]::boolean[]) FROM fe;
SELECT window_funnel(interval '1 day', ts(t), VARIADIC NULL::boolean[]) FROM fe;
SELECT window_funnel(interval '1 day', ts(t), VARIADIC ARRAY[1, 2]) FROM fe;
SELECT window_funnel(interval '1 day', ts(t), VARIADIC ARRAY(SELECT true FROM generate_series(1, 1025))) FROM fe;
-- window, mode and steps must be constant within a group
SELECT window_funnel(t * interval '1 s', ts(t), e = 'a') FROM fe WHERE u = 1;
SELECT window_funnel(interval '1 day', CASE WHEN t > 3 THEN 'strict_once' ELSE '' END, ts(t), e = 'a') FROM fe WHERE u = 1;
SELECT window_funnel(interval '1 day', ts(t), VARIADIC CASE WHEN t > 3 THEN ARRAY[true] ELSE ARRAY[true, false] END) FROM fe WHERE u = 1;
SELECT funnel_counts(l, 0) FROM (VALUES (1)) v(l);
SELECT funnel_counts(l, 1025) FROM (VALUES (1)) v(l);
SELECT funnel_counts(l, NULL) FROM (VALUES (1)) v(l);
SELECT funnel_counts(-1, 3) FROM (VALUES (1)) v(l);
SELECT funnel_counts(l, s) FROM (VALUES (1, 3), (2, 4)) v(l, s);

---------------------------------------------------------------- plain SQL reference
-- 3,000 users x 20 events over 64 distinct seconds (many ties), events a..d.
-- Not TEMP: parallel workers cannot scan temporary tables.
CREATE TABLE fp AS
SELECT g % 3000 AS u, (hashint4(g) & 63) AS t, chr(97 + ((hashint4(g * 7) & 65535) % 4)) AS e
  FROM generate_series(1, 60000) g;
CREATE INDEX fp_u_e_t ON fp (u, e, t);  -- for the self-joins below
ANALYZE fp;
-- With one event per row, the default-mode level is exactly what self-joins
-- give: step k+1 at a timestamp >= step k (ties sort by step index) and
-- <= step 1 + window.
CREATE VIEW fp_ref AS
SELECT u, CASE
  WHEN EXISTS (SELECT 1 FROM fp a JOIN fp b ON b.u = a.u AND b.e = 'b' AND b.t >= a.t AND b.t <= a.t + 10
                                  JOIN fp c ON c.u = a.u AND c.e = 'c' AND c.t >= b.t AND c.t <= a.t + 10
                WHERE a.u = x.u AND a.e = 'a') THEN 3
  WHEN EXISTS (SELECT 1 FROM fp a JOIN fp b ON b.u = a.u AND b.e = 'b' AND b.t >= a.t AND b.t <= a.t + 10
                WHERE a.u = x.u AND a.e = 'a') THEN 2
  WHEN EXISTS (SELECT 1 FROM fp a WHERE a.u = x.u AND a.e = 'a') THEN 1
  ELSE 0 END AS level
FROM (SELECT DISTINCT u FROM fp) x;
SELECT count(*) AS users, count(*) FILTER (WHERE r.level = f.level) AS same_as_plain_sql,
       sum(f.level) AS total_level
  FROM fp_ref r
  JOIN (SELECT u, window_funnel(interval '10 s', ts(t), e = 'a', e = 'b', e = 'c') AS level
          FROM fp GROUP BY u) f USING (u);

DROP INDEX fp_u_e_t;  -- the plans below scan the table

---------------------------------------------------------------- parallel plans
-- Every aggregate of this file and sequence.sql, grouped by user and over
-- all rows at once (one huge group: combine merges long sorted runs);
-- parallel (hash and sorted grouping) = serial.
-- 70 steps a b c d a b c d ...
CREATE FUNCTION steps70(e text) RETURNS boolean[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ARRAY(SELECT e = chr(97 + k % 4) FROM generate_series(0, 69) k) $$;
CREATE VIEW fp_user_v AS
SELECT u,
       window_funnel(interval '10 s', ts(t), e = 'a', e = 'b', e = 'c') AS d,
       window_funnel(interval '10 s', 'strict_order', ts(t), e = 'a', e = 'b', e = 'c') AS so,
       window_funnel(interval '10 s', 'strict_increase,strict_deduplication', ts(t)::timestamp, e = 'a', e = 'b', e = 'c') AS sid,
       window_funnel(interval '10 s', ts(t), VARIADIC steps70(e)) AS wide,
       window_funnel_times(interval '10 s', ts(t), e = 'a', e = 'b', e = 'c') AS times,
       sequence_match('(?1).*(?2)(?t<=5)(?3)', ts(t), e = 'a', e = 'b', e = 'c') AS sm,
       sequence_count('(?1).(?2)', ts(t), e = 'a', e = 'b') AS sc,
       path_after(ts(t), e, e = 'c', 4) AS path
  FROM fp GROUP BY u;
CREATE VIEW fp_digest_v AS
SELECT md5(string_agg(v::text, '|' ORDER BY u)) AS digest, count(*) AS users,
       sum(d) AS sum_d, sum(so) AS sum_so, count(*) FILTER (WHERE sm) AS sm_users, sum(sc) AS sum_sc
  FROM fp_user_v v;
CREATE VIEW fp_all_v AS
SELECT window_funnel(interval '10 s', ts(t), e = 'a', e = 'b', e = 'c', e = 'd') AS d,
       window_funnel_times(interval '10 s', 'strict_order', ts(t), e = 'a', e = 'b') AS times,
       sequence_count('(?1)(?2)', ts(t), e = 'a', e = 'b') AS sc,
       path_after(ts(t), e, e = 'd', 5) AS path,
       funnel_counts(t % 5, 3) AS counts
  FROM fp;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) CREATE TABLE fp_par_all AS SELECT * FROM fp_all_v;
CREATE TABLE fp_par_all AS SELECT * FROM fp_all_v;
SET enable_sort = off;
EXPLAIN (COSTS OFF) CREATE TABLE fp_par_hash AS SELECT * FROM fp_digest_v;
CREATE TABLE fp_par_hash AS SELECT * FROM fp_digest_v;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) CREATE TABLE fp_par_sort AS SELECT * FROM fp_digest_v;
CREATE TABLE fp_par_sort AS SELECT * FROM fp_digest_v;
RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) CREATE TABLE fp_ser AS SELECT * FROM fp_digest_v;
CREATE TABLE fp_ser AS SELECT * FROM fp_digest_v;
CREATE TABLE fp_ser_all AS SELECT * FROM fp_all_v;
RESET max_parallel_workers_per_gather;
SELECT (SELECT digest FROM fp_par_hash) = (SELECT digest FROM fp_ser) AS hash_same,
       (SELECT digest FROM fp_par_sort) = (SELECT digest FROM fp_ser) AS sort_same,
       (SELECT row(a.*)::text FROM fp_par_all a) = (SELECT row(s.*)::text FROM fp_ser_all s) AS all_same;
-- the figures behind the digests: 3000 users; the level sum equals the
-- plain SQL reference above; the whole table as one group reaches all 4
-- steps; funnel_counts of t % 5 over 60000 rows (t uniform-ish in 0..63).
SELECT users, sum_d FROM fp_ser;
SELECT d, sc > 0 AS some_pairs, cardinality(path) AS path_len,
       counts[1] = (SELECT count(*) FROM fp WHERE t % 5 >= 1) AS c1,
       counts[3] = (SELECT count(*) FROM fp WHERE t % 5 >= 3) AS c3
  FROM fp_ser_all;
-- regression: a sum beyond bigint in the combine function is an error, not
-- a silent wrap-around (only reachable with hand-made states)
SELECT cdp_funnel_counts_combine('{9223372036854775807}', '{1}');
