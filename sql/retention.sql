--
-- retention, retention_periods, retention_counts (SQL API section 2).
-- Every expected value below is derived by hand from the spec's rules; the
-- comment above each query gives the answer and why.
--
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

-- SQLSTATE and message of a statement that must fail.
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

---------------------------------------------------------------- retention
-- The issue's example. Users 1..100; c1 for u <= 80, c2 for u >= 31, c3 for
-- 21 <= u. Users meeting c1: 1..80 = 80; of them c2: 31..80 = 50; c3:
-- 21..80 = 60 -> {80,50,60}. (81..100 meet c2 and c3 without c1: {0,0,0}.)
CREATE TABLE re (u int, e text);
INSERT INTO re SELECT u, 'c1' FROM generate_series(1, 80) u;
INSERT INTO re SELECT u, 'c2' FROM generate_series(31, 100) u;
INSERT INTO re SELECT u, 'c3' FROM generate_series(21, 100) u;
SELECT retention_counts(r) FROM (
  SELECT u, retention(e = 'c1', e = 'c2', e = 'c3') AS r FROM re GROUP BY u) s;
-- The per-user arrays: 1..20 {1,0,0} (20), 21..30 {1,0,1} (10), 31..80
-- {1,1,1} (50), 81..100 {0,0,0} (20).
SELECT r, count(*) FROM (
  SELECT u, retention(e = 'c1', e = 'c2', e = 'c3') AS r FROM re GROUP BY u) s
GROUP BY r ORDER BY r;
-- The order of the rows does not matter (a set of conditions met): the
-- same arrays from the rows in reverse order, through an ordered aggregate.
SELECT count(*) FILTER (WHERE a = b) AS same, count(*) AS users FROM (
  SELECT u, retention(e = 'c1', e = 'c2', e = 'c3') AS a,
         retention(e = 'c1', e = 'c2', e = 'c3' ORDER BY e DESC) AS b
  FROM re GROUP BY u) s;
-- A NULL condition is false: user 50 with (c1, NULL, c3) -> {1,0,1}; the
-- row (200, NULL) meets e IS NULL and its e = 'x' is NULL -> {1,0}
INSERT INTO re VALUES (200, NULL);
SELECT retention(e = 'c1', NULL::boolean, e = 'c3') FROM re WHERE u = 50;
SELECT retention(e IS NULL, e = 'x') FROM re WHERE u = 200;
-- One condition; an explicit VARIADIC boolean[] (NULL elements false):
-- user 25 has c1 and c3 -> {1}, {1,0,1}
SELECT retention(e = 'c1') AS one, retention(VARIADIC ARRAY[e = 'c1', NULL, e = 'c3']) AS arr
  FROM re WHERE u = 25;
-- Empty group: zeros, as many as the call has conditions: 3, and 4 for the
-- VARIADIC ARRAY[...] of 4; an array computed per row (here by a PL/pgSQL
-- function) has no known length when there is no row: {}
CREATE FUNCTION conds2(e text) RETURNS boolean[] LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN RETURN ARRAY[e = 'c1', e = 'c2']; END $$;
SELECT retention(e = 'c1', e = 'c2', e = 'c3') AS three,
       retention(VARIADIC ARRAY[e = 'c1', e = 'c2', true, false]) AS four,
       retention(VARIADIC conds2(e)) AS unknown
  FROM re WHERE false;
-- no group at all for an empty table under GROUP BY
SELECT count(*) FROM (SELECT u, retention(e = 'c1') FROM re WHERE false GROUP BY u) s;

-- More than 64 conditions. rw holds x = 1..1024 except 1000. Condition k
-- is x = k: met for every k but 1000. 70 separate arguments -> 70 ones;
-- 1024 conditions through an array -> 1023 ones, the zero at 1000;
-- without x = 1 (first condition never met) -> all zeros.
CREATE TABLE rw AS SELECT x FROM generate_series(1, 1024) x WHERE x <> 1000;
SELECT format('SELECT cardinality(r) AS n, array_position(r, 0) AS first_zero, (SELECT sum(v) FROM unnest(r) v) AS ones FROM (SELECT retention(%s) AS r FROM rw) s',
              string_agg(format('x = %s', k), ', ' ORDER BY k))
  FROM generate_series(1, 70) k \gexec
SELECT cardinality(r) AS n, array_position(r, 0) AS first_zero, (SELECT sum(v) FROM unnest(r) v) AS ones
  FROM (SELECT retention(VARIADIC ARRAY(SELECT x = k FROM generate_series(1, 1024) k)) AS r FROM rw) s;
SELECT (SELECT sum(v) FROM unnest(r) v) AS ones
  FROM (SELECT retention(VARIADIC ARRAY(SELECT x = k FROM generate_series(1, 1024) k)) AS r
          FROM rw WHERE x <> 1) s;

---------------------------------------------------------------- retention_periods
-- anchor = e starts with 'a', active = e ends with 'x' (so 'ax' is both).
CREATE TABLE rp0 (u int, ts timestamptz, e text);
INSERT INTO rp0 VALUES
  -- 1: the spec's example: anchor 2026-01-01 10:00, activity 2026-01-02
  -- 09:00 (23 hours later): period 0 rolling, period 1 in calendar days.
  (1, '2026-01-01 10:00', 'a'), (1, '2026-01-02 09:00', 'x'),
  -- 2: period boundaries: exactly anchor + 1 day is period 1; 1 us before
  -- anchor + 3 days is period 2; anchor + 4 days is period 4 (> 3 periods).
  (2, '2026-01-01 00:00', 'a'), (2, '2026-01-02 00:00', 'x'),
  (2, '2026-01-03 23:59:59.999999', 'x'), (2, '2026-01-05 00:00', 'x'),
  -- 3: the earliest anchor counts (Jan 3 12:00, not Jan 5); activity before
  -- it (Dec 30) is in no period; an anchor row that is also active
  -- (Jan 4 12:00 = anchor + 1 day) counts as activity.
  (3, '2025-12-30 00:00', 'x'), (3, '2026-01-05 12:00', 'a'),
  (3, '2026-01-03 12:00', 'a'), (3, '2026-01-04 12:00', 'ax'),
  -- 4: the anchor row is active too: only period 0
  (4, '2026-01-01 08:00', 'ax'),
  -- 5: no anchor
  (5, '2026-01-02 00:00', 'x'), (5, '2026-01-03 00:00', 'x'),
  -- 6: a NULL ts ignores the row (an anchor at NULL is no anchor); a NULL
  -- e makes both booleans NULL = false; activity 2 days 1 hour later
  (6, NULL, 'a'), (6, '2026-01-01 00:00', 'a'), (6, '2026-01-02 00:00', NULL),
  (6, '2026-01-03 01:00', 'x');
-- Daily, 3 periods (arrays of 4):
--   u  rolling    on_or_after  calendar   calendar,on_or_after
--   1  {1,0,0,0}  {1,0,0,0}    {1,1,0,0}  {1,1,0,0}   (23 h: day 0 / next date)
--   2  {1,1,1,0}  {1,1,1,1}    {1,1,1,0}  {1,1,1,1}   (periods 1, 2, 4)
--   3  {1,1,0,0}  {1,1,0,0}    {1,1,0,0}  {1,1,0,0}   (period 1 only)
--   4  {1,0,0,0}  {1,0,0,0}    {1,0,0,0}  {1,0,0,0}
--   5  {0,0,0,0}  {0,0,0,0}    {0,0,0,0}  {0,0,0,0}
--   6  {1,0,1,0}  {1,1,1,0}    {1,0,1,0}  {1,1,1,0}   (period 2)
SELECT u,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3) AS rolling,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3, 'on_or_after') AS on_or_after,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3, 'calendar') AS calendar,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3, ' calendar , on_or_after') AS cal_on_or_after
  FROM rp0 GROUP BY u ORDER BY u;

INSERT INTO rp0 VALUES
  -- 7: weeks. Anchor Sunday 2026-01-11 23:00 (ISO week of Monday Jan 5);
  -- Monday Jan 12 01:00 is 2 hours later (rolling period 0) but the next
  -- ISO week (calendar period 1); Sunday Jan 25 00:00 is 13 days 1 hour
  -- later (rolling period 1) and in the week of Monday Jan 19 (calendar 2).
  (7, '2026-01-11 23:00', 'a'), (7, '2026-01-12 01:00', 'x'), (7, '2026-01-25 00:00', 'x'),
  -- 8: months. Anchor Jan 31 10:00: anchor + 1 month = Feb 28 10:00 (day
  -- clamped), anchor + 2 months = Mar 31 10:00 (measured from the anchor,
  -- not Mar 28). Feb 28 10:00 and Mar 30 10:00 are both rolling period 1;
  -- by calendar month they are periods 1 (Feb) and 2 (Mar).
  (8, '2026-01-31 10:00', 'a'), (8, '2026-02-28 10:00', 'x'), (8, '2026-03-30 10:00', 'x');
-- u 7: rolling {1,1,0,0}, calendar {1,1,1,0}
SELECT retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 week', 3) AS rolling,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '7 days', 3, 'calendar') AS calendar
  FROM rp0 WHERE u = 7;
-- u 8: rolling {1,1,0,0}, on_or_after {1,1,0,0}, calendar {1,1,1,0};
-- with '30 days' (rolling): Feb 28 10:00 is 28 days later (period 0),
-- Mar 30 10:00 58 days (period 1) -> {1,1,0,0}
SELECT retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 month', 3) AS rolling,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 month', 3, 'on_or_after') AS on_or_after,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 month', 3, 'calendar') AS calendar,
       retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '30 days', 3) AS days30
  FROM rp0 WHERE u = 8;
-- The timestamp overload gives the same arrays for the same wall-clock
-- values (the session time zone is UTC here): 8 users x 4 modes, all equal.
SELECT count(*) FILTER (WHERE a = b) AS same, count(*) AS compared FROM (
  SELECT u, unnest(ARRAY[
    retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3)::text,
    retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 week', 3, 'calendar')::text,
    retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 month', 3)::text,
    retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 month', 2, 'calendar,on_or_after')::text]) AS a,
    unnest(ARRAY[
    retention_periods(e LIKE 'a%', ts::timestamp, e LIKE '%x', interval '1 day', 3)::text,
    retention_periods(e LIKE 'a%', ts::timestamp, e LIKE '%x', interval '1 week', 3, 'calendar')::text,
    retention_periods(e LIKE 'a%', ts::timestamp, e LIKE '%x', interval '1 month', 3)::text,
    retention_periods(e LIKE 'a%', ts::timestamp, e LIKE '%x', interval '1 month', 2, 'calendar,on_or_after')::text]) AS b
  FROM rp0 GROUP BY u) s;
-- Empty group: periods + 1 zeros when periods is a constant ({0,0,0,0} and
-- {0,0}); NULL when it is not (here a column)
SELECT retention_periods(true, ts, true, interval '1 day', 3) AS rolling,
       retention_periods(true, ts::timestamp, true, interval '1 month', 1, 'calendar') AS calendar,
       retention_periods(true, ts, true, interval '1 day', u) AS not_constant
  FROM rp0 WHERE false;
-- A group whose rows all have a NULL ts has rows, but no anchor: {0,0}
SELECT retention_periods(true, NULL::timestamptz, true, interval '1 day', 1);
-- Infinite timestamps: an anchor at -infinity has no periods after it
-- ({1,0,0}); activity at +infinity is in no period ({1,0,0})
SELECT retention_periods(a, ts, NOT a, interval '1 day', 2) AS minus_inf
  FROM (VALUES (true, timestamptz '-infinity'), (false, '2026-01-01')) v(a, ts);
SELECT retention_periods(a, ts, NOT a, interval '1 day', 2, 'on_or_after') AS plus_inf
  FROM (VALUES (true, timestamptz '2026-01-01'), (false, 'infinity')) v(a, ts);
-- 10000 periods is the maximum: one active row 9999 days after the anchor
-- is in period 9999 = element 10000; 10001 elements, two of them 1
SELECT cardinality(r) AS n, array_position(r, 1, 2) AS first_active, (SELECT sum(v) FROM unnest(r) v) AS ones
  FROM (SELECT retention_periods(a, ts, NOT a, interval '1 day', 10000) AS r
          FROM (VALUES (true, timestamptz '2000-01-01'), (false, timestamptz '2000-01-01' + 9999 * interval '1 day')) v(a, ts)) s;

---------------------------------------------------------------- time zones
-- timestamptz periods of days / months and calendar units follow the
-- session TimeZone's wall clock (as timestamptz + interval and date_trunc
-- do); pure-time periods are elapsed time.
SET timezone = 'Europe/Paris';
-- PostgreSQL's own arithmetic on the DST change days (2026-03-29: 02:00
-- CET -> 03:00 CEST; 2026-10-25: 03:00 CEST -> 02:00 CET): a day is 23 and
-- 25 hours long there.
SELECT timestamptz '2026-03-28 12:00' + interval '1 day' AS spring_day,
       timestamptz '2026-03-28 12:00' + interval '24 hours' AS spring_24h,
       timestamptz '2026-10-24 12:00' + interval '1 day' AS fall_day,
       timestamptz '2026-10-24 12:00' + interval '24 hours' AS fall_24h;
CREATE TABLE rp_dst (u int, ts timestamptz, e text);
INSERT INTO rp_dst VALUES
  -- anchor 2026-03-28 12:00 CET for users 1..4; '1 day' ends period 0 at
  -- Mar 29 12:00 CEST (23 h later), '24 hours' at 13:00 CEST
  (1, '2026-03-28 12:00', 'a'), (1, '2026-03-29 11:30', 'x'),  -- day 0, 24h 0, calendar 1
  (2, '2026-03-28 12:00', 'a'), (2, '2026-03-29 12:00', 'x'),  -- day 1, 24h 0, calendar 1
  (3, '2026-03-28 12:00', 'a'), (3, '2026-03-29 12:30', 'x'),  -- day 1, 24h 0, calendar 1
  (4, '2026-03-28 12:00', 'a'), (4, '2026-03-29 13:00', 'x'),  -- day 1, 24h 1, calendar 1
  -- local dates: 23:30 CET and 00:30 CET the next day are 22:30 and 23:30
  -- UTC of the same UTC date: calendar period 1 in Paris (0 in UTC)
  (5, '2026-03-28 23:30', 'a'), (5, '2026-03-29 00:30', 'x'),  -- day 0, 24h 0, calendar 1
  -- the 25-hour day: anchor Oct 24 12:00 CEST, activity Oct 25 11:30 CET
  -- (24.5 h later): '1 day' ends at Oct 25 12:00 CET -> period 0; '24
  -- hours' ends at Oct 25 11:00 CET -> period 1
  (6, '2026-10-24 12:00', 'a'), (6, '2026-10-25 11:30', 'x');  -- day 0, 24h 1, calendar 1
--   u  day      24_hours  calendar
--   1  {1,0,0}  {1,0,0}   {1,1,0}
--   2  {1,1,0}  {1,0,0}   {1,1,0}
--   3  {1,1,0}  {1,0,0}   {1,1,0}
--   4  {1,1,0}  {1,1,0}   {1,1,0}
--   5  {1,0,0}  {1,0,0}   {1,1,0}
--   6  {1,0,0}  {1,1,0}   {1,1,0}
SELECT u,
       retention_periods(e = 'a', ts, e = 'x', interval '1 day', 2) AS day,
       retention_periods(e = 'a', ts, e = 'x', interval '24 hours', 2) AS "24_hours",
       retention_periods(e = 'a', ts, e = 'x', interval '1 day', 2, 'calendar') AS calendar
  FROM rp_dst GROUP BY u ORDER BY u;
-- timestamp values are used as they are: user 5 as UTC wall clock -> both
-- rows on Mar 28 -> {1,0,0}; as Paris wall clock -> {1,1,0}
SELECT retention_periods(e = 'a', ts AT TIME ZONE 'UTC', e = 'x', interval '1 day', 2, 'calendar') AS utc_clock,
       retention_periods(e = 'a', ts::timestamp, e = 'x', interval '1 day', 2, 'calendar') AS paris_clock
  FROM rp_dst WHERE u = 5;

-- Far from today: before 1911 Paris used local mean time (+00:09:21), and
-- after the last transition in the time zone data the rules are
-- extrapolated. Calendar days still follow the local date (as ::date):
--   1890: 23:55 UTC = 00:04:21 local, +1 min: same local day -> {1,0,0}
--   1890: 23:40 UTC = 23:49:21, 23:52 UTC = 00:01:21 next day -> {1,1,0}
--   2100 and 2300 (CEST): 21:30 UTC = 23:30, 22:30 UTC = 00:30 next day -> {1,1,0}
--   1600: 23:50 UTC = 23:59:21, 23:51 UTC = 00:00:21 next day -> {1,1,0}
SELECT a, x::date - a::date AS local_days,
       (SELECT retention_periods(y = a, y, y = x, interval '1 day', 2, 'calendar') FROM unnest(ARRAY[a, x]) y) AS calendar
  FROM (VALUES (timestamptz '1890-06-01 23:55:00+00', timestamptz '1890-06-01 23:56:00+00'),
               (timestamptz '1890-06-01 23:40:00+00', timestamptz '1890-06-01 23:52:00+00'),
               (timestamptz '2100-07-01 21:30:00+00', timestamptz '2100-07-01 22:30:00+00'),
               (timestamptz '2300-07-01 21:30:00+00', timestamptz '2300-07-01 22:30:00+00'),
               (timestamptz '1600-01-01 23:50:00+00', timestamptz '1600-01-01 23:51:00+00')) v(a, x);

-- Against a plain-SQL reading of the spec, with PostgreSQL's own
-- timestamptz + interval, ::date and date_trunc in the session time zone,
-- on 730 users whose 15 events fall in the 90 days after a start day that
-- moves across 2025 and 2026 (so every DST change is covered). Rows at
-- local hour 2 are left out: that hour is repeated in October (wall-clock
-- order differs from time order there, documented) and missing in March.
CREATE TABLE rp_rand AS
SELECT u, ts, e FROM (
  SELECT u, timestamptz '2025-01-01 00:00+00' + (u - 1) * interval '1 day'
              + ((hashint4(u * 100 + i) & 1048575) % 129600) * interval '1 minute' AS ts,
         (hashint4(u * 1000 + i) & 3) AS e
    FROM generate_series(1, 730) u, generate_series(1, 15) i) s
 WHERE extract(hour FROM ts) <> 2;
CREATE INDEX ON rp_rand (u);
ANALYZE rp_rand;
-- anchor e = 0, active e <> 0. ref_periods(period, n, kind): kind
-- 'rolling': active ts in [A + k*period, A + (k+1)*period);
-- 'on_or_after': ts >= A + k*period; 'day' / 'week' / 'month': calendar
-- unit of ts minus unit of A = k; '...+' the calendar unit >= k.
CREATE FUNCTION ref_periods(period interval, n int, kind text)
RETURNS TABLE (u int, r int[]) LANGUAGE sql STABLE AS $$
  WITH a AS (SELECT u, min(ts) FILTER (WHERE e = 0) AS a FROM rp_rand GROUP BY u),
  act AS (
    SELECT x.u, x.ts, a.a,
           CASE WHEN kind LIKE 'day%' THEN x.ts::date - a.a::date
                WHEN kind LIKE 'week%' THEN (date_trunc('week', x.ts)::date - date_trunc('week', a.a)::date) / 7
                WHEN kind LIKE 'month%' THEN ((extract(year FROM x.ts) * 12 + extract(month FROM x.ts))
                                              - (extract(year FROM a.a) * 12 + extract(month FROM a.a)))::int
           END AS unit_diff
      FROM rp_rand x JOIN a USING (u) WHERE x.e <> 0 AND a.a IS NOT NULL),
  hits AS (
    SELECT DISTINCT x.u, g.k FROM act x, generate_series(1, n) g(k)
     WHERE CASE WHEN kind = 'rolling' THEN x.ts >= x.a + g.k * period AND x.ts < x.a + (g.k + 1) * period
                WHEN kind = 'on_or_after' THEN x.ts >= x.a + g.k * period
                WHEN kind LIKE '%+' THEN x.unit_diff >= g.k
                ELSE x.unit_diff = g.k END)
  SELECT a.u, CASE WHEN a.a IS NULL THEN array_fill(0, ARRAY[n + 1])
                   ELSE 1 || array_agg((h.k IS NOT NULL)::int ORDER BY g.k) END
    FROM a CROSS JOIN generate_series(1, n) g(k) LEFT JOIN hits h ON h.u = a.u AND h.k = g.k
   GROUP BY a.u, a.a
$$;
CREATE FUNCTION ours_periods(period interval, n int, mode text)
RETURNS TABLE (u int, r int[]) LANGUAGE sql STABLE AS $$
  SELECT u, retention_periods(e = 0, ts, e <> 0, period, n, mode) FROM rp_rand GROUP BY u
$$;
SELECT c.label, count(*) AS users, count(*) FILTER (WHERE o.r = f.r) AS same,
       sum(o.r[2]) > 0 AS some_day1, count(*) FILTER (WHERE o.r[1] = 0) > 0 AS some_without_anchor
  FROM (VALUES ('1 day rolling', interval '1 day', 12, 'rolling', ''),
               ('1 day on_or_after', interval '1 day', 12, 'on_or_after', 'on_or_after'),
               ('36 hours rolling', interval '36 hours', 12, 'rolling', ''),
               ('1 month rolling', interval '1 month', 3, 'rolling', ''),
               ('1 day calendar', interval '1 day', 12, 'day', 'calendar'),
               ('1 week calendar', interval '1 week', 8, 'week', 'calendar'),
               ('1 week calendar,on_or_after', interval '1 week', 8, 'week+', 'calendar,on_or_after'),
               ('1 month calendar', interval '1 month', 3, 'month', 'calendar')) c(label, period, n, kind, mode),
       LATERAL ours_periods(c.period, c.n, c.mode) o
       JOIN LATERAL ref_periods(c.period, c.n, c.kind) f USING (u)
 GROUP BY c.label ORDER BY c.label;
SET timezone = 'UTC';

---------------------------------------------------------------- retention_counts
-- element-wise sums, NULL arrays skipped: {1,0,1} + {1,1,0} + {1,1,1} = {3,2,2}
SELECT retention_counts(r) FROM (VALUES ('{1,0,1}'::int[]), (NULL), ('{1,1,0}'), ('{1,1,1}')) v(r);
-- no rows, or only NULL arrays -> NULL (like sum); empty arrays sum to {}
SELECT retention_counts(r) IS NULL AS no_rows FROM (VALUES ('{1}'::int[])) v(r) WHERE false;
SELECT retention_counts(NULL::int[]) IS NULL AS only_nulls;
SELECT retention_counts(r) AS empty_arrays FROM (VALUES ('{}'::int[]), ('{}')) v(r);
-- per-period counts of the daily rolling retention of rp0's users 1..6
-- (arrays above): anchors 1,2,3,4,6 -> 5; period 1: users 2, 3 -> 2;
-- period 2: users 2, 6 -> 2; period 3: none -> 0
SELECT retention_counts(r) FROM (
  SELECT u, retention_periods(e LIKE 'a%', ts, e LIKE '%x', interval '1 day', 3) AS r
    FROM rp0 WHERE u <= 6 GROUP BY u) s;
-- values beyond 0/1 are summed as they are; sums are bigint:
-- 2 x 2147483647 = 4294967294
SELECT retention_counts(r) FROM (VALUES ('{2147483647,-1}'::int[]), ('{2147483647,5}')) v(r);

---------------------------------------------------------------- bad input
SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
  ($$SELECT retention(e) FROM re$$),
  ($$SELECT retention(e = 'c1', 1) FROM re$$),
  ($$SELECT retention(VARIADIC ARRAY[]::boolean[]) FROM re$$),
  ($$SELECT retention(VARIADIC NULL::boolean[]) FROM re$$),
  ($$SELECT retention(VARIADIC ARRAY(SELECT true FROM generate_series(1, 1025))) FROM re$$),
  ($$SELECT retention(VARIADIC CASE WHEN u > 50 THEN ARRAY[true] ELSE ARRAY[true, false] END) FROM re$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 0) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 10001) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 0) FROM rp0 WHERE false$$),
  ($$SELECT retention_periods(true, ts, true, interval '-1 day', 3) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '0', 3) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 month -1 day', 3) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '2 days', 3, 'calendar') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '24 hours', 3, 'calendar') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 year', 3, 'calendar') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 3, 'weekly') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 3, 'Calendar') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 3, 'calendar,,on_or_after') FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '2 days', 3, 'calendar') FROM rp0 WHERE false$$),
  ($$SELECT retention_periods(true, ts, true, NULL, 3) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', NULL) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 3, NULL) FROM rp0$$),
  ($$SELECT retention_periods(true, ts, true, (extract(day FROM ts)::int % 2 + 1) * interval '1 day', 3) FROM rp0 WHERE u = 2$$),
  ($$SELECT retention_periods(true, ts, true, interval '1 day', 3, CASE WHEN e = 'a' THEN '' ELSE 'on_or_after' END) FROM rp0 WHERE u = 2$$),
  ($$SELECT retention_counts(r) FROM (VALUES ('{1,0,1}'::int[]), ('{1,1}')) v(r)$$),
  ($$SELECT retention_counts(r) FROM (VALUES ('{}'::int[]), ('{1}')) v(r)$$),
  ($$SELECT retention_counts(r) FROM (VALUES ('{{1,0},{1,1}}'::int[])) v(r)$$),
  ($$SELECT retention_counts(r) FROM (VALUES ('{1,NULL}'::int[])) v(r)$$)
) v(q);

---------------------------------------------------------------- parallel plans
-- 3,000 users x 20 events over January 2026 (hours apart, some users
-- crossing into February), event types 0..3; in Paris time, so workers
-- must see the session's TimeZone. Not TEMP: parallel workers cannot scan
-- temporary tables.
SET timezone = 'Europe/Paris';
CREATE TABLE rpar AS
SELECT g % 3000 AS u,
       timestamptz '2026-01-01 00:00+00' + ((hashint4(g) & 1048575) % 1000) * interval '1 hour'
         + (hashint4(g * 3) & 3599) * interval '1 second' AS ts,
       (hashint4(g * 7) & 3) AS e
  FROM generate_series(1, 60000) g;
ANALYZE rpar;
-- 70 conditions (more than one 64-bit word): e = k % 4 for k = 0..69
CREATE FUNCTION conds70(e int) RETURNS boolean[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ARRAY(SELECT e = k % 4 FROM generate_series(0, 69) k) $$;
CREATE VIEW rpar_user_v AS
SELECT u,
       retention(e = 0, e = 1, e = 2, e = 3) AS r,
       retention(VARIADIC conds70(e)) AS wide,
       retention_periods(e = 0, ts, e <> 0, interval '1 day', 30) AS day,
       retention_periods(e = 0, ts, e <> 0, interval '1 week', 4, 'calendar') AS week_cal,
       retention_periods(e = 0, ts, e = 3, interval '1 month', 2, 'calendar,on_or_after') AS month_cal,
       retention_periods(e = 1, ts::timestamp, e = 2, interval '5 hours', 20) AS hours5,
       retention_periods(e = 2, ts, e <> 2, interval '1 month', 1) AS month
  FROM rpar GROUP BY u;
CREATE VIEW rpar_digest_v AS
SELECT md5(string_agg(v::text, '|' ORDER BY u)) AS digest, count(*) AS users,
       retention_counts(r) AS r_counts, retention_counts(day) AS day_counts
  FROM rpar_user_v v;
-- the whole table as one group: long activity lists meet in the combine
CREATE VIEW rpar_all_v AS
SELECT retention(e = 0, e = 1, ts > '2026-02-10') AS r,
       retention_periods(e = 0, ts, e <> 0, interval '1 day', 60) AS day,
       retention_periods(e = 1, ts, e = 2, interval '1 hour', 1000) AS hour,
       retention_periods(e = 0, ts, e = 3, interval '1 day', 40, 'calendar') AS cal
  FROM rpar;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) CREATE TABLE rpar_par_all AS SELECT * FROM rpar_all_v;
CREATE TABLE rpar_par_all AS SELECT * FROM rpar_all_v;
SET enable_sort = off;
EXPLAIN (COSTS OFF) CREATE TABLE rpar_par_hash AS SELECT * FROM rpar_digest_v;
CREATE TABLE rpar_par_hash AS SELECT * FROM rpar_digest_v;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) CREATE TABLE rpar_par_sort AS SELECT * FROM rpar_digest_v;
CREATE TABLE rpar_par_sort AS SELECT * FROM rpar_digest_v;
RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) CREATE TABLE rpar_ser AS SELECT * FROM rpar_digest_v;
CREATE TABLE rpar_ser AS SELECT * FROM rpar_digest_v;
CREATE TABLE rpar_ser_all AS SELECT * FROM rpar_all_v;
RESET max_parallel_workers_per_gather;
SELECT (SELECT row(h.*)::text FROM rpar_par_hash h) = (SELECT row(s.*)::text FROM rpar_ser s) AS hash_same,
       (SELECT row(p.*)::text FROM rpar_par_sort p) = (SELECT row(s.*)::text FROM rpar_ser s) AS sort_same,
       (SELECT row(a.*)::text FROM rpar_par_all a) = (SELECT row(s.*)::text FROM rpar_ser_all s) AS all_same;
-- The figures behind the digests, checked against plain SQL: 3000 users;
-- r_counts[k] = users meeting e = 0 and e = k - 1; day_counts[1] = users
-- with an e = 0 row.
SELECT users,
       r_counts[1] = (SELECT count(DISTINCT u) FROM rpar WHERE e = 0) AS r1,
       r_counts[3] = (SELECT count(*) FROM (SELECT u FROM rpar GROUP BY u
                                            HAVING bool_or(e = 0) AND bool_or(e = 2)) s) AS r3,
       day_counts[1] = r_counts[1] AS day1,
       cardinality(day_counts) AS day_len
  FROM rpar_ser;
-- one group: e = 0 rows exist, so element 1 is 1 everywhere; the whole
-- table spans 1000 hours from 2026-01-01 00:00 UTC (01:00 in Paris).
SELECT r, day[1] AS day_anchor, cardinality(day) AS day_len, hour[1] AS hour_anchor,
       cardinality(cal) AS cal_len
  FROM rpar_ser_all;
RESET timezone;
