--
-- rbitmap functions and operators (section 5 of the SQL contract), with
-- ordinary, empty, boundary (0, -1 = 4294967295, 65535/65536) and NULL
-- inputs, and the btree and hash operator classes.
--
SET cdp.rbitmap_output = 'array';
SET client_min_messages = notice;
SET extra_float_digits = 0;

---------------------------------------------------------------- building and listing
SELECT rb_build(ARRAY[3,1,2,3]) AS dups,
       rb_build('{}'::int[]) AS empty,
       rb_build(ARRAY[[1,2],[3,4]]) AS two_dims,
       rb_build(ARRAY[[[4],[3]],[[2],[1]]]) AS three_dims,
       rb_build('[5:6]={8,7}'::int[]) AS lower_bound_5,
       rb_build(ARRAY[-1, 0, 65536, 65535]) AS boundaries;
SELECT rb_build(NULL) IS NULL AS strict;
SELECT rb_build(ARRAY[1, NULL]);
SELECT rb_build(ARRAY[[1, 2], [NULL, 4]]);
\set VERBOSITY sqlstate
SELECT rb_build(ARRAY[NULL::int]);
\set VERBOSITY default
SELECT rb_to_array('{3,-1,0,65536}') AS arr, rb_to_array('{}') AS empty,
       pg_typeof(rb_to_array('{}')) AS type,
       array_length(rb_to_array(rb_fill('{}', 0, 100000)), 1) AS len_100000;
SELECT rb_iterate('{5,-1,0,65536}');
SELECT * FROM rb_iterate('{30,10,20,2147483647,-2147483648}') WITH ORDINALITY AS t(v, i);
SELECT count(*) FROM rb_iterate('{}');
-- more than one internal batch (1024) and a container boundary (65536)
SELECT count(*), sum(v), min(v), max(v) FROM rb_iterate(rb_fill('{}', 65000, 70000)) v;
-- the last container: -1296 .. -1 are 4294966000 .. 4294967295
SELECT count(*), min(v), max(v) FROM rb_iterate(rb_fill('{}', 4294966000, 4294967296)) v;
SELECT rb_cardinality('{}') AS empty, rb_cardinality('{1,2,3}') AS three,
       rb_cardinality('{0,-1}') AS two, rb_cardinality(rb_fill('{}', 0, 4294967296)) AS full,
       rb_is_empty('{}') AS empty_is_empty, rb_is_empty('{0}') AS zero_is_empty;

---------------------------------------------------------------- set algebra
CREATE TABLE ops_pairs (id int, a rbitmap, b rbitmap);
INSERT INTO ops_pairs VALUES
  (1, '{1,2,3,4}', '{3,4,5}'),
  (2, '{1,2,3,4}', '{}'),
  (3, '{}', '{}'),
  (4, '{0,65535,65536,-1}', '{65535,65536,4}'),
  (5, '{1,2}', '{1,2,3,4}'),
  (6, '{-1}', '{-2}'),
  (7, rb_fill('{}', 0, 70000), '{5,65536,69999,70000,-1}'),
  (8, NULL, '{1}');
SELECT id, a & b AS "and", a | b AS "or", a # b AS "xor", a - b AS a_minus_b, b - a AS b_minus_a
  FROM ops_pairs WHERE id <> 7 ORDER BY id;
SELECT id, rb_and_cardinality(a, b) AS "and", rb_or_cardinality(a, b) AS "or",
       rb_xor_cardinality(a, b) AS "xor", rb_andnot_cardinality(a, b) AS a_minus_b,
       rb_andnot_cardinality(b, a) AS b_minus_a
  FROM ops_pairs ORDER BY id;
-- functions = operators, and the cardinalities match the built sets
SELECT bool_and(rb_and(a, b) = (a & b) AND rb_or(a, b) = (a | b)
                AND rb_xor(a, b) = (a # b) AND rb_andnot(a, b) = (a - b)
                AND rb_cardinality(a & b) = rb_and_cardinality(a, b)
                AND rb_cardinality(a | b) = rb_or_cardinality(a, b)
                AND rb_cardinality(a # b) = rb_xor_cardinality(a, b)
                AND rb_cardinality(a - b) = rb_andnot_cardinality(a, b)) AS consistent,
       count(*) AS pairs
  FROM ops_pairs WHERE id <> 8;
SELECT id, rb_jaccard_index(a, b) AS jaccard FROM ops_pairs WHERE id <> 7 ORDER BY id;
SELECT rb_jaccard_index(a, b) = 3::float8 / 70002 AS jaccard_3_of_70002 FROM ops_pairs WHERE id = 7;
SELECT id, a @> b AS a_contains_b, a <@ b AS a_in_b, b <@ a AS b_in_a, a && b AS overlap,
       rb_contains(a, b) = (a @> b) AND rb_containedby(a, b) = (a <@ b)
         AND rb_intersect(a, b) = (a && b) AS same_as_functions
  FROM ops_pairs ORDER BY id;
-- rb_iterate once per row
SELECT id, v, i FROM ops_pairs, rb_iterate(a) WITH ORDINALITY AS t(v, i)
 WHERE id IN (1, 4) ORDER BY id, i;

---------------------------------------------------------------- single elements
SELECT x, rb_contains(b, x) AS fn, b @> x AS op, x <@ b AS op_commuted,
       rb_containedby(x, b) AS fn_commuted
  FROM (VALUES (0), (1), (65535), (65536), (65537), (-1), (-2), (2147483647), (-2147483648)) v(x),
       (SELECT '{0,65535,65536,-1}'::rbitmap AS b) s
 ORDER BY x;
SELECT rb_contains('{}', 0) AS empty_0, rb_contains('{1}', NULL::int) IS NULL AS null_elem;
SELECT rb_add('{1,2}', 3) AS add3, rb_add('{1,2}', 2) AS add_present, rb_add('{}', -1) AS add_m1,
       '{1,2}'::rbitmap | 65536 AS or_int, 0 | '{1,2}'::rbitmap AS int_or,
       rb_add(7, '{1}'::rbitmap) AS add_commuted,
       rb_add('{}', 2147483647) AS add_max, rb_add('{}', -2147483648) AS add_min;
SELECT rb_remove('{1,2,3}', 2) AS rm2, rb_remove('{1,2,3}', 9) AS rm_absent,
       rb_remove('{-1}', -1) AS rm_m1, '{65535,65536}'::rbitmap - 65536 AS minus_int,
       rb_remove('{}', 0) AS rm_empty;
SELECT '{1,2,3}'::rbitmap @> 3 AS op_contains, 3 <@ '{1,2,3}'::rbitmap AS op_in,
       '{1,2,3}'::rbitmap @> 4 AS op_contains_4, 4 <@ '{1,2,3}'::rbitmap AS op_in_4;
SELECT rb_min('{5,1,-1}') AS min, rb_max('{5,1,-1}') AS max,
       rb_min('{}') IS NULL AS min_empty_null, rb_max('{}') IS NULL AS max_empty_null,
       rb_min('{-2147483648,2147483647}') AS min2, rb_max('{-2147483648,2147483647}') AS max2,
       rb_min(rb_fill('{}', 65536, 65540)) AS min3, rb_max(rb_fill('{}', 65536, 65540)) AS max3;
SELECT rb_rank('{1,2,3,4}', 3) AS r3, rb_rank('{1,2,3,4}', 0) AS r0,
       rb_rank('{1,2,3,4}', 100) AS r100, rb_rank('{1,-1}', -1) AS r_m1,
       rb_rank('{1,-1}', -2) AS r_m2, rb_rank('{}', 5) AS r_empty,
       rb_rank('{65535,65536}', 65535) AS r_65535;
SELECT rb_index('{1,2,3,4}', 3) AS i3, rb_index('{1,2,3,4}', 5) AS i5,
       rb_index('{1,-1}', -1) AS i_m1, rb_index('{}', 0) AS i_empty,
       rb_index('{65535,65536}', 65536) AS i_65536;

---------------------------------------------------------------- select, range
SELECT rb_select('{1,2,3,4,5,6,7,8,9,10}', 3) AS first3,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 3, 2) AS skip2,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 3, 2, true) AS rev_skip2,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 100, 0, false, 4, 8) AS in_4_8,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 2, 1, true, 4, 8) AS rev_in_4_8;
SELECT rb_select('{1,2,3,4,5,6,7,8,9,10}', 0) AS limit0,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 5, 20) AS past_end,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 5, 8) AS last2,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 5, 8, true) AS rev_last2,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 100, 0, false, -100, 99999999999) AS clamped,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 100, 0, false, 8, 4) AS empty_range,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', 9223372036854775807) AS huge_limit;
SELECT rb_select('{1,-1,-5}', 2) AS unsigned_first2,
       rb_select('{1,-1,-5}', 1, 0, true) AS largest,
       rb_select('{1,-1,-5}', 10, 0, false, 4294967291, 4294967296) AS top_range,
       rb_select('{1,2,3,4,5,6,7,8,9,10}', bitset_limit => 2, reverse => true) AS named,
       rb_select(rb_fill('{}', 65530, 65540), 3, 4) AS across_65536,
       rb_select(rb_fill('{}', 65530, 65540), 3, 4, true) AS rev_across_65536;
SELECT rb_select('{1,2,3}', -1);
SELECT rb_select('{1,2,3}', 1, -1);
\set VERBOSITY sqlstate
SELECT rb_select('{1,2,3}', -5, 0, true);
\set VERBOSITY default
-- pages of a huge set (built as a value range, never copied element by element)
SELECT rb_cardinality(p) AS n, rb_min(p) AS min, rb_max(p) AS max
  FROM (SELECT rb_select(rb_fill('{}', 0, 4294967296), 4294967296, 1) AS p) s;
SELECT rb_cardinality(p) AS n, rb_min(p) AS min, rb_max(p) AS max
  FROM (SELECT rb_select(rb_fill('{}', 0, 4294967296), 4294967290, 3, true) AS p) s;
SELECT rb_select(rb_fill('{}', 0, 4294967296), 5, 65534) AS mid_page;
SELECT rb_to_array(rb_fill('{}', 0, 4294967296));
SELECT rb_range('{1,2,3,4,5,6,7,8,9,10}', 3, 6) AS r3_6,
       rb_range('{1,2,3,4,5,6,7,8,9,10}', 6, 3) AS r6_3,
       rb_range('{1,2,3,4,5,6,7,8,9,10}', -5, 3) AS r_neg_3,
       rb_range('{1,2,3,4,5,6,7,8,9,10}', 10, 11) AS r10_11,
       rb_range('{1,-1}', 0, 4294967296) AS whole,
       rb_range('{1,-1}', 0, 4294967295) AS below_max,
       rb_range('{1,-1}', 2, 5000000000) AS clamped_end,
       rb_range('{65535,65536}', 65536, 65537) AS r65536;
SELECT rb_range_cardinality('{1,2,3,4,5,6,7,8,9,10}', 3, 6) AS c3_6,
       rb_range_cardinality('{1,2,3,4,5,6,7,8,9,10}', 0, 4294967296) AS c_all,
       rb_range_cardinality('{1,2,3,4,5,6,7,8,9,10}', 6, 3) AS c6_3,
       rb_range_cardinality('{1,2,3,4,5,6,7,8,9,10}', -100, 5) AS c_neg_5,
       rb_range_cardinality('{-1}', 4294967295, 4294967296) AS c_max,
       rb_range_cardinality('{-1}', 0, 4294967295) AS c_below_max,
       rb_range_cardinality(rb_fill('{}', 0, 4294967296), 0, 4294967296) AS c_full;

---------------------------------------------------------------- fill, clear, flip
SELECT rb_fill('{}', 65530, 65540) AS fill, rb_cardinality(rb_fill('{}', 65530, 65540)) AS n;
SELECT rb_fill('{1,2,3,4}', 3, 7) AS f3_7, rb_fill('{1,2,3,4}', 7, 3) AS f7_3,
       rb_fill('{1,2,3,4}', 5, 5) AS f5_5, rb_fill('{}', -10, 3) AS f_neg_3,
       rb_fill('{}', 4294967294, 99999999999) AS f_top, rb_fill('{-1}', 0, 2) AS f0_2;
SELECT rb_cardinality(rb_fill('{}', 0, 4294967296)) AS full,
       rb_cardinality(rb_fill('{5}', 0, 200000)) AS c200000,
       rb_cardinality(rb_fill('{}', 65536, 131072)) AS c65536,
       rb_min(rb_fill('{}', 65536, 131072)) AS min, rb_max(rb_fill('{}', 65536, 131072)) AS max;
SELECT rb_clear('{1,2,3,4,5,6,7,8,9,10}', 3, 6) AS c3_6,
       rb_clear(rb_fill('{}', 65530, 65540), 65535, 65537) AS c_across,
       rb_clear('{1,2,3,4,5,6,7,8,9,10}', 6, 3) AS c6_3,
       rb_clear('{-1,1}', 4294967295, 4294967296) AS c_max,
       rb_clear('{-1,1}', -100, 100) AS c_neg,
       rb_clear('{1,2,3,4,5,6,7,8,9,10}', 0, 4294967296) AS c_all,
       rb_clear(rb_fill('{}', 0, 4294967296), 1, 4294967295) AS full_but_ends;
SELECT rb_flip('{1,2,3,4}', 2, 6) AS f2_6, rb_flip('{}', 65534, 65538) AS f_across,
       rb_flip('{1,2,3,4}', 5, 5) AS f5_5, rb_flip('{1,2,3,4}', 6, 2) AS f6_2,
       rb_flip('{0,-1}', -5, 1) AS f_neg_1, rb_flip('{0,-1}', 4294967295, 9999999999) AS f_top;
-- flipping the whole domain: 4294967296 - 4 elements (never printed)
SELECT rb_cardinality(f) AS n, rb_contains(f, 0) AS has0, rb_contains(f, 1) AS has1,
       rb_contains(f, 3) AS has3, rb_contains(f, 4) AS has4, rb_contains(f, -1) AS has_m1,
       rb_contains(f, -2) AS has_m2, rb_min(f) AS min, rb_max(f) AS max
  FROM (SELECT rb_flip('{1,2,3,-1}', 0, 4294967296) AS f) s;
SELECT rb_flip(rb_flip('{1,2,3,4,5,6,7,8,9,10}', 5, 70000), 5, 70000) = '{1,2,3,4,5,6,7,8,9,10}' AS flip_twice,
       rb_cardinality(rb_flip('{1,2,3,4,5,6,7,8,9,10}', 5, 70000)) AS c_flip;
-- counts beyond int4 on the whole domain
SELECT rb_rank(f, -1) AS rank_last, rb_index(f, -1) AS index_last,
       rb_and_cardinality(f, f) AS and_n, rb_jaccard_index(f, f) AS jaccard,
       rb_range_cardinality(f, 5, 4294967296) AS range_n
  FROM (SELECT rb_fill('{}', 0, 4294967296) AS f) s;

---------------------------------------------------------------- run optimization
SELECT b = rb_runoptimize(b) AS same_set, octet_length(b::bytea) AS array_bytes,
       octet_length(rb_runoptimize(b)::bytea) AS run_bytes
  FROM (SELECT rb_build(ARRAY(SELECT generate_series(1, 1000))) AS b) s;
SELECT rb_runoptimize('{}') AS empty, rb_runoptimize('{5}') AS one,
       octet_length(rb_runoptimize('{5}')::bytea) AS one_bytes;

---------------------------------------------------------------- NULL inputs
-- every function is STRICT: a NULL argument gives NULL
SELECT f, r IS NULL AS is_null FROM (VALUES
  ('rb_build', rb_build(NULL)::text),
  ('rb_to_array', rb_to_array(NULL)::text),
  ('rb_cardinality', rb_cardinality(NULL)::text),
  ('rb_is_empty', rb_is_empty(NULL)::text),
  ('rb_contains(NULL, int)', rb_contains(NULL::rbitmap, 1)::text),
  ('rb_contains(b, NULL::int)', rb_contains('{1}'::rbitmap, NULL::int)::text),
  ('rb_contains(b, NULL)', rb_contains('{1}'::rbitmap, NULL::rbitmap)::text),
  ('rb_containedby(NULL, b)', rb_containedby(NULL::rbitmap, '{1}'::rbitmap)::text),
  ('rb_containedby(NULL::int, b)', rb_containedby(NULL::int, '{1}'::rbitmap)::text),
  ('rb_intersect', rb_intersect('{1}', NULL)::text),
  ('rb_and', rb_and(NULL, '{1}')::text),
  ('rb_or', rb_or('{1}', NULL)::text),
  ('rb_xor', rb_xor(NULL, NULL)::text),
  ('rb_andnot', rb_andnot('{1}', NULL)::text),
  ('rb_and_cardinality', rb_and_cardinality(NULL, '{1}')::text),
  ('rb_or_cardinality', rb_or_cardinality('{1}', NULL)::text),
  ('rb_xor_cardinality', rb_xor_cardinality(NULL, '{1}')::text),
  ('rb_andnot_cardinality', rb_andnot_cardinality('{1}', NULL)::text),
  ('rb_jaccard_index', rb_jaccard_index(NULL, '{}')::text),
  ('rb_min', rb_min(NULL)::text),
  ('rb_max', rb_max(NULL)::text),
  ('rb_rank(NULL, int)', rb_rank(NULL, 1)::text),
  ('rb_rank(b, NULL)', rb_rank('{1}', NULL)::text),
  ('rb_index(NULL, int)', rb_index(NULL, 1)::text),
  ('rb_index(b, NULL)', rb_index('{1}', NULL)::text),
  ('rb_select(NULL, 1)', rb_select(NULL, 1)::text),
  ('rb_select(b, NULL)', rb_select('{1}', NULL)::text),
  ('rb_select reverse NULL', rb_select('{1}', 1, 0, NULL)::text),
  ('rb_select range_end NULL', rb_select('{1}', 1, 0, false, 0, NULL)::text),
  ('rb_range', rb_range(NULL, 0, 1)::text),
  ('rb_range end NULL', rb_range('{1}', 0, NULL)::text),
  ('rb_range_cardinality', rb_range_cardinality('{1}', NULL, 1)::text),
  ('rb_fill', rb_fill(NULL, 0, 1)::text),
  ('rb_fill start NULL', rb_fill('{1}', NULL, 1)::text),
  ('rb_clear', rb_clear('{1}', 0, NULL)::text),
  ('rb_flip', rb_flip(NULL, 0, 1)::text),
  ('rb_add(NULL, int)', rb_add(NULL::rbitmap, 1)::text),
  ('rb_add(b, NULL)', rb_add('{1}'::rbitmap, NULL::int)::text),
  ('rb_add(NULL::int, b)', rb_add(NULL::int, '{1}'::rbitmap)::text),
  ('rb_remove', rb_remove('{1}', NULL)::text),
  ('rb_runoptimize', rb_runoptimize(NULL)::text),
  ('&', (NULL::rbitmap & '{1}')::text),
  ('|', ('{1}'::rbitmap | NULL::rbitmap)::text),
  ('| int', ('{1}'::rbitmap | NULL::int)::text),
  ('int |', (NULL::int | '{1}'::rbitmap)::text),
  ('#', (NULL::rbitmap # NULL::rbitmap)::text),
  ('-', ('{1}'::rbitmap - NULL::rbitmap)::text),
  ('- int', ('{1}'::rbitmap - NULL::int)::text),
  ('@>', ('{1}'::rbitmap @> NULL::rbitmap)::text),
  ('@> int', ('{1}'::rbitmap @> NULL::int)::text),
  ('<@', (NULL::rbitmap <@ '{1}'::rbitmap)::text),
  ('int <@', (NULL::int <@ '{1}'::rbitmap)::text),
  ('&&', (NULL::rbitmap && '{1}'::rbitmap)::text),
  ('=', (NULL::rbitmap = '{1}'::rbitmap)::text),
  ('<>', (NULL::rbitmap <> '{1}'::rbitmap)::text),
  ('<', (NULL::rbitmap < '{1}'::rbitmap)::text),
  ('rb_cmp', rb_cmp('{1}', NULL)::text),
  ('rb_hash', rb_hash(NULL)::text)
) v(f, r);
SELECT count(*) AS rows FROM rb_iterate(NULL);

---------------------------------------------------------------- comparison
SELECT '{1,2}'::rbitmap < '{1,3}' AS lt, '{1}'::rbitmap < '{1,2}' AS prefix_lt,
       '{1,2}'::rbitmap < '{0,1,2}' AS lt_false, '{-1}'::rbitmap > '{5}' AS unsigned_gt,
       '{}'::rbitmap <= '{}' AS le, '{}'::rbitmap < '{0}' AS empty_lt,
       '{2}'::rbitmap >= '{1,5}' AS ge, '{1,2,3}'::rbitmap = '{3,2,1}' AS eq,
       '{1,2,3}'::rbitmap <> '{1,2}' AS ne, '{1,2,3}'::rbitmap = rb_runoptimize('{1,2,3}') AS eq_run;
SELECT rb_cmp('{1}', '{2}') AS cmp_lt, rb_cmp('{2}', '{1}') AS cmp_gt,
       rb_cmp('{1,2,3}', rb_runoptimize('{1,2,3}')) AS cmp_run,
       rb_cmp(rb_fill('{}', 0, 1000), rb_add(rb_fill('{}', 0, 1000), 5000)) AS cmp_prefix,
       rb_cmp(rb_fill('{}', 0, 1000), rb_remove(rb_fill('{}', 0, 1000), 700)) AS cmp_at_700,
       rb_cmp(rb_fill('{}', 0, 5000), rb_build(ARRAY(SELECT generate_series(0, 4999)))) AS cmp_bitset;
SELECT b FROM (VALUES ('{}'::rbitmap), ('{-1}'), ('{2}'), ('{0,1}'), ('{1,2}'), ('{0}'),
                      ('{0,-1}'), ('{1}')) v(b) ORDER BY b;
SELECT b FROM (VALUES ('{}'::rbitmap), ('{-1}'), ('{2}'), ('{0,1}'), ('{1,2}'), ('{0}'),
                      ('{0,-1}'), ('{1}')) v(b) ORDER BY b DESC;

---------------------------------------------------------------- btree and hash opclasses
-- equal sets stored in different representations: array, run container,
-- run-format cookie without runs (bytes kept by the bytea cast), bitset
CREATE TABLE ops_rep (id int, b rbitmap);
INSERT INTO ops_rep VALUES
  (1, '{1,2,3}'),
  (2, rb_runoptimize('{1,2,3}')),
  (3, rb_build(ARRAY[3,2,1])),
  (4, '{}'),
  (5, '\x3a30000000000000'),
  (6, '{-1}'),
  (7, rb_build(ARRAY(SELECT generate_series(0, 4999)))),
  (8, rb_runoptimize(rb_build(ARRAY(SELECT generate_series(0, 4999))))),
  (9, '\x3b3000000000000200010002000300'::bytea::rbitmap),
  (10, NULL);
SELECT id, octet_length(b::bytea) AS bytes, rb_cardinality(b) AS n, rb_is_empty(b) AS empty
  FROM ops_rep ORDER BY id;
-- hashes depend on the set only; seed 0 of the extended hash has the same
-- low 32 bits as rb_hash (a requirement of hash opclasses)
SELECT count(DISTINCT rb_hash(b)) AS hashes, count(DISTINCT rb_hash_extended(b, 42)) AS hashes_42,
       bool_and((rb_hash_extended(b, 0) & 4294967295) = (rb_hash(b)::bigint & 4294967295)) AS seed0_low_bits
  FROM ops_rep WHERE b = '{1,2,3}';
SELECT count(DISTINCT rb_hash(b)) AS hashes FROM ops_rep WHERE rb_cardinality(b) = 5000;
-- GROUP BY, sorted and hashed
SET enable_hashagg = off;
SELECT rb_cardinality(b) AS n, rb_min(b) AS min, count(*) AS rows, array_agg(id ORDER BY id) AS ids
  FROM ops_rep GROUP BY b ORDER BY b;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT min(id) AS min_id, count(*) AS rows, sum(id) AS sum_ids FROM ops_rep GROUP BY b ORDER BY 1;
SELECT min(id) AS min_id, count(*) AS rows, sum(id) AS sum_ids FROM ops_rep GROUP BY b ORDER BY 1;
RESET enable_sort;
-- DISTINCT
SELECT count(DISTINCT b) AS distinct_sets FROM ops_rep;
SELECT rb_cardinality(b) AS n FROM (SELECT DISTINCT b FROM ops_rep) s ORDER BY 1;
-- a UNIQUE index rejects an equal set in another representation (btree
-- index entries are limited in size, so this uses small bitmaps)
CREATE TABLE ops_uniq (b rbitmap UNIQUE);
INSERT INTO ops_uniq VALUES ('{1,2,3}');
INSERT INTO ops_uniq VALUES (rb_runoptimize('{3,2,1}'));
INSERT INTO ops_uniq VALUES ('\x3b3000000000000200010002000300'::bytea::rbitmap);
INSERT INTO ops_uniq VALUES (rb_build(ARRAY(SELECT generate_series(1, 100))));
SET cdp.rbitmap_output = 'binary';
INSERT INTO ops_uniq VALUES (rb_runoptimize(rb_fill('{}', 1, 101)));
RESET cdp.rbitmap_output;
INSERT INTO ops_uniq VALUES ('{1,2}');
SELECT count(*) FROM ops_uniq;
-- uniqueness of big bitmaps: an exclusion constraint over the hash opclass
-- (a hash index stores only the hash, whatever the size of the value)
CREATE TABLE ops_uniq_big (b rbitmap, EXCLUDE USING hash (b WITH =));
INSERT INTO ops_uniq_big VALUES (rb_build(ARRAY(SELECT generate_series(0, 4999))));
\set VERBOSITY terse
INSERT INTO ops_uniq_big VALUES (rb_runoptimize(rb_fill('{}', 0, 5000)));
\set VERBOSITY default
INSERT INTO ops_uniq_big VALUES (rb_fill('{}', 0, 5001));
SELECT rb_cardinality(b) AS n FROM ops_uniq_big ORDER BY 1;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT b FROM ops_uniq WHERE b = '{3,2,1}';
SELECT b FROM ops_uniq WHERE b = '{3,2,1}';
SELECT b FROM ops_uniq WHERE b = rb_runoptimize('{3,2,1}');
SELECT rb_cardinality(b) AS n, b < '{1,2,3}' AS lt FROM ops_uniq ORDER BY b;
-- a hash index finds every representation of the set
CREATE INDEX ops_rep_hash ON ops_rep USING hash (b);
EXPLAIN (COSTS OFF) SELECT id FROM ops_rep WHERE b = '{3,2,1}' ORDER BY id;
SELECT id FROM ops_rep WHERE b = '{3,2,1}' ORDER BY id;
SELECT id FROM ops_rep WHERE b = rb_runoptimize(rb_fill('{}', 0, 5000)) ORDER BY id;
SELECT id FROM ops_rep WHERE b = '{}' ORDER BY id;
RESET enable_seqscan;
RESET enable_bitmapscan;
-- hash partitioning (rb_hash_extended): every representation of a set goes
-- to the same partition, and pruning finds them all
CREATE TABLE ops_part (id int, b rbitmap) PARTITION BY HASH (b);
CREATE TABLE ops_part_0 PARTITION OF ops_part FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE ops_part_1 PARTITION OF ops_part FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE ops_part_2 PARTITION OF ops_part FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO ops_part SELECT id, b FROM ops_rep WHERE b IS NOT NULL;
SELECT rb_cardinality(b) AS n, count(*) AS rows, count(DISTINCT tableoid) AS partitions
  FROM ops_part GROUP BY b ORDER BY b;
SELECT id FROM ops_part WHERE b = rb_runoptimize('{1,2,3}') ORDER BY id;
SELECT count(*) AS scanned_partitions
  FROM (SELECT DISTINCT tableoid FROM ops_part WHERE b = '{1,2,3}') s;
-- hash join and merge join on rbitmap equality
CREATE TABLE ops_l (id int, b rbitmap);
CREATE TABLE ops_r (id int, b rbitmap);
INSERT INTO ops_l VALUES (1, '{1,2,3}'), (2, '{}'), (3, rb_build(ARRAY(SELECT generate_series(0, 4999)))),
                         (4, '{-1}'), (5, '{7}'), (6, NULL);
INSERT INTO ops_r VALUES (10, rb_runoptimize('{1,2,3}')), (11, '\x3a30000000000000'::bytea::rbitmap),
                         (12, rb_runoptimize(rb_fill('{}', 0, 5000))), (13, '{3,1,2}'), (14, '{8}');
ANALYZE ops_l, ops_r;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT l.id AS l, r.id AS r FROM ops_l l JOIN ops_r r ON l.b = r.b ORDER BY 1, 2;
SELECT l.id AS l, r.id AS r FROM ops_l l JOIN ops_r r ON l.b = r.b ORDER BY 1, 2;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT l.id AS l, r.id AS r FROM ops_l l JOIN ops_r r ON l.b = r.b ORDER BY 1, 2;
SELECT l.id AS l, r.id AS r FROM ops_l l JOIN ops_r r ON l.b = r.b ORDER BY 1, 2;
RESET enable_hashjoin;
RESET enable_nestloop;

DROP TABLE ops_pairs, ops_rep, ops_uniq, ops_uniq_big, ops_part, ops_l, ops_r;

-- rb_cardinality / rb_is_empty of a value stored out of line read only the
-- header slice (200000 ids g*7, g = 0..199999; 22 bitset containers, ~176 kB).
CREATE TABLE ops_toast (id int, b rbitmap);
INSERT INTO ops_toast SELECT 1, rb_build_agg(g * 7) FROM generate_series(0, 199999) g;
INSERT INTO ops_toast VALUES (2, '{}'), (3, '{-1}');
SELECT id, rb_cardinality(b), rb_is_empty(b), pg_column_size(b) > 100000 AS big FROM ops_toast ORDER BY id;
SELECT rb_cardinality(b & rb_build('{0,7,8,1399993}')) FROM ops_toast WHERE id = 1;
DROP TABLE ops_toast;
