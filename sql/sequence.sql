--
-- sequence_match, sequence_count (ClickHouse pattern syntax) and path_after
-- (SQL API section 1). Expected values derived by hand; the ClickHouse
-- documentation examples give the same answers in ClickHouse.
--
SET client_min_messages = notice;
SET timezone = 'UTC';

CREATE FUNCTION sts(t int) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT timestamptz '2026-01-01 00:00:00+00' + t * interval '1 second' $$;

---------------------------------------------------------------- ClickHouse's examples
-- time/number: (1,1), (2,3), (3,2). The row with number 3 matches no
-- condition in the first query, so (?1)(?2) finds 1 then 2 next to each
-- other: true. With a third condition number = 3 that row takes part and
-- sits between them: false. A condition no row meets (number = 4) changes
-- nothing: true.
CREATE TABLE ch (time int, number int);
INSERT INTO ch VALUES (1, 1), (2, 3), (3, 2);
SELECT sequence_match('(?1)(?2)', sts(time), number = 1, number = 2) AS two_conds,
       sequence_match('(?1)(?2)', sts(time), number = 1, number = 2, number = 3) AS three_conds,
       sequence_match('(?1)(?2)', sts(time), number = 1, number = 2, number = 4) AS unmet_cond,
       sequence_match('(?1).*(?2)', sts(time), number = 1, number = 2, number = 3) AS with_gap,
       sequence_match('(?1).(?2)', sts(time), number = 1, number = 2, number = 3) AS with_any
  FROM ch;
-- sequenceCount example: 1 3 2 1 3 2 -> '(?1).*(?2)' matches twice
INSERT INTO ch VALUES (4, 1), (5, 3), (6, 2);
SELECT sequence_count('(?1).*(?2)', sts(time), number = 1, number = 2) AS pairs,
       sequence_count('(?1)(?2)', sts(time), number = 1, number = 2, number = 3) AS adjacent_pairs,
       sequence_count('(?1)(?3)(?2)', sts(time)::timestamp, number = 1, number = 2, number = 3) AS triples
  FROM ch;

---------------------------------------------------------------- time constraints
-- a@0, b@100, b@2000 (seconds). A constraint relates the rows of the row
-- elements around it and, as in ClickHouse, allows any rows between them:
-- (?1)(?t>1800)(?2) pairs a@0 with b@2000 over b@100.
CREATE TABLE tc (t int, e text);
INSERT INTO tc VALUES (0, 'a'), (100, 'b'), (2000, 'b');
SELECT sequence_match('(?1)(?t>1800)(?2)', sts(t), e = 'a', e = 'b') AS gt1800,
       sequence_match('(?1)(?t>2000)(?2)', sts(t), e = 'a', e = 'b') AS gt2000,
       sequence_match('(?1)(?t>=2000)(?2)', sts(t), e = 'a', e = 'b') AS ge2000,
       sequence_match('(?1)(?t<=50)(?2)', sts(t), e = 'a', e = 'b') AS le50,
       sequence_match('(?1)(?t<=100)(?2)', sts(t), e = 'a', e = 'b') AS le100,
       sequence_match('(?1)(?t<100)(?2)', sts(t), e = 'a', e = 'b') AS lt100,
       sequence_match('(?1)(?t==100)(?2)', sts(t), e = 'a', e = 'b') AS eq100,
       sequence_match('(?1)(?t>200)(?t<1000)(?2)', sts(t), e = 'a', e = 'b') AS between,
       sequence_match('(?2)(?t==1900)(?2)', sts(t), e = 'a', e = 'b') AS b_to_b
  FROM tc;
-- (?t==S) is exact to the microsecond: 100.000001 s is not 100 s
SELECT sequence_match('(?1)(?t==100)(?2)', x, x = sts(0), x > sts(0)) AS exact,
       sequence_match('(?1)(?t>100)(?2)', x, x = sts(0), x > sts(0)) AS more
  FROM (VALUES (sts(0)), (sts(100) + interval '1 microsecond')) v(x);

---------------------------------------------------------------- counting
-- non-overlapping, each match ending as early as possible:
-- a b a b a b -> (?1)(?2) 3 times; a a b b -> (?1).*(?2) once (the second
-- b has no a of its own after the first match)
SELECT sequence_count('(?1)(?2)', sts(i), e = 'a', e = 'b') AS ab3
  FROM (SELECT i, CASE WHEN i % 2 = 1 THEN 'a' ELSE 'b' END AS e FROM generate_series(1, 6) i) s;
SELECT sequence_count('(?1).*(?2)', sts(t), e = 'a', e = 'b') AS aabb
  FROM (VALUES (1, 'a'), (2, 'a'), (3, 'b'), (4, 'b')) v(t, e);
-- equal timestamps: rows are ordered by their smallest matched condition,
-- so b@5 and a@5 read as a then b whatever the input order
SELECT sequence_match('(?1)(?2)', sts(t), e = 'a', e = 'b') AS tie_ab,
       sequence_match('(?2)(?1)', sts(t), e = 'a', e = 'b') AS tie_ba
  FROM (VALUES (5, 'b'), (5, 'a')) v(t, e);

---------------------------------------------------------------- no backtracking
-- (?1).*(?1).*(?1).*(?1).*(?2) over 100,000 rows matching condition 1,
-- with and without a final row matching condition 2: one linear pass
SELECT sequence_match('(?1).*(?1).*(?1).*(?1).*(?2)', sts(i), i <= 100000, i = 100001) AS with_2,
       sequence_match('(?1).*(?1).*(?1).*(?1).*(?2)', sts(i), i <= 100000, i = 100002) AS without_2,
       sequence_count('(?1).*(?1).*(?1).*(?1).*(?2)', sts(i), i <= 100000, i = 100001) AS count_2
  FROM generate_series(1, 100001) i;

---------------------------------------------------------------- empty and NULL
-- no rows -> false / 0; NULL timestamps are ignored; NULL conditions false
SELECT sequence_match('(?1)', sts(t), true) FILTER (WHERE false) AS empty_match,
       sequence_count('(?1)', sts(t), true) FILTER (WHERE false) AS empty_count,
       sequence_match('(?1)(?2)', NULL::timestamptz, true, true) AS null_ts,
       sequence_match('(?1)(?2)', sts(t), e = 'a', NULL::boolean) AS null_cond
  FROM tc;

---------------------------------------------------------------- bad patterns
SELECT sequence_match('(?1)(?2', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?1)(?0)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?1)(?3)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?t>5)(?1)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?1)(?t>5)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?1)(?t>-5)(?2)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('(?1)(?t=5)(?2)', sts(t), e = 'a', e = 'b') FROM tc;
SELECT sequence_match('', sts(t), e = 'a') FROM tc;
SELECT sequence_match('.*', sts(t), e = 'a') FROM tc;
SELECT sequence_match('(?1)x', sts(t), e = 'a') FROM tc;
SELECT sequence_count(NULL, sts(t), e = 'a') FROM tc;
SELECT sequence_count('(?1)', sts(t), e) FROM tc;
SELECT sequence_count(CASE WHEN t > 0 THEN '(?1)' ELSE '(?1).' END, sts(t), e = 'a') FROM tc;

---------------------------------------------------------------- path_after
CREATE TABLE pa (u int, t int, e text);
INSERT INTO pa VALUES (1, 1, 'home'), (1, 2, 'search'), (1, 3, 'product'), (1, 4, 'cart'),
                      (1, 5, 'product'), (1, 6, 'pay'), (1, 7, 'search');
-- from the first search: search, product, cart (max 3); max 0 -> {};
-- max larger than the rest -> the 6 events from t=2; no start -> {}
SELECT path_after(sts(t), e, e = 'search', 3) AS three,
       path_after(sts(t), e, e = 'search', 0) AS zero,
       path_after(sts(t), e, e = 'search', 100) AS all_after,
       path_after(sts(t), e, e = 'refund', 3) AS no_start,
       path_after(sts(t)::timestamp, e, e = 'cart', 2) AS ts_without_tz
  FROM pa WHERE u = 1;
-- regression: a later start seen first must not hide rows between the two
-- starts (rows arrive as listed: x@5 start, w@3, z@2 start, y@1) -> the path
-- starts at z@2: z, w, x
SELECT path_after(sts(t), e, s, 10) FROM (VALUES (5, 'x', true), (3, 'w', false), (2, 'z', true), (1, 'y', false)) v(t, e, s);
-- equal timestamps: the start row first, then event text, NULL events last;
-- NULL start is false; NULL timestamps ignored
SELECT path_after(sts(t), e, s, 10)
  FROM (VALUES (10, 'c', false), (10, NULL, false), (10, 'b', true), (10, 'a', NULL),
               (NULL, 'q', true), (11, 'd', false)) v(t, e, s);
-- empty group -> {}
SELECT path_after(sts(t), e, true, 3) FROM pa WHERE false;
-- bad input
SELECT path_after(sts(t), e, true, -1) FROM pa;
SELECT path_after(sts(t), e, true, NULL) FROM pa;
SELECT path_after(sts(t), e, true, t) FROM pa;
