-- GIN operator class rbitmap_gin_ops (version 1.4): the index answers
-- &&, @> (rbitmap and int4), <@ and = exactly like a sequential scan.
SELECT setseed(0.42);

CREATE TABLE user_profiles (user_id int PRIMARY KEY, tags rbitmap);
-- ~20k rows: 0..12 tags out of 300, skewed towards small tag ids; some empty
INSERT INTO user_profiles
SELECT u, (SELECT coalesce(rb_build_agg((random() * random() * 300)::int), '{}'::rbitmap)
           FROM generate_series(1, (random() * 12)::int + 0 * u) g)
FROM generate_series(1, 20000) u;
-- a few rows with negative (high unsigned) elements
UPDATE user_profiles SET tags = tags | -5 WHERE user_id % 997 = 0;
CREATE INDEX user_profiles_tags ON user_profiles USING gin (tags);
ANALYZE user_profiles;
SELECT count(*) AS users, count(*) FILTER (WHERE rb_is_empty(tags)) AS empty
FROM user_profiles;

-- the default GIN operator class of rbitmap
SELECT opcname, opcdefault FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
WHERE amname = 'gin' AND opcintype = 'rbitmap'::regtype;

-- random queries: 0..4 elements
CREATE TABLE gin_queries AS
SELECT q, (SELECT coalesce(rb_build_agg((random() * random() * 300)::int), '{}'::rbitmap)
           FROM generate_series(1, (random() * 4)::int + 0 * q) g) AS b,
       (random() * 300)::int AS e
FROM generate_series(1, 24) q;
INSERT INTO gin_queries VALUES (25, '{}', -5), (26, '{-5}', 299), (27, '{1000}', 1000);

-- one row per (query, operator): count and checksum of the matching users
CREATE FUNCTION gin_answers() RETURNS TABLE (q int, op text, n bigint, ids text)
LANGUAGE sql AS $$
  SELECT q, op, count(user_id), md5(coalesce(string_agg(user_id::text, ',' ORDER BY user_id), ''))
  FROM gin_queries,
       LATERAL (SELECT '@>' AS op, user_id FROM user_profiles WHERE tags @> b
                UNION ALL SELECT '&&', user_id FROM user_profiles WHERE tags && b
                UNION ALL SELECT '<@', user_id FROM user_profiles WHERE tags <@ b
                UNION ALL SELECT '=', user_id FROM user_profiles WHERE tags = b
                UNION ALL SELECT '@>int', user_id FROM user_profiles WHERE tags @> e
                UNION ALL SELECT 'int<@', user_id FROM user_profiles WHERE e <@ tags
                UNION ALL SELECT 'none', NULL) m
  GROUP BY q, op
$$;

-- compare the index with a sequential scan; prints the mismatches (none)
CREATE FUNCTION gin_check(p_label text) RETURNS TABLE (label text, answers bigint, matches numeric, mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = on;
  CREATE TEMP TABLE ans_index AS SELECT * FROM gin_answers();
  SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;
  CREATE TEMP TABLE ans_seq AS SELECT * FROM gin_answers();
  RETURN QUERY SELECT p_label, (SELECT count(*) FROM ans_seq), (SELECT sum(n) FROM ans_seq),
    (SELECT count(*) FROM ((TABLE ans_index EXCEPT TABLE ans_seq)
                           UNION ALL (TABLE ans_seq EXCEPT TABLE ans_index)) d);
  DROP TABLE ans_index, ans_seq;
END $$;

-- the plans use the index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE tags @> '{17}';
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE tags && '{3,9}';
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE tags @> 17;
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE 17 <@ tags;
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE tags <@ '{1,2,3}';
EXPLAIN (COSTS OFF) SELECT q, count(user_id) FROM gin_queries,
  LATERAL (SELECT user_id FROM user_profiles WHERE tags @> b) m GROUP BY q;
-- a few answers spelled out (from the index)
SELECT count(*) FROM user_profiles WHERE tags @> '{}';
SELECT count(*) FROM user_profiles WHERE tags && '{}';
SELECT count(*) FROM user_profiles WHERE tags <@ '{}';
SELECT count(*) FROM user_profiles WHERE tags = '{}';
SELECT count(*) FROM user_profiles WHERE tags @> -5;

RESET enable_seqscan;
-- with statistics, a selective query picks the index on its own
EXPLAIN (COSTS OFF) SELECT user_id FROM user_profiles WHERE tags @> '{250,251}';

SELECT * FROM gin_check('fresh');

-- updates, deletes, inserts, then VACUUM
UPDATE user_profiles SET tags = tags | (user_id % 300) WHERE user_id % 7 = 0;
UPDATE user_profiles SET tags = tags - 1 WHERE user_id % 5 = 0;
UPDATE user_profiles SET tags = '{}' WHERE user_id % 101 = 0;
DELETE FROM user_profiles WHERE user_id % 11 = 0;
INSERT INTO user_profiles SELECT 20000 + u, rb_build(ARRAY[u % 300, (u * 7) % 300]) FROM generate_series(1, 500) u;
SELECT * FROM gin_check('after updates and deletes');
VACUUM user_profiles;
SELECT * FROM gin_check('after vacuum');
-- the fast-update pending list, then cleaned up
ALTER INDEX user_profiles_tags SET (fastupdate = on);
UPDATE user_profiles SET tags = tags | 299 WHERE user_id % 13 = 0;
SELECT * FROM gin_check('pending list');
SELECT gin_clean_pending_list('user_profiles_tags') >= 0 AS cleaned;
SELECT * FROM gin_check('after clean');

DROP TABLE user_profiles, gin_queries;
DROP FUNCTION gin_answers(), gin_check(text);
