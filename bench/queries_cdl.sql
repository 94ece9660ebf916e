-- C benchmarks: the customer data layer (issue 6, version 1.4). Appended to
-- the catalogue of bench/queries.sql by scripts/bench.sh.
--
-- The data is made HERE, only when a C benchmark is selected (CDP_BENCH_ONLY
-- empty or naming C1..C4) and the tables do not exist yet. Deterministic
-- (generate_series + hashint8). Sizes at scale 1:
--
--   cdl_user_tags  normalized (tag, user_id), primary key (tag, user_id):
--                  tags c1_a, c1_b, c1_c, c1_d with 50%, 30%, 10%, 20% of a
--                  universe of 10M users (as B2), plus 996 small tags of
--                  about 1,000 users each: 12M rows
--   cdp_tags       the same 1,000 tags as bitmaps (the extension's tag store)
--   cdl_profiles   1M rows (user_id, tags rbitmap): 8 tags each out of
--                  10,000 (uniform: a tag has about 800 users), GIN index
--   cdl_edges      1M identity edges (a text, b text): device -> login for
--                  900k devices over 400k logins, plus 100k email -> login
--
-- C1: cdp_audience('(c1_a & c1_b | c1_c) - c1_d') over the 1,000-tag store
--     vs the same audience from cdl_user_tags in plain SQL (>= 100x).
-- C2: GIN index: tags @> '{17}' / '{5,17}' on 1M rows vs a sequential scan
--     (>= 50x).
-- C3: cdp_resolve_identities on 1M edges (time; peak memory is printed while
--     the data is made, measured in a fresh backend as VmHWM of
--     /proc/self/status before and after the call).
-- C4: dense ids: cdp_dense_id one row at a time (create / lookup) and
--     cdp_dense_ids in bulk (create / lookup), 100k ids per run: ids/s =
--     100000 / median seconds.
\set ON_ERROR_STOP on

\getenv cdl_only CDP_BENCH_ONLY
\if :{?cdl_only}
\else
\set cdl_only ''
\endif
SELECT (:'cdl_only' = '' OR :'cdl_only' ~ '(^| )C[0-9]') AS cdl_wanted,
       (:'cdl_only' = '' OR :'cdl_only' ~ '(^| )C1') AS cdl_c1,
       (:'cdl_only' = '' OR :'cdl_only' ~ '(^| )C2') AS cdl_c2,
       (:'cdl_only' = '' OR :'cdl_only' ~ '(^| )C3') AS cdl_c3,
       to_regclass('cdl_user_tags') IS NULL AS cdl_make_tags,
       to_regclass('cdl_profiles') IS NULL AS cdl_make_profiles,
       to_regclass('cdl_edges') IS NULL AS cdl_make_edges,
       (10000000 * :scale)::bigint AS cdl_users,
       (1000000 * :scale)::bigint AS cdl_rows \gset

-- Peak resident memory of the backend (not part of CREATE EXTENSION).
CREATE OR REPLACE FUNCTION cdp_test_peak_rss_kb() RETURNS bigint
  AS '$libdir/cdp', 'cdp_test_peak_rss_kb' LANGUAGE C STRICT;

\if :cdl_wanted
SET maintenance_work_mem = '1GB';

\if :cdl_c1
\if :cdl_make_tags
CREATE UNLOGGED TABLE cdl_user_tags (tag text NOT NULL, user_id int NOT NULL);
INSERT INTO cdl_user_tags (tag, user_id)
SELECT t.tag, u::int
FROM (VALUES ('c1_a', 500000, 11), ('c1_b', 300000, 12), ('c1_c', 100000, 13), ('c1_d', 200000, 14))
       AS t(tag, per_million, salt)
     CROSS JOIN generate_series(0, :cdl_users - 1) AS u
WHERE (hashint8(u * 16 + t.salt) & 2147483647) % 1000000 < t.per_million;
INSERT INTO cdl_user_tags (tag, user_id)
SELECT DISTINCT 'c1_small_' || t, ((hashint8(t * 1000 + k) & 2147483647) % :cdl_users)::int
FROM generate_series(1, 996) t, generate_series(1, 1000) k;
ALTER TABLE cdl_user_tags ADD PRIMARY KEY (tag, user_id);
DELETE FROM cdp_tags WHERE tag LIKE 'c1\_%';
INSERT INTO cdp_tags (tag, users) SELECT tag, rb_build_agg(user_id) FROM cdl_user_tags GROUP BY tag;
VACUUM ANALYZE cdl_user_tags;
SELECT count(*) AS "C1 tags", sum(rb_cardinality(users)) AS "C1 memberships",
       pg_size_pretty(sum(pg_column_size(users))) AS "C1 bitmaps",
       pg_size_pretty(pg_total_relation_size('cdl_user_tags')) AS "C1 normalized table"
  FROM cdp_tags WHERE tag LIKE 'c1\_%';
\endif
\endif

\if :cdl_c2
\if :cdl_make_profiles
CREATE UNLOGGED TABLE cdl_profiles AS
SELECT g::int AS user_id,
       rb_build(ARRAY(SELECT ((hashint8(g * 8 + k) & 2147483647) % 10000)::int
                      FROM generate_series(0, 7) k)) AS tags
FROM generate_series(1, :cdl_rows) g;
CREATE INDEX cdl_profiles_tags ON cdl_profiles USING gin (tags);
VACUUM ANALYZE cdl_profiles;
SELECT count(*) AS "C2 rows", pg_size_pretty(pg_relation_size('cdl_profiles_tags')) AS "C2 GIN index",
       count(*) FILTER (WHERE tags @> 17) AS "rows with 17"
  FROM cdl_profiles;
\endif
\endif

\if :cdl_c3
\if :cdl_make_edges
CREATE UNLOGGED TABLE cdl_edges AS
SELECT 'dev:' || g AS a, 'login:' || ((hashint8(g) & 2147483647) % (:cdl_rows * 4 / 10)) AS b
FROM generate_series(1, :cdl_rows * 9 / 10) g
UNION ALL
SELECT 'email:' || g || '@example.com', 'login:' || ((hashint8(-g) & 2147483647) % (:cdl_rows * 4 / 10))
FROM generate_series(1, :cdl_rows / 10) g;
ANALYZE cdl_edges;
-- Time and peak memory of one call, in a fresh backend (dense ids created).
\connect
SELECT cdp_test_peak_rss_kb() AS rss_before_kb, clock_timestamp() AS t0 \gset
SELECT count(*) AS "C3 identifiers", count(DISTINCT person_id) AS "C3 persons"
  FROM cdp_resolve_identities('SELECT a, b FROM cdl_edges');
SELECT to_char(1000 * extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 'FM999990') AS "C3 first call ms (creates dense ids)",
       :rss_before_kb AS "VmHWM before kB", cdp_test_peak_rss_kb() AS "VmHWM after kB";
\connect
SELECT cdp_test_peak_rss_kb() AS rss_before_kb, clock_timestamp() AS t0 \gset
SELECT count(*) AS "C3 identifiers" FROM cdp_resolve_identities('SELECT a, b FROM cdl_edges');
SELECT to_char(1000 * extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 'FM999990') AS "C3 second call ms",
       :rss_before_kb AS "VmHWM before kB", cdp_test_peak_rss_kb() AS "VmHWM after kB";
\endif
\endif

-- C4: ids that exist already, for the lookup runs.
SELECT cardinality(cdp_dense_ids(ARRAY(SELECT 'c4:' || g FROM generate_series(1, 100000) g)))
  AS "C4 existing ids";
\endif

INSERT INTO bench_query VALUES
-------------------------------------------------------------------------------
-- C1: audience over a 1,000-tag store, 10M users
-------------------------------------------------------------------------------
(1010, 'c1_ours_cdp_audience', 'C1', 'ours',
 $q$SELECT rb_cardinality(cdp_audience('(c1_a & c1_b | c1_c) - c1_d'))$q$, NULL),
(1020, 'c1_sql_exists_union', 'C1', 'baseline',
 $q$SELECT count(*) FROM (
  SELECT a.user_id FROM cdl_user_tags a
  WHERE a.tag = 'c1_a'
    AND EXISTS (SELECT 1 FROM cdl_user_tags b WHERE b.tag = 'c1_b' AND b.user_id = a.user_id)
  UNION
  SELECT c.user_id FROM cdl_user_tags c WHERE c.tag = 'c1_c'
) s
WHERE NOT EXISTS (SELECT 1 FROM cdl_user_tags d WHERE d.tag = 'c1_d' AND d.user_id = s.user_id)$q$, NULL),
(1030, 'c1_sql_set_ops', 'C1', 'baseline',
 $q$SELECT count(*) FROM (
  ((SELECT user_id FROM cdl_user_tags WHERE tag = 'c1_a'
    INTERSECT
    SELECT user_id FROM cdl_user_tags WHERE tag = 'c1_b')
   UNION
   SELECT user_id FROM cdl_user_tags WHERE tag = 'c1_c')
  EXCEPT
  SELECT user_id FROM cdl_user_tags WHERE tag = 'c1_d'
) s$q$, NULL),
-------------------------------------------------------------------------------
-- C2: GIN index on 1M per-user tag bitmaps
-------------------------------------------------------------------------------
(1110, 'c2_ours_gin_one', 'C2', 'ours',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags @> 17$q$, NULL),
(1120, 'c2_seq_one', 'C2', 'baseline',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags @> 17$q$,
 'enable_bitmapscan=off,enable_indexscan=off'),
(1130, 'c2_ours_gin_two', 'C2', 'ours',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags @> '{5,17}'$q$, NULL),
(1140, 'c2_seq_two', 'C2', 'baseline',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags @> '{5,17}'$q$,
 'enable_bitmapscan=off,enable_indexscan=off'),
(1150, 'c2_ours_gin_overlap', 'C2', 'ours',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags && '{900,901}'$q$, NULL),
(1160, 'c2_seq_overlap', 'C2', 'baseline',
 $q$SELECT count(*) FROM cdl_profiles WHERE tags && '{900,901}'$q$,
 'enable_bitmapscan=off,enable_indexscan=off'),
-------------------------------------------------------------------------------
-- C3: identity resolution over 1M edges (dense ids exist after the first run)
-------------------------------------------------------------------------------
(1210, 'c3_ours_resolve_1m', 'C3', 'ours',
 $q$SELECT count(*) FROM cdp_resolve_identities('SELECT a, b FROM cdl_edges')$q$, NULL),
(1220, 'c3_floor_read_edges', 'C3', 'reference',
 $q$SELECT count(*) FROM (SELECT a FROM cdl_edges UNION ALL SELECT b FROM cdl_edges) s$q$, NULL),
-------------------------------------------------------------------------------
-- C4: dense id throughput, 100k ids per run
-------------------------------------------------------------------------------
-- new ids every run (the prefix is the run's start time)
(1310, 'c4_single_create', 'C4', 'ours',
 $q$SELECT count(cdp_dense_id(p || g)) FROM (SELECT 'c4s:' || clock_timestamp() || ':' AS p) s,
  generate_series(1, 100000) g$q$, NULL),
(1320, 'c4_single_lookup', 'C4', 'ours',
 $q$SELECT count(cdp_dense_id('c4:' || g)) FROM generate_series(1, 100000) g$q$, NULL),
(1330, 'c4_bulk_create', 'C4', 'ours',
 $q$SELECT cardinality(cdp_dense_ids(ARRAY(
  SELECT p || g FROM (SELECT 'c4b:' || clock_timestamp() || ':' AS p) s, generate_series(1, 100000) g)))$q$, NULL),
(1340, 'c4_bulk_lookup', 'C4', 'ours',
 $q$SELECT cardinality(cdp_dense_ids(ARRAY(SELECT 'c4:' || g FROM generate_series(1, 100000) g)))$q$, NULL);

INSERT INTO bench_compare VALUES
(200, 'C1', 'cdp_audience (1,000 tags, 10M users) vs fastest plain SQL', 'c1_ours_cdp_audience',
 '{c1_sql_exists_union,c1_sql_set_ops}', true, 100, '>= 100x'),
(201, 'C2', 'GIN @> 17 vs sequential scan (1M rows)', 'c2_ours_gin_one',
 '{c2_seq_one}', true, 50, '>= 50x'),
(202, 'C2', 'GIN @> {5,17} vs sequential scan', 'c2_ours_gin_two',
 '{c2_seq_two}', true, 50, '>= 50x'),
(203, 'C2', 'GIN && {900,901} vs sequential scan', 'c2_ours_gin_overlap',
 '{c2_seq_overlap}', true, NULL, 'report'),
(204, 'C3', 'cdp_resolve_identities 1M edges vs reading the edges', 'c3_ours_resolve_1m',
 '{c3_floor_read_edges}', false, NULL, 'report (floor)'),
(205, 'C4', 'dense ids: bulk create vs one call per id', 'c4_bulk_create',
 '{c4_single_create}', true, NULL, 'report'),
(206, 'C4', 'dense ids: bulk lookup vs one call per id', 'c4_bulk_lookup',
 '{c4_single_lookup}', true, NULL, 'report');
