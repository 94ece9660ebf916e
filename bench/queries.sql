-- The benchmark catalogue: every timed query, and which ones are compared.
--
--   bench_query    one row per timed query; role 'ours' (uses cdp),
--                  'baseline' (plain SQL giving the same answer) or
--                  'reference' (a floor or a different question: its result
--                  is not compared)
--   bench_compare  one row per line of the final table: `ours` against the
--                  fastest (lowest median) of `baselines`, with the target
--                  ratio baseline/ours from the issue (NULL: report only)
--
-- Each query returns one scalar so it runs to completion in the server and
-- the answers of ours and baseline can be checked equal in the same run.
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS bench_compare;
DROP TABLE IF EXISTS bench_query;

CREATE TABLE bench_query (
  ord   int  NOT NULL,
  name  text PRIMARY KEY,
  bench text NOT NULL,
  role  text NOT NULL CHECK (role IN ('ours', 'baseline', 'reference')),
  query text NOT NULL,
  -- 'name=value,...' set (for this query only) before it runs, e.g. to
  -- time a query without parallel workers
  settings text
);

CREATE TABLE bench_compare (
  ord          int  NOT NULL,
  bench        text NOT NULL,
  label        text NOT NULL,
  ours         text NOT NULL REFERENCES bench_query,
  baselines    text[] NOT NULL,
  check_equal  boolean NOT NULL,  -- false when the baseline answers another question
  target_ratio float8,            -- baseline_ms / ours_ms to reach; NULL = report only
  target       text NOT NULL
);

-------------------------------------------------------------------------------
-- B1: distinct users of 10M events (1M distinct)
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(110, 'b1_ours_rb_build_agg', 'B1', 'ours',
 $q$SELECT rb_cardinality(rb_build_agg(user_id)) FROM events$q$),
(120, 'b1_count_distinct', 'B1', 'baseline',
 $q$SELECT count(DISTINCT user_id) FROM events$q$),
(130, 'b1_group_by', 'B1', 'baseline',
 $q$SELECT count(*) FROM (SELECT user_id FROM events GROUP BY user_id) s$q$),
(140, 'b1_floor_count_star', 'B1', 'reference',
 $q$SELECT count(*) FROM events$q$);

INSERT INTO bench_compare VALUES
(10, 'B1', 'rb_build_agg vs count(DISTINCT)', 'b1_ours_rb_build_agg',
 '{b1_count_distinct}', true, 5, '>= 5x'),
(11, 'B1', 'rb_build_agg vs GROUP BY (hash agg)', 'b1_ours_rb_build_agg',
 '{b1_group_by}', true, NULL, 'report'),
(12, 'B1', 'rb_build_agg vs floor count(*)', 'b1_ours_rb_build_agg',
 '{b1_floor_count_star}', false, NULL, 'report (floor)');

-------------------------------------------------------------------------------
-- B2: audience ((A & B) | C) - D; tags of 5M, 3M, 1M, 2M users out of 10M
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(210, 'b2_ours_bitmap_expr', 'B2', 'ours',
 $q$SELECT rb_cardinality(((a.users & b.users) | c.users) - d.users)
FROM tag_bitmaps a, tag_bitmaps b, tag_bitmaps c, tag_bitmaps d
WHERE a.tag = 'A' AND b.tag = 'B' AND c.tag = 'C' AND d.tag = 'D'$q$),
-- Plain-SQL forms tried (the fastest is the baseline of the B2 line). A
-- fourth form, one pass GROUP BY user_id HAVING bool_or(tag = 'A') AND ...
-- (a hash aggregate over all 11M rows of the four tags), took about 2.5x as
-- long as the EXISTS forms in a trial, so it is not timed on every run.
-- The expression read literally: semi-join, union, anti-join.
(220, 'b2_sql_exists_union', 'B2', 'baseline',
 $q$SELECT count(*) FROM (
  SELECT a.user_id FROM user_tags a
  WHERE a.tag = 'A'
    AND EXISTS (SELECT 1 FROM user_tags b WHERE b.tag = 'B' AND b.user_id = a.user_id)
  UNION
  SELECT c.user_id FROM user_tags c WHERE c.tag = 'C'
) s
WHERE NOT EXISTS (SELECT 1 FROM user_tags d WHERE d.tag = 'D' AND d.user_id = s.user_id)$q$),
-- Split into two disjoint parts, so no UNION / DISTINCT is needed:
-- |((A & B) | C) - D| = |C - D| + |(A & B) - C - D|
(230, 'b2_sql_exists_disjoint', 'B2', 'baseline',
 $q$SELECT
  (SELECT count(*) FROM user_tags c
   WHERE c.tag = 'C'
     AND NOT EXISTS (SELECT 1 FROM user_tags d WHERE d.tag = 'D' AND d.user_id = c.user_id))
+ (SELECT count(*) FROM user_tags a
   WHERE a.tag = 'A'
     AND EXISTS (SELECT 1 FROM user_tags b WHERE b.tag = 'B' AND b.user_id = a.user_id)
     AND NOT EXISTS (SELECT 1 FROM user_tags c WHERE c.tag = 'C' AND c.user_id = a.user_id)
     AND NOT EXISTS (SELECT 1 FROM user_tags d WHERE d.tag = 'D' AND d.user_id = a.user_id))$q$),
-- SQL set operations.
(250, 'b2_sql_set_ops', 'B2', 'baseline',
 $q$SELECT count(*) FROM (
  ((SELECT user_id FROM user_tags WHERE tag = 'A'
    INTERSECT
    SELECT user_id FROM user_tags WHERE tag = 'B')
   UNION
   SELECT user_id FROM user_tags WHERE tag = 'C')
  EXCEPT
  SELECT user_id FROM user_tags WHERE tag = 'D'
) s$q$);

INSERT INTO bench_compare VALUES
(20, 'B2', 'bitmap expression vs fastest plain SQL', 'b2_ours_bitmap_expr',
 '{b2_sql_exists_union,b2_sql_exists_disjoint,b2_sql_set_ops}',
 true, 1000, '>= 1000x'),
(21, 'B2', '  vs EXISTS + UNION', 'b2_ours_bitmap_expr',
 '{b2_sql_exists_union}', true, NULL, 'report'),
(22, 'B2', '  vs EXISTS, disjoint parts', 'b2_ours_bitmap_expr',
 '{b2_sql_exists_disjoint}', true, NULL, 'report'),
(23, 'B2', '  vs INTERSECT/UNION/EXCEPT', 'b2_ours_bitmap_expr',
 '{b2_sql_set_ops}', true, NULL, 'report');

-------------------------------------------------------------------------------
-- B3: union of 1,000 sets of 10k ids (ids in [0, 10M))
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(310, 'b3_ours_rb_or_agg', 'B3', 'ours',
 $q$SELECT rb_cardinality(rb_or_agg(users)) FROM id_sets$q$),
(320, 'b3_ours_rb_or_cardinality_agg', 'B3', 'ours',
 $q$SELECT rb_or_cardinality_agg(users) FROM id_sets$q$),
(330, 'b3_count_distinct_unnest', 'B3', 'baseline',
 $q$SELECT count(DISTINCT id) FROM (SELECT unnest(ids) AS id FROM id_sets) s$q$);
-- (The GROUP BY form, SELECT count(*) FROM (SELECT unnest(ids) ... GROUP BY 1)
-- s, took about 6x as long as count(DISTINCT) in a trial: not timed.)

INSERT INTO bench_compare VALUES
(30, 'B3', 'rb_or_agg vs count(DISTINCT unnest)', 'b3_ours_rb_or_agg',
 '{b3_count_distinct_unnest}', true, NULL, 'report (ext ~27 ms)'),
(32, 'B3', 'rb_or_cardinality_agg vs count(DISTINCT)', 'b3_ours_rb_or_cardinality_agg',
 '{b3_count_distinct_unnest}', true, NULL, 'report');

-------------------------------------------------------------------------------
-- F: funnels on funnel_events (10M events over 1M users, bench/data_funnel.sql)
-- 4 steps: event_type 0 -> 1 -> 2 -> 3 within 1 day, default mode. Every F
-- query runs with work_mem = 1GB, so that no hash aggregate spills to disk
-- (ours keeps ~16 bytes per matching row in the aggregate's memory, which
-- PostgreSQL accounts; at the default 4MB a 1M-group hash aggregate spills).
-------------------------------------------------------------------------------
INSERT INTO bench_query VALUES
(410, 'f1_ours_window_funnel', 'F1', 'ours',
 $q$SELECT sum(l) FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3) AS l
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB'),
(411, 'f1_ours_window_funnel_array', 'F1', 'ours',
 $q$SELECT sum(l) FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, VARIADIC ARRAY[event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3]) AS l
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB'),
(412, 'f1_ours_window_funnel_serial', 'F1', 'ours',
 $q$SELECT sum(l) FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3) AS l
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB,max_parallel_workers_per_gather=0'),
-- The fastest correct plain SQL found: one sort by (user, ts, event_type)
-- and three running-max window passes. For each row, `a` = the latest
-- step-1 time at or before it; `ab` = over step-2 rows so far, the latest
-- start of a chain a -> b; `abc` likewise over step-3 rows. A step-k row
-- completes a chain within the window iff its time minus the best start is
-- <= 1 day (the latest start is always the best one). With one event type
-- per row this is exactly window_funnel's default mode, ties included (rows
-- with equal ts are ordered by step).
(420, 'f1_sql_running_max', 'F1', 'baseline',
 $q$SELECT sum(l) FROM (
  SELECT user_id,
         CASE WHEN bool_or(event_type = 3 AND ts - abc <= interval '1 day') THEN 4
              WHEN bool_or(event_type = 2 AND ts - ab <= interval '1 day') THEN 3
              WHEN bool_or(event_type = 1 AND ts - a <= interval '1 day') THEN 2
              WHEN bool_or(event_type = 0) THEN 1 ELSE 0 END AS l
  FROM (
    SELECT *, max(ab) FILTER (WHERE event_type = 2) OVER w AS abc
    FROM (
      SELECT *, max(a) FILTER (WHERE event_type = 1) OVER w AS ab
      FROM (
        SELECT user_id, ts, event_type,
               max(ts) FILTER (WHERE event_type = 0) OVER w AS a
        FROM funnel_events
        WINDOW w AS (PARTITION BY user_id ORDER BY ts, event_type ROWS UNBOUNDED PRECEDING)
      ) l1
      WINDOW w AS (PARTITION BY user_id ORDER BY ts, event_type ROWS UNBOUNDED PRECEDING)
    ) l2
    WINDOW w AS (PARTITION BY user_id ORDER BY ts, event_type ROWS UNBOUNDED PRECEDING)
  ) l3
  GROUP BY user_id) s$q$, 'work_mem=1GB'),
(430, 'f1_floor_count_by_user', 'F1', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events GROUP BY user_id) s$q$,
 'work_mem=1GB'),
(440, 'f2_ours_sequence_match', 'F2', 'ours',
 $q$SELECT count(*) FILTER (WHERE m) FROM (
  SELECT user_id, sequence_match('(?1).*(?2).*(?t<=7200)(?3)', ts, event_type = 0,
                                 event_type = 1, event_type = 2) AS m
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB'),
(450, 'f3_ours_funnel_counts', 'F3', 'ours',
 $q$SELECT array_to_string(funnel_counts(l, 4), ',') FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3) AS l
  FROM funnel_events GROUP BY user_id) s$q$, 'work_mem=1GB');

-- F4: the same rows in a table hash-partitioned by user (8 partitions),
-- with enable_partitionwise_aggregate: each worker aggregates whole
-- partitions (Parallel Append of per-partition hash aggregates), so no
-- partial per-user states are serialized and merged. On the plain
-- time-ordered table (F1) PostgreSQL 15 can only split a per-user GROUP BY
-- into partial aggregates that every worker builds for almost every user;
-- the planner then rightly prefers a serial plan.
INSERT INTO bench_query VALUES
(460, 'f4_ours_part_parallel', 'F4', 'ours',
 $q$SELECT sum(l) FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3) AS l
  FROM funnel_events_part GROUP BY user_id) s$q$, 'work_mem=1GB,enable_partitionwise_aggregate=on'),
(461, 'f4_ours_part_serial', 'F4', 'ours',
 $q$SELECT sum(l) FROM (
  SELECT user_id, window_funnel(interval '1 day', ts, event_type = 0, event_type = 1,
                                event_type = 2, event_type = 3) AS l
  FROM funnel_events_part GROUP BY user_id) s$q$,
 'work_mem=1GB,enable_partitionwise_aggregate=on,max_parallel_workers_per_gather=0'),
(462, 'f4_floor_part', 'F4', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events_part GROUP BY user_id) s$q$,
 'work_mem=1GB,enable_partitionwise_aggregate=on'),
(463, 'f4_floor_part_serial', 'F4', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events_part GROUP BY user_id) s$q$,
 'work_mem=1GB,enable_partitionwise_aggregate=on,max_parallel_workers_per_gather=0'),
(464, 'f1_floor_count_by_user_serial', 'F1', 'reference',
 $q$SELECT count(*) FROM (SELECT user_id, count(*) FROM funnel_events GROUP BY user_id) s$q$,
 'work_mem=1GB,max_parallel_workers_per_gather=0');

INSERT INTO bench_compare VALUES
(40, 'F1', 'window_funnel vs fastest plain SQL', 'f1_ours_window_funnel',
 '{f1_sql_running_max}', true, 10, '>= 10x'),
(41, 'F1', 'window_funnel vs floor count(*) GROUP BY user', 'f1_ours_window_funnel',
 '{f1_floor_count_by_user}', false, 0.6667, '<= 1.5x its time'),
(42, 'F1', 'planner''s plan vs no workers', 'f1_ours_window_funnel',
 '{f1_ours_window_funnel_serial}', true, NULL, 'report (see F4)'),
(43, 'F1', 'VARIADIC "any" vs boolean[] form', 'f1_ours_window_funnel',
 '{f1_ours_window_funnel_array}', true, NULL, 'report'),
(44, 'F2', 'sequence_match vs floor count(*) GROUP BY user', 'f2_ours_sequence_match',
 '{f1_floor_count_by_user}', false, NULL, 'report'),
(45, 'F1', 'floor itself: 2 workers vs none', 'f1_floor_count_by_user',
 '{f1_floor_count_by_user_serial}', true, NULL, 'report'),
(46, 'F4', 'partitioned by user: 2 workers vs none', 'f4_ours_part_parallel',
 '{f4_ours_part_serial}', true, 1.6, '>= 1.6x'),
(47, 'F4', 'partitioned: vs floor count(*) GROUP BY user', 'f4_ours_part_parallel',
 '{f4_floor_part}', false, 0.6667, '<= 1.5x its time'),
(48, 'F4', 'partitioned floor itself: 2 workers vs none', 'f4_floor_part',
 '{f4_floor_part_serial}', true, NULL, 'report');
