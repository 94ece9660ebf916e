-- Benchmarks S1, S2 (sessions) and R1 (retention), added to the catalogue
-- of bench/queries.sql (see there for the tables and roles). Data:
-- funnel_events (bench/data_funnel.sql): 10M events of 1M users (x scale),
-- 10 events per user over about 30 hours, event types 0..6, about 1% of a
-- user's rows sharing their timestamp with another row.
--
-- Every query runs with work_mem = 1GB (no hash aggregate or sort spills
-- to disk at full scale), as the F queries do.
\set ON_ERROR_STOP on

-------------------------------------------------------------------------------
-- S1: session numbers with a 30-minute gap, one per row, as a window
-- function; the answer is the sum of the session numbers of all rows.
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(610, 's1_ours_session_number', 'S1', 'ours',
 $q$SELECT sum(n) FROM (
  SELECT session_number(ts, interval '30 minutes') OVER (PARTITION BY user_id ORDER BY ts) AS n
  FROM funnel_events) s$q$, 'work_mem=1GB'),
-- The plain-SQL recipe: a row starts a session when the gap to the
-- previous row is > 30 minutes (or it has none); its session number is the
-- running count of starts. Both windows share one sort. Rows with equal ts
-- get the same number (the second one's gap is 0), as session_number gives.
(620, 's1_sql_lag_running_sum', 'S1', 'baseline',
 $q$SELECT sum(n) FROM (
  SELECT sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n
  FROM (SELECT user_id, ts,
               CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) <= interval '30 minutes'
                    THEN 0 ELSE 1 END AS new
        FROM funnel_events) s) t$q$, 'work_mem=1GB'),
-- The floor of any window over (user, ts): the sort plus the cheapest
-- window function. (Its sum happens to equal S1's answer on this data:
-- every event is its own 30-minute session.)
(630, 's1_floor_row_number', 'S1', 'reference',
 $q$SELECT sum(n) FROM (
  SELECT row_number() OVER (PARTITION BY user_id ORDER BY ts) AS n FROM funnel_events) s$q$,
 'work_mem=1GB'),
-- The sort alone.
(631, 's1_floor_sort', 'S1', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, ts FROM funnel_events ORDER BY user_id, ts OFFSET 0) s$q$,
 'work_mem=1GB');

-------------------------------------------------------------------------------
-- S2: session statistics per user, summed over users: sessions, events,
-- bounces, total session duration (s), first-to-last span (s). Gap 3
-- hours: the events of a user are 1 to 5 hours apart in this data set, so
-- users have sessions of 1 to 10 events (with 30 minutes every event
-- would be a bounce).
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(640, 's2_ours_session_summary', 'S2', 'ours',
 $q$SELECT sum((s).sessions) || ',' || sum((s).events) || ',' || sum((s).bounces) || ','
       || sum(extract(epoch FROM (s).total_duration)) || ','
       || sum(extract(epoch FROM (s).last_end - (s).first_start))
FROM (SELECT user_id, session_summary(ts, interval '3 hours') AS s
      FROM funnel_events GROUP BY user_id) q$q$, 'work_mem=1GB'),
(641, 's2_ours_session_summary_serial', 'S2', 'ours',
 $q$SELECT sum((s).sessions) || ',' || sum((s).events) || ',' || sum((s).bounces) || ','
       || sum(extract(epoch FROM (s).total_duration)) || ','
       || sum(extract(epoch FROM (s).last_end - (s).first_start))
FROM (SELECT user_id, session_summary(ts, interval '3 hours') AS s
      FROM funnel_events GROUP BY user_id) q$q$, 'work_mem=1GB,max_parallel_workers_per_gather=0'),
-- The recipe of S1, then one row per session, then per user.
(650, 's2_sql_session_ids', 'S2', 'baseline',
 $q$SELECT sum(sessions) || ',' || sum(events) || ',' || sum(bounces) || ',' || sum(total) || ',' || sum(span)
FROM (
  SELECT user_id, count(*) AS sessions, sum(n) AS events, count(*) FILTER (WHERE n = 1) AS bounces,
         sum(extract(epoch FROM last - first)) AS total,
         extract(epoch FROM max(last) - min(first)) AS span
  FROM (
    SELECT user_id, sid, count(*) AS n, min(ts) AS first, max(ts) AS last
    FROM (SELECT user_id, ts, sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid
          FROM (SELECT user_id, ts,
                       CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) <= interval '3 hours'
                            THEN 0 ELSE 1 END AS new
                FROM funnel_events) a) b
    GROUP BY user_id, sid) c
  GROUP BY user_id) d$q$, 'work_mem=1GB'),
-- Faster: one window pass (lag and lead share the sort), one GROUP BY
-- user. The total duration of a user's sessions is the sum of the gaps
-- inside sessions; a bounce is a session start whose next row starts a
-- session too (or is missing).
(660, 's2_sql_lag_lead', 'S2', 'baseline',
 $q$SELECT sum(sessions) || ',' || sum(events) || ',' || sum(bounces) || ',' || sum(total) || ',' || sum(span)
FROM (
  SELECT user_id, count(*) FILTER (WHERE new) AS sessions, count(*) AS events,
         count(*) FILTER (WHERE new AND next_new) AS bounces,
         coalesce(sum(extract(epoch FROM ts - prev)) FILTER (WHERE NOT new), 0) AS total,
         extract(epoch FROM max(ts) - min(ts)) AS span
  FROM (SELECT user_id, ts, lag(ts) OVER w AS prev,
               coalesce(ts - lag(ts) OVER w > interval '3 hours', true) AS new,
               coalesce(lead(ts) OVER w - ts > interval '3 hours', true) AS next_new
        FROM funnel_events WINDOW w AS (PARTITION BY user_id ORDER BY ts)) s
  GROUP BY user_id) u$q$, 'work_mem=1GB'),
(670, 's2_floor_count_by_user', 'S2', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events GROUP BY user_id) s$q$,
 'work_mem=1GB');

-------------------------------------------------------------------------------
-- R1: rolling daily retention over 30 periods (anchor: the user's first
-- event of type 0; active: any other type), summed over users with
-- retention_counts: element 1 = users with an anchor, element k + 1 =
-- users active in period k.
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(710, 'r1_ours_retention_periods', 'R1', 'ours',
 $q$SELECT array_to_string(retention_counts(r), ',') FROM (
  SELECT user_id, retention_periods(event_type = 0, ts, event_type <> 0, interval '1 day', 30) AS r
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB'),
(711, 'r1_ours_retention_periods_serial', 'R1', 'ours',
 $q$SELECT array_to_string(retention_counts(r), ',') FROM (
  SELECT user_id, retention_periods(event_type = 0, ts, event_type <> 0, interval '1 day', 30) AS r
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB,max_parallel_workers_per_gather=0'),
-- Plain SQL: the anchors (first type-0 event per user), then the distinct
-- (user, period) pairs of the active rows, counted per period. Period k of
-- a row = whole local days between anchor and row (ts::timestamp is the
-- session time zone's wall clock, as anchor + k * interval '1 day' counts).
(720, 'r1_sql_join_periods', 'R1', 'baseline',
 $q$WITH a AS (
  SELECT user_id, min(ts) AS a FROM funnel_events WHERE event_type = 0 GROUP BY user_id),
p AS (
  SELECT k, count(*) AS n FROM (
    SELECT DISTINCT e.user_id, extract(day FROM e.ts::timestamp - a.a::timestamp)::int AS k
    FROM funnel_events e JOIN a USING (user_id)
    WHERE e.event_type <> 0 AND e.ts >= a.a + interval '1 day'
      AND e.ts < a.a + interval '31 days') s
  GROUP BY k)
SELECT array_to_string((SELECT count(*) FROM a)
                       || ARRAY(SELECT coalesce(p.n, 0) FROM generate_series(1, 30) g(k)
                                LEFT JOIN p USING (k) ORDER BY g.k), ',')$q$, 'work_mem=1GB'),
-- The same in one pass over the table: per user, the anchor and the array
-- of distinct active days relative to it need the anchor first, so a
-- window min() over the user's rows supplies it.
(730, 'r1_sql_window_anchor', 'R1', 'baseline',
 $q$SELECT array_to_string((SELECT count(DISTINCT user_id) FROM funnel_events WHERE event_type = 0)
                       || ARRAY(SELECT coalesce(p.n, 0) FROM generate_series(1, 30) g(k)
                                LEFT JOIN (SELECT k, count(DISTINCT user_id) AS n FROM (
                                  SELECT user_id, extract(day FROM ts::timestamp - a::timestamp)::int AS k
                                  FROM (SELECT user_id, ts, event_type,
                                               min(ts) FILTER (WHERE event_type = 0) OVER (PARTITION BY user_id) AS a
                                        FROM funnel_events) w
                                  WHERE event_type <> 0 AND ts >= a + interval '1 day'
                                    AND ts < a + interval '31 days') s GROUP BY k) p USING (k)
                                ORDER BY g.k), ',')$q$, 'work_mem=1GB'),
(740, 'r1_floor_count_by_user', 'R1', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events GROUP BY user_id) s$q$,
 'work_mem=1GB'),
(741, 'r1_floor_count_by_user_serial', 'R1', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events GROUP BY user_id) s$q$,
 'work_mem=1GB,max_parallel_workers_per_gather=0');

INSERT INTO bench_compare VALUES
(60, 'S1', 'session_number window vs lag + running sum', 's1_ours_session_number',
 '{s1_sql_lag_running_sum}', true, 3, '>= 3x'),
(61, 'S1', 'session_number vs floor row_number() window', 's1_ours_session_number',
 '{s1_floor_row_number}', false, NULL, 'report (floor)'),
(66, 'S1', '  floor row_number() vs the sort alone', 's1_floor_row_number',
 '{s1_floor_sort}', false, NULL, 'report'),
(62, 'S2', 'session_summary vs fastest plain SQL', 's2_ours_session_summary',
 '{s2_sql_session_ids,s2_sql_lag_lead}', true, 5, '>= 5x'),
(63, 'S2', '  vs S1 recipe + GROUP BY session', 's2_ours_session_summary',
 '{s2_sql_session_ids}', true, NULL, 'report'),
(64, 'S2', 'session_summary vs floor count(*) GROUP BY user', 's2_ours_session_summary',
 '{s2_floor_count_by_user}', false, NULL, 'report (floor)'),
(65, 'S2', '2 workers vs none', 's2_ours_session_summary',
 '{s2_ours_session_summary_serial}', true, NULL, 'report'),
(70, 'R1', 'retention_periods vs fastest plain SQL', 'r1_ours_retention_periods',
 '{r1_sql_join_periods,r1_sql_window_anchor}', true, 5, '>= 5x'),
(71, 'R1', 'retention_periods vs floor count(*) GROUP BY user', 'r1_ours_retention_periods',
 '{r1_floor_count_by_user}', false, 0.6667, '<= 1.5x its time'),
(72, 'R1', '2 workers vs none', 'r1_ours_retention_periods',
 '{r1_ours_retention_periods_serial}', true, NULL, 'report'),
(73, 'R1', 'serial: vs serial floor', 'r1_ours_retention_periods_serial',
 '{r1_floor_count_by_user_serial}', false, NULL, 'report');
