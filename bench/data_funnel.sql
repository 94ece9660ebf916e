-- F data: funnel_events, 10M events over 1M users (x :scale).
--
-- Deterministic: row g (0..n_rows-1) belongs to user u = g % n_users, so a
-- user's 10 rows are spread over the whole table (like an event log written
-- in time order), and is that user's k-th event, k = g / n_users. Its time:
-- a per-user day in January 2026, plus k * 3 hours, plus up to 2 hours of
-- jitter (so events of a user mostly follow k, sometimes overtake each other,
-- and about 30 hours separate the first and the last). Event types 0..6
-- uniformly from a hash: a 4-step funnel 0 -> 1 -> 2 -> 3 within 1 day
-- reaches every level for a good share of users. About 1% of rows share
-- their timestamp (whole seconds) with another row of the same user.
\set ON_ERROR_STOP on
SELECT (10000000 * :scale)::bigint AS n_rows,
       (1000000 * :scale)::bigint AS n_users \gset

DROP TABLE IF EXISTS funnel_events;
CREATE UNLOGGED TABLE funnel_events (
  user_id    int         NOT NULL,
  ts         timestamptz NOT NULL,
  event_type smallint    NOT NULL
);

INSERT INTO funnel_events (user_id, ts, event_type)
SELECT u,
       timestamptz '2026-01-01 00:00:00+00'
         + ((hashint4(u) & 65535) % 25) * interval '1 day'
         + k * interval '3 hours'
         + ((hashint8(g) & 65535) % 7200) * interval '1 second',
       ((hashint8(g * 31 + 7) & 65535) % 7)::smallint
FROM (SELECT g, (g % :n_users)::int AS u, (g / :n_users)::int AS k
      FROM generate_series(0, :n_rows - 1) AS g) s;

-- The same rows in a table hash-partitioned by user (F4: parallel
-- partitionwise aggregation).
DROP TABLE IF EXISTS funnel_events_part;
CREATE UNLOGGED TABLE funnel_events_part (LIKE funnel_events) PARTITION BY HASH (user_id);
SELECT format('CREATE UNLOGGED TABLE funnel_events_part_%s PARTITION OF funnel_events_part '
              'FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i)
  FROM generate_series(0, 7) i \gexec
INSERT INTO funnel_events_part SELECT * FROM funnel_events;
