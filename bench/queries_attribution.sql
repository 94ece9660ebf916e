-- A benchmarks: marketing attribution (issue 5). Appended to the catalogue
-- of bench/queries.sql by scripts/bench.sh.
--
-- The data is made HERE, not by a bench/data_*.sql part (scripts/bench.sh
-- only loads the parts it knows), and only when an A benchmark is selected
-- (CDP_BENCH_ONLY empty or naming A1/A2) and the tables do not exist yet.
-- Deterministic (generate_series + hashes), 1M rows each at scale 1:
--
--   att_paths        one row per journey, as markov_attribution and
--                    shapley_attribution read it: a path of 5-10 touches over
--                    16 channels, conversions 0/1 (about 1 in 5 converts),
--                    non_conversions = 1 - conversions
--   att_conversions  one row per conversion, as attribution() reads it:
--                    5-10 touches over 16 channels, their times (ascending,
--                    about 2 days apart, the last one up to 17 minutes before
--                    the conversion), the conversion time and a value that is
--                    a multiple of the path length (so value / n, and every
--                    sum below, is an exact integer in float8: the answers of
--                    ours and of plain SQL are equal whatever the plan)
--
-- A1: markov_attribution over 1M path rows vs the floor count(*) over the
--     same rows (issue target: at most 3x its time); serial forms;
--     shapley_attribution and the order-2 chain on the same rows (report).
-- A2: attribution('linear', ...) for 1M conversions vs the same per-position
--     credits in plain SQL (issue target: >= 5x faster than unnest + a
--     window count per conversion); also vs unnest + cardinality() (the
--     cheapest plain SQL form of linear) and the floor.
\set ON_ERROR_STOP on


\getenv att_only CDP_BENCH_ONLY
\if :{?att_only}
\else
\set att_only ''
\endif
SELECT (:'att_only' = '' OR :'att_only' ~ '(^| )A[0-9]') AS att_wanted,
       to_regclass('att_paths') IS NULL AS att_make_paths,
       to_regclass('att_conversions') IS NULL AS att_make_conversions,
       (1000000 * :scale)::bigint AS att_rows \gset

\if :att_wanted
\if :att_make_paths
CREATE UNLOGGED TABLE att_paths AS
SELECT g AS id,
       ARRAY(SELECT (ARRAY['direct', 'organic_search', 'paid_search', 'email', 'social_organic',
                           'social_paid', 'display', 'video', 'affiliate', 'referral', 'push',
                           'sms', 'podcast', 'tv', 'radio', 'print'])[1 + (hashint8(g * 16 + k) & 15)]
               FROM generate_series(1, 5 + (hashint8(g) & 65535) % 6) k) AS path,
       ((hashint8(g * 7 + 3) & 65535) % 5 = 0)::int::bigint AS conversions,
       ((hashint8(g * 7 + 3) & 65535) % 5 <> 0)::int::bigint AS non_conversions
  FROM generate_series(1, :att_rows) g;
\endif
\if :att_make_conversions
CREATE UNLOGGED TABLE att_conversions AS
SELECT s.id, t.channels, t.touch_ts, s.conversion_ts,
       (s.n * (1 + (hashint8(s.id * 13) & 65535) % 100))::float8 AS value
  FROM (SELECT g AS id, 5 + (hashint8(g) & 65535) % 6 AS n,
               timestamptz '2026-02-01' + (g % 86400) * interval '1 minute' AS conversion_ts
          FROM generate_series(1, :att_rows) g) s,
       LATERAL (
         SELECT array_agg((ARRAY['direct', 'organic_search', 'paid_search', 'email', 'social_organic',
                                 'social_paid', 'display', 'video', 'affiliate', 'referral', 'push',
                                 'sms', 'podcast', 'tv', 'radio', 'print'])[1 + (hashint8(s.id * 16 + k) & 15)]
                          ORDER BY k) AS channels,
                array_agg(s.conversion_ts - (s.n - k) * interval '2 days'
                            - (hashint8(s.id * 16 + k) & 1023) * interval '1 second' ORDER BY k) AS touch_ts
           FROM generate_series(1, s.n) k) t;
\endif
SELECT relname AS "A data", to_char(count_rows, 'FM999,999,999') AS rows,
       pg_size_pretty(pg_total_relation_size(oid)) AS size
  FROM pg_class,
       LATERAL (SELECT CASE relname WHEN 'att_paths' THEN (SELECT count(*) FROM att_paths)
                                    ELSE (SELECT count(*) FROM att_conversions) END AS count_rows) c
 WHERE relname IN ('att_paths', 'att_conversions') AND relkind = 'r'
 ORDER BY relname;
\endif

INSERT INTO bench_query VALUES
-------------------------------------------------------------------------------
-- A1: markov_attribution over 1M path rows (16 channels, 5-10 touches)
-------------------------------------------------------------------------------
-- The result: the top channel and its credit (deterministic: the chain is
-- solved exactly and the state does not depend on the row order or split).
(910, 'a1_ours_markov', 'A1', 'ours',
 $q$SELECT (m[1]).channel || ' ' || round((m[1]).conversions::numeric, 3) FROM (
  SELECT markov_attribution(path, conversions, non_conversions) AS m FROM att_paths) s$q$, NULL),
(911, 'a1_ours_markov_serial', 'A1', 'ours',
 $q$SELECT (m[1]).channel || ' ' || round((m[1]).conversions::numeric, 3) FROM (
  SELECT markov_attribution(path, conversions, non_conversions) AS m FROM att_paths) s$q$,
 'max_parallel_workers_per_gather=0'),
(912, 'a1_ours_markov_order2', 'A1', 'ours',
 $q$SELECT (m[1]).channel || ' ' || round((m[1]).conversions::numeric, 3) FROM (
  SELECT markov_attribution(2, path, conversions, non_conversions) AS m FROM att_paths) s$q$, NULL),
(913, 'a1_ours_shapley', 'A1', 'ours',
 $q$SELECT (m[1]).channel || ' ' || round((m[1]).conversions::numeric, 3) FROM (
  SELECT shapley_attribution(path, conversions, non_conversions) AS m FROM att_paths) s$q$, NULL),
(914, 'a1_floor_count_star', 'A1', 'reference',
 $q$SELECT count(*) FROM att_paths$q$, NULL),
(915, 'a1_floor_count_star_serial', 'A1', 'reference',
 $q$SELECT count(*) FROM att_paths$q$, 'max_parallel_workers_per_gather=0'),
-- A floor that also reads every path (detoasts and walks the array).
(916, 'a1_floor_sum_cardinality', 'A1', 'reference',
 $q$SELECT sum(cardinality(path)) FROM att_paths$q$, NULL),
-------------------------------------------------------------------------------
-- A2: attribution('linear') for 1M conversions of 5-10 touches
-------------------------------------------------------------------------------
-- Every per-position credit is produced and consumed, one row per position
-- (unnest in the select list, the cheapest form for both sides). The
-- checksum sum(credit^2) is an exact integer (see the data comment above)
-- and, with the credits summing to each value, pins every linear credit to
-- value / n.
(920, 'a2_ours_linear', 'A2', 'ours',
 $q$SELECT sum(c * c) FROM (
  SELECT unnest(attribution('linear', channels, touch_ts, conversion_ts, value)) AS c
  FROM att_conversions) s$q$, NULL),
(921, 'a2_ours_linear_serial', 'A2', 'ours',
 $q$SELECT sum(c * c) FROM (
  SELECT unnest(attribution('linear', channels, touch_ts, conversion_ts, value)) AS c
  FROM att_conversions) s$q$, 'max_parallel_workers_per_gather=0'),
-- The plain SQL of the issue: one row per touch (unnest), the number of
-- touches of its conversion by a window count, credit = value / n.
(922, 'a2_sql_unnest_window', 'A2', 'baseline',
 $q$SELECT sum(c * c) FROM (
  SELECT value / count(*) OVER (PARTITION BY id) AS c
  FROM (SELECT id, value, unnest(channels) AS channel FROM att_conversions) s) t$q$, NULL),
-- The cheapest plain SQL linear: n from cardinality(), no window.
(923, 'a2_sql_unnest_cardinality', 'A2', 'baseline',
 $q$SELECT sum(c * c) FROM (
  SELECT value / cardinality(channels) AS c, unnest(channels) AS channel
  FROM att_conversions) s$q$, NULL),
-- Credits by position (the checksum weights each by its position), with
-- unnest ... WITH ORDINALITY on both sides.
(924, 'a2_ours_linear_by_position', 'A2', 'ours',
 $q$SELECT sum(c * i) FROM att_conversions,
  unnest(attribution('linear', channels, touch_ts, conversion_ts, value)) WITH ORDINALITY u(c, i)$q$, NULL),
(925, 'a2_sql_window_by_position', 'A2', 'baseline',
 $q$SELECT sum(value / n * i) FROM (
  SELECT value, u.i, count(*) OVER (PARTITION BY id) AS n
  FROM att_conversions, unnest(channels) WITH ORDINALITY u(ch, i)) s$q$, NULL),
-- time_decay (7-day half-life) against its plain SQL form (weights by
-- power(), their sum by a window); floats differ in the last bits, so only
-- times are compared.
(926, 'a2_ours_time_decay', 'A2', 'ours',
 $q$SELECT round(sum(c * c)::numeric, 0) FROM (
  SELECT unnest(attribution('time_decay', channels, touch_ts, conversion_ts, value)) AS c
  FROM att_conversions) s$q$, NULL),
(927, 'a2_sql_time_decay_window', 'A2', 'baseline',
 $q$SELECT round(sum(c * c)::numeric, 0) FROM (
  SELECT value * w / sum(w) OVER (PARTITION BY id) AS c
  FROM (SELECT id, value,
               power(2.0::float8, -extract(epoch FROM conversion_ts - unnest(touch_ts))::float8
                                  / (7 * 86400)) AS w
          FROM att_conversions) s) t$q$, NULL),
-- The function alone: every credit array computed, only its length read,
-- against reading every path's length.
(928, 'a2_ours_arrays_only', 'A2', 'ours',
 $q$SELECT sum(cardinality(attribution('linear', channels, touch_ts, conversion_ts, value)))
  FROM att_conversions$q$, NULL),
(929, 'a2_floor_cardinality', 'A2', 'reference',
 $q$SELECT sum(cardinality(channels)) FROM att_conversions$q$, NULL),
(930, 'a2_floor_unnest', 'A2', 'reference',
 $q$SELECT count(*) FROM (SELECT unnest(channels) FROM att_conversions) s$q$, NULL);

INSERT INTO bench_compare VALUES
(90, 'A1', 'markov_attribution vs floor count(*)', 'a1_ours_markov',
 '{a1_floor_count_star}', false, 0.3333, '<= 3x its time'),
(91, 'A1', 'markov_attribution vs floor sum(cardinality(path))', 'a1_ours_markov',
 '{a1_floor_sum_cardinality}', false, NULL, 'report (floor)'),
(92, 'A1', 'markov serial vs floor count(*) serial', 'a1_ours_markov_serial',
 '{a1_floor_count_star_serial}', false, NULL, 'report (floor)'),
(93, 'A1', 'markov 2 workers vs none', 'a1_ours_markov',
 '{a1_ours_markov_serial}', true, NULL, 'report'),
(94, 'A1', 'markov order 2 vs floor count(*)', 'a1_ours_markov_order2',
 '{a1_floor_count_star}', false, NULL, 'report (floor)'),
(95, 'A1', 'shapley_attribution vs floor count(*)', 'a1_ours_shapley',
 '{a1_floor_count_star}', false, NULL, 'report (floor)'),
(96, 'A2', 'attribution(linear) vs plain SQL unnest + window count', 'a2_ours_linear',
 '{a2_sql_unnest_window}', true, 5, '>= 5x'),
(97, 'A2', 'attribution(linear) vs plain SQL unnest + cardinality()', 'a2_ours_linear',
 '{a2_sql_unnest_cardinality}', true, NULL, 'report'),
(98, 'A2', 'attribution(linear) 2 workers vs none', 'a2_ours_linear',
 '{a2_ours_linear_serial}', true, NULL, 'report'),
(99, 'A2', 'by position (WITH ORDINALITY) vs plain SQL window', 'a2_ours_linear_by_position',
 '{a2_sql_window_by_position}', true, NULL, 'report'),
(100, 'A2', 'attribution(time_decay) vs plain SQL window sum', 'a2_ours_time_decay',
 '{a2_sql_time_decay_window}', false, NULL, 'report'),
(101, 'A2', 'attribution(linear) vs floor unnest', 'a2_ours_linear',
 '{a2_floor_unnest}', false, NULL, 'report (floor)'),
(102, 'A2', 'credit arrays only vs floor sum(cardinality(channels))', 'a2_ours_arrays_only',
 '{a2_floor_cardinality}', false, NULL, 'report (floor)');
