--
-- session_number, session_start, session_summary (SQL API section 3).
-- Every expected value below is derived by hand from the spec's rules; the
-- comment above each query gives the answer and why.
--
-- The rule: rows in ts order; a row starts a new session when the gap to
-- the previous row is > gap (exactly gap stays), or when the session would
-- last more than max_duration (last - first > max_duration); rows with
-- equal ts share a session; NULL ts rows take no part.
SET client_min_messages = notice;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

-- SQLSTATE and message of a statement that must fail.
CREATE OR REPLACE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE se (u int, ts timestamptz);
INSERT INTO se VALUES
  -- 1: the gap boundary (30 minutes): 10:30 is exactly 30 min after 10:00
  -- (same session); 11:00:00.000001 is 30 min + 1 us after 10:30 (new);
  -- 11:30:00.000001 exactly 30 min after it (same): 1, 1, 2, 2
  (1, '2026-01-01 10:00'), (1, '2026-01-01 10:30'),
  (1, '2026-01-01 11:00:00.000001'), (1, '2026-01-01 11:30:00.000001'),
  -- 2: equal timestamps share a session: 1, 1, 2, 2, 2
  (2, '2026-01-01 10:00'), (2, '2026-01-01 10:00'), (2, '2026-01-01 10:45'),
  (2, '2026-01-01 10:45'), (2, '2026-01-01 10:50'),
  -- 3: a NULL ts is skipped (NULL number and start); single-event
  -- sessions (bounces) at 09:00 and 15:00: NULL, 1, 2, 2, 3
  (3, NULL), (3, '2026-01-01 09:00'), (3, '2026-01-01 12:00'), (3, '2026-01-01 12:10'),
  (3, '2026-01-01 15:00'),
  -- 4: every 20 minutes from 10:00 to 11:40, then 12:30 (gap 50 min).
  -- Gap 30 min: 1 x6, then 2. With max_duration 1 hour: 11:00 is exactly
  -- 1 hour after 10:00 (stays), 11:20 would make it 1h20 (new session 2
  -- starting 11:20), 11:40 in it, 12:30 after a gap: 1,1,1,1,2,2,3
  (4, '2026-01-01 10:00'), (4, '2026-01-01 10:20'), (4, '2026-01-01 10:40'),
  (4, '2026-01-01 11:00'), (4, '2026-01-01 11:20'), (4, '2026-01-01 11:40'),
  (4, '2026-01-01 12:30'),
  -- 5: ties at a max_duration split (gap 1 hour, max 1 hour): 10:50 stays
  -- (50 min), both 11:10 rows would make it 70 min: they start session 2
  -- together: 1, 1, 2, 2
  (5, '2026-01-01 10:00'), (5, '2026-01-01 10:50'), (5, '2026-01-01 11:10'),
  (5, '2026-01-01 11:10'),
  -- 7: only a NULL ts
  (7, NULL);

-- numbers and starts, gap 30 minutes
SELECT u, ts, session_number(ts, interval '30 minutes') OVER w AS n,
       session_start(ts, interval '30 minutes') OVER w AS start
  FROM se WHERE u IN (1, 2, 3, 7)
WINDOW w AS (PARTITION BY u ORDER BY ts)
 ORDER BY u, ts;
-- max_duration (user 4): gap only 1,1,1,1,1,1,2; with 1 hour 1,1,1,1,2,2,3
-- and the starts 10:00 x4, 11:20 x2, 12:30
SELECT ts, session_number(ts, interval '30 minutes') OVER w AS gap_only,
       session_number(ts, interval '30 minutes', interval '1 hour') OVER w AS max_1h,
       session_start(ts, interval '30 minutes', interval '1 hour') OVER w AS start_max_1h
  FROM se WHERE u = 4
WINDOW w AS (PARTITION BY u ORDER BY ts)
 ORDER BY ts;
-- user 5, gap 1 hour, max 1 hour (max_duration = gap is allowed): 1,1,2,2
SELECT ts, session_number(ts, interval '1 hour', interval '1 hour') OVER w AS n
  FROM se WHERE u = 5
WINDOW w AS (PARTITION BY u ORDER BY ts)
 ORDER BY ts;
-- ROWS UNBOUNDED PRECEDING and GROUPS frames read the rows one at a time
-- or by peer group: the same numbers (user 2: 1,1,2,2,2)
SELECT ts, session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts ROWS UNBOUNDED PRECEDING) AS rows_frame,
       session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS groups_frame
  FROM se WHERE u = 2 ORDER BY ts;
-- No PARTITION BY: one partition, sessions by time alone. In ts order the
-- rows of users 1, 2, 3, 5 start with 09:00 (user 3: session 1), then
-- 10:00 for users 1, 2, 2, 5 (60 min later: session 2): 1, 2, 2, 2
SELECT ts, session_number(ts, interval '30 minutes') OVER (ORDER BY ts) AS n
  FROM se WHERE u IN (1, 2, 3, 5) ORDER BY ts LIMIT 4;
-- A partition whose rows all have the same ts needs no ORDER BY (all
-- peers, one session): 1, 1
SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u) AS n
  FROM se WHERE u = 2 AND ts = '2026-01-01 10:00';

-- The timestamp overloads give the same numbers and starts for the same
-- wall-clock values (UTC here): the 26 rows of users 1..5 and 7 (4 + 5 +
-- 5 + 7 + 4 + 1), all equal (NULLs included).
SELECT count(*) AS rows,
       count(*) FILTER (WHERE n IS NOT DISTINCT FROM n_ts AND s::timestamp IS NOT DISTINCT FROM s_ts
                          AND m IS NOT DISTINCT FROM m_ts) AS same
  FROM (SELECT session_number(ts, interval '30 minutes') OVER w AS n,
               session_number(ts::timestamp, interval '30 minutes') OVER w AS n_ts,
               session_start(ts, interval '30 minutes', interval '1 hour') OVER w AS s,
               session_start(ts::timestamp, interval '30 minutes', interval '1 hour') OVER w AS s_ts,
               session_number(ts, interval '1 hour', interval '1 hour') OVER w AS m,
               session_number(ts::timestamp, interval '1 hour', interval '1 hour') OVER w AS m_ts
          FROM se WINDOW w AS (PARTITION BY u ORDER BY ts)) s;

-- The gap is elapsed time for timestamptz: on 2026-03-29 in Paris, 01:50
-- CET and 03:10 CEST are 20 minutes apart (one session), while the same
-- wall-clock values as timestamp are 1h20 apart (two sessions).
SET timezone = 'Europe/Paris';
SELECT ts, session_number(ts, interval '30 minutes') OVER w AS n_timestamptz,
       session_number(ts::timestamp, interval '30 minutes') OVER w AS n_wall_clock
  FROM (VALUES (timestamptz '2026-03-29 01:50'), (timestamptz '2026-03-29 03:10')) v(ts)
WINDOW w AS (ORDER BY ts) ORDER BY ts;
SET timezone = 'UTC';

---------------------------------------------------------------- session_summary
-- (sessions, events, total_duration, bounces, first_start, last_end), gap 30 min:
--   1: sessions [10:00, 10:30] and [11:00:00.000001, 11:30:00.000001]:
--      (2, 4, 01:00:00, 0, 10:00, 11:30:00.000001)
--   2: [10:00, 10:00] (2 events, 0 long, not a bounce), [10:45 .. 10:50]:
--      (2, 5, 00:05:00, 0, 10:00, 10:50)
--   3: [09:00], [12:00, 12:10], [15:00]; the NULL row is no event:
--      (3, 4, 00:10:00, 2, 09:00, 15:00)
--   4: [10:00 .. 11:40], [12:30]: (2, 7, 01:40:00, 1, 10:00, 12:30)
--   5: [10:00], [10:50 .. 11:10] (the 50-minute gap splits):
--      (2, 4, 00:20:00, 1, 10:00, 11:10)
--   7: no event -> NULL
-- with max_duration 1 hour, only user 4 changes: [10:00 .. 11:00] (1 h),
-- [11:20, 11:40] (20 min), [12:30]: (3, 7, 01:20:00, 1, 10:00, 12:30)
SELECT u, session_summary(ts, interval '30 minutes') AS gap_30min,
       session_summary(ts, interval '30 minutes', interval '1 hour') = session_summary(ts, interval '30 minutes') AS max_1h_same
  FROM se GROUP BY u ORDER BY u;
SELECT (session_summary(ts, interval '30 minutes', interval '1 hour')).* FROM se WHERE u = 4;
-- the timestamp overload returns cdp_session_summary_ts (timestamp fields)
SELECT s, pg_typeof(s) FROM (SELECT session_summary(ts::timestamp, interval '30 minutes') AS s FROM se WHERE u = 3) x;
-- no rows -> NULL; only NULL timestamps -> NULL
SELECT session_summary(ts, interval '30 minutes') IS NULL AS no_rows FROM se WHERE false;
SELECT session_summary(ts, interval '30 minutes') IS NULL AS only_null_ts FROM se WHERE u = 7;
-- total_duration is days + time, like ts - ts. One session (gap 2 days):
-- Jan 1 00:00 .. Jan 3 01:00:30 -> 2 days 01:00:30. Two 20-hour sessions
-- (gap 1 day; 28 hours between them) -> 40 hours = 1 day 16:00:00.
SELECT (session_summary(ts, interval '2 days')).total_duration AS one_session,
       max(ts) - min(ts) AS ts_minus_ts
  FROM (VALUES (timestamptz '2026-01-01 00:00'), ('2026-01-02 12:00'), ('2026-01-03 01:00:30')) v(ts);
SELECT (session_summary(ts, interval '1 day')).*
  FROM (VALUES (timestamptz '2026-01-01 00:00'), ('2026-01-01 20:00'), ('2026-01-03 00:00'), ('2026-01-03 20:00')) v(ts);

-- As plain aggregates, with ORDER BY ts inside the call, session_number
-- and session_start give the value at the group's last row: the number of
-- sessions and the start of the last one (user 4: 2 and 12:30; with
-- max 1 hour: 3 and 12:30; user 3: 3 and 15:00, the NULL row skipped).
SELECT u, session_number(ts, interval '30 minutes' ORDER BY ts) AS sessions,
       session_start(ts, interval '30 minutes' ORDER BY ts) AS last_start,
       session_number(ts, interval '30 minutes', interval '1 hour' ORDER BY ts) AS sessions_max_1h
  FROM se WHERE u IN (3, 4) GROUP BY u ORDER BY u;

---------------------------------------------------------------- window = aggregate = plain SQL
-- 3,000 users x 20 events on a 10-hour day at whole minutes (so gaps of
-- exactly 30 minutes and equal timestamps occur), 1 row in 50 with a NULL
-- ts. Not TEMP: the parallel plans below scan it.
CREATE TABLE sp AS
SELECT g AS id, g % 3000 AS u,
       CASE WHEN hashint4(g * 5) % 50 = 0 THEN NULL
            ELSE timestamptz '2026-01-01 08:00+00' + ((hashint4(g) & 65535) % 600) * interval '1 minute' END AS ts
  FROM generate_series(1, 60000) g;
ANALYZE sp;
-- the plain-SQL recipe: a row starts a session when it has no previous row
-- or the gap to it is > 30 min; its number is the running count of starts
CREATE VIEW sp_recipe AS
SELECT id, u, sum(new::int) OVER (PARTITION BY u ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n
  FROM (SELECT id, u, ts, coalesce(ts - lag(ts) OVER (PARTITION BY u ORDER BY ts) > interval '30 minutes', true) AS new
          FROM sp WHERE ts IS NOT NULL) s;
CREATE VIEW sp_window AS
SELECT id, u, ts,
       session_number(ts, interval '30 minutes') OVER w AS n,
       session_start(ts, interval '30 minutes') OVER w AS start,
       session_number(ts, interval '30 minutes', interval '2 hours') OVER w AS n_max,
       session_start(ts, interval '30 minutes', interval '2 hours') OVER w AS start_max
  FROM sp WINDOW w AS (PARTITION BY u ORDER BY ts);
-- every row: the window function = the recipe (NULL ts rows: NULL); the
-- start is the minimum ts of the row's session
-- (60000 rows, all the same; some with a NULL ts)
SELECT count(*) AS rows, count(*) FILTER (WHERE w.ts IS NULL) > 0 AS some_null_rows,
       count(*) FILTER (WHERE w.n IS NOT DISTINCT FROM r.n) AS same_number,
       count(*) FILTER (WHERE w.start IS NOT DISTINCT FROM w.first) AS same_start,
       count(*) FILTER (WHERE w.start_max IS NOT DISTINCT FROM w.first_max) AS same_start_max
  FROM (SELECT *, min(ts) OVER (PARTITION BY u, n) AS first,
               min(ts) OVER (PARTITION BY u, n_max) AS first_max
          FROM sp_window) w
  LEFT JOIN sp_recipe r USING (id);
-- per user: session_summary = what the window functions give (sessions =
-- last number, events, durations and bounces from the numbered rows),
-- with and without max_duration; the ordered plain aggregates = the last
-- number / start
CREATE VIEW sp_from_window AS
SELECT u, row(count(*)::int, sum(events)::bigint, justify_hours(sum(dur)),
              (count(*) FILTER (WHERE events = 1))::int, min(first), max(last))::cdp_session_summary AS s,
       max(n) AS last_n, max(first) AS last_start
  FROM (SELECT u, n, count(*) AS events, max(ts) - min(ts) AS dur, min(ts) AS first, max(ts) AS last
          FROM sp_window WHERE ts IS NOT NULL GROUP BY u, n) x
 GROUP BY u;
CREATE VIEW sp_from_window_max AS
SELECT u, row(count(*)::int, sum(events)::bigint, justify_hours(sum(dur)),
              (count(*) FILTER (WHERE events = 1))::int, min(first), max(last))::cdp_session_summary AS s
  FROM (SELECT u, n_max, count(*) AS events, max(ts) - min(ts) AS dur, min(ts) AS first, max(ts) AS last
          FROM sp_window WHERE ts IS NOT NULL GROUP BY u, n_max) x
 GROUP BY u;
SELECT count(*) AS users,
       count(*) FILTER (WHERE a.s = w.s) AS summary_same,
       count(*) FILTER (WHERE a.s_max = m.s) AS summary_max_same,
       count(*) FILTER (WHERE a.n_ordered = w.last_n AND a.start_ordered = w.last_start) AS ordered_same,
       count(*) FILTER (WHERE (a.s).sessions > 1) > 0 AS some_split,
       count(*) FILTER (WHERE (a.s).bounces > 0) > 0 AS some_bounces,
       count(*) FILTER (WHERE (a.s_max).sessions > (a.s).sessions) > 0 AS some_max_split
  FROM (SELECT u, session_summary(ts, interval '30 minutes') AS s,
               session_summary(ts, interval '30 minutes', interval '2 hours') AS s_max,
               session_number(ts, interval '30 minutes' ORDER BY ts) AS n_ordered,
               session_start(ts, interval '30 minutes' ORDER BY ts) AS start_ordered
          FROM sp GROUP BY u) a
  JOIN sp_from_window w USING (u) JOIN sp_from_window_max m USING (u);

---------------------------------------------------------------- bad input
SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
  -- windows that do not order the rows by ts
  ($$SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u) FROM se$$),
  ($$SELECT session_start(ts, interval '30 minutes') OVER (PARTITION BY u) FROM se WHERE u = 3$$),
  ($$SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts DESC) FROM se$$),
  ($$SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY id) FROM sp$$),
  ($$SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM se$$),
  ($$SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM se$$),
  ($$SELECT session_start(ts, interval '30 minutes') OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) FROM se$$),
  -- plain aggregates without ORDER BY ts inside the call
  ($$SELECT u, session_number(ts, interval '30 minutes') FROM se GROUP BY u$$),
  ($$SELECT session_start(ts, interval '30 minutes', interval '1 hour') FROM se$$),
  ($$SELECT u, session_number(ts, interval '30 minutes' ORDER BY ts DESC) FROM se GROUP BY u$$),
  -- parameters
  ($$SELECT session_number(ts, interval '0') OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_number(ts, interval '-1 minute') OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_number(ts, interval '1 hour -60 minutes') OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_start(ts, interval '30 minutes', interval '29 minutes') OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_number(ts, NULL) OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_number(ts, interval '30 minutes', NULL) OVER (PARTITION BY u ORDER BY ts) FROM se$$),
  ($$SELECT session_number(ts, CASE WHEN ts > '2026-01-01 10:40' THEN interval '1 hour' ELSE interval '30 minutes' END) OVER (PARTITION BY u ORDER BY ts) FROM se WHERE u = 4$$),
  ($$SELECT session_summary(ts, interval '0') FROM se$$),
  ($$SELECT session_summary(ts::timestamp, interval '-1 day') FROM se$$),
  ($$SELECT session_summary(ts, interval '1 hour', interval '59 minutes') FROM se$$),
  ($$SELECT session_summary(ts, NULL) FROM se$$),
  ($$SELECT session_summary(ts, u * interval '1 hour') FROM se WHERE u IN (1, 2)$$),
  -- (allowed: constant within each group)
  ($$SELECT u, session_summary(ts, u * interval '1 hour') FROM se WHERE u IN (1, 2) GROUP BY u$$)
) v(q);

---------------------------------------------------------------- parallel plans
CREATE VIEW sp_user_v AS
SELECT u, session_summary(ts, interval '30 minutes') AS s,
       session_summary(ts, interval '30 minutes', interval '1 hour') AS s_max,
       session_summary(ts::timestamp, interval '10 minutes') AS s_ts
  FROM sp GROUP BY u;
CREATE VIEW sp_digest_v AS
SELECT md5(string_agg(v::text, '|' ORDER BY u)) AS digest, count(*) AS users,
       sum((s).sessions) AS sessions, sum((s).events) AS events, sum((s).bounces) AS bounces
  FROM sp_user_v v;
-- the whole table as one group: about 58,800 timestamps in one state,
-- merged from the workers' sorted runs
CREATE VIEW sp_all_v AS
SELECT session_summary(ts, interval '30 seconds') AS s,
       session_summary(ts, interval '1 minute', interval '1 hour') AS s_max
  FROM sp;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) CREATE TABLE sp_par_all AS SELECT * FROM sp_all_v;
CREATE TABLE sp_par_all AS SELECT * FROM sp_all_v;
SET enable_sort = off;
EXPLAIN (COSTS OFF) CREATE TABLE sp_par_hash AS SELECT * FROM sp_digest_v;
CREATE TABLE sp_par_hash AS SELECT * FROM sp_digest_v;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) CREATE TABLE sp_par_sort AS SELECT * FROM sp_digest_v;
CREATE TABLE sp_par_sort AS SELECT * FROM sp_digest_v;
RESET enable_hashagg;
-- an unordered plain call fails at its first row in a parallel plan too
SELECT sqlstate_of($$SELECT u, session_number(ts, interval '30 minutes') FROM sp GROUP BY u$$) AS parallel_plain_call;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) CREATE TABLE sp_ser AS SELECT * FROM sp_digest_v;
CREATE TABLE sp_ser AS SELECT * FROM sp_digest_v;
CREATE TABLE sp_ser_all AS SELECT * FROM sp_all_v;
RESET max_parallel_workers_per_gather;
SELECT (SELECT row(h.*)::text FROM sp_par_hash h) = (SELECT row(s.*)::text FROM sp_ser s) AS hash_same,
       (SELECT row(p.*)::text FROM sp_par_sort p) = (SELECT row(s.*)::text FROM sp_ser s) AS sort_same,
       (SELECT row(a.*)::text FROM sp_par_all a) = (SELECT row(s.*)::text FROM sp_ser_all s) AS all_same;
-- The figures behind the digests: 3000 users; events = rows with a ts;
-- sessions = distinct (user, number) pairs of the plain-SQL recipe;
-- bounces = those pairs with one row.
SELECT users, events = (SELECT count(ts) FROM sp) AS events_ok,
       sessions = (SELECT count(*) FROM (SELECT DISTINCT u, n FROM sp_recipe) s) AS sessions_ok,
       bounces = (SELECT count(*) FROM (SELECT u, n FROM sp_recipe GROUP BY u, n HAVING count(*) = 1) s) AS bounces_ok
  FROM sp_ser;
-- One group: the timestamps are the 600 whole minutes 08:00 .. 17:59, each
-- held by about 100 rows. Gap 30 s: consecutive minutes are 60 s apart,
-- so each minute is one session of 0 length: 600 sessions, no bounce,
-- total 00:00:00, first 08:00, last 17:59. Gap 1 minute (exactly 1 minute
-- stays) with max 1 hour: a session starting at minute m takes minutes
-- m .. m+60 (61 minutes, 60 minutes long); 600 = 9 x 61 + 51: 10 sessions,
-- total 9 x 60 + 50 minutes = 09:50:00.
SELECT (s).sessions, (s).events = (SELECT count(ts) FROM sp) AS events_ok, (s).total_duration,
       (s).bounces, (s).first_start, (s).last_end, (s_max).sessions AS sessions_max,
       (s_max).total_duration AS total_max
  FROM sp_ser_all;
