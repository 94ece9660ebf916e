-- Differential test data: random users with random event counts, the same
-- rows are then loaded into ClickHouse.
--
-- Per user: k "moments" at distinct whole seconds (gaps of 1 s to 2 days, so
-- every window and time constraint of comparisons.txt falls both ways); each
-- moment has ONE event value e (0..7) and 1 to 4 rows. So there are many
-- same-second ties, but only between rows with the same e, i.e. rows that
-- match the same set of conditions whatever the conditions are: ClickHouse
-- orders same-second rows by storage order (windowFunnel) or not at all
-- (sequenceMatch), and for identical rows the order cannot matter. A row may
-- match several conditions (the conditions of comparisons.txt overlap).
-- No NULLs: ClickHouse drops a row with a NULL condition.
--
-- Deterministic: setseed() and one serial query.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.20240301);

DROP TABLE IF EXISTS diff_events;
CREATE TABLE diff_events (
  user_id int         NOT NULL,
  ts      timestamptz NOT NULL,
  e       smallint    NOT NULL
);

WITH users AS (
  -- 1..50 moments, skewed towards few; user_id scattered over a wide range
  SELECT u, (u * 7919) % 1000003 AS user_id,
         1 + floor(random() ^ 2 * 50)::int AS k,
         '2024-03-01 00:00:00+00'::timestamptz + floor(random() * 30 * 86400) * interval '1 second' AS t0
  FROM generate_series(1, :n_users) AS u
), moments AS (
  SELECT user_id, t0, m,
         CASE WHEN r < 0.35 THEN 1 + floor(random() * 5)         -- seconds
              WHEN r < 0.60 THEN 1 + floor(random() * 600)       -- minutes
              WHEN r < 0.85 THEN 1 + floor(random() * 7200)      -- hours
              ELSE 1 + floor(random() * 172800) END AS gap,      -- days
         (ARRAY[0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7])[1 + floor(random() * 15)::int] AS e,
         CASE WHEN random() < 0.3 THEN 2 + floor(random() * 3)::int ELSE 1 END AS copies
  FROM (SELECT users.*, m, random() AS r FROM users, LATERAL generate_series(1, k) AS m) s
), timed AS (
  SELECT user_id, t0 + sum(gap) OVER (PARTITION BY user_id ORDER BY m) * interval '1 second' AS ts,
         e, copies
  FROM moments
)
INSERT INTO diff_events (user_id, ts, e)
SELECT user_id, ts, e::smallint
FROM timed, LATERAL generate_series(1, copies)
ORDER BY random();  -- scattered physical order: results must not depend on it

ANALYZE diff_events;
