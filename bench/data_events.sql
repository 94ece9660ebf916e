-- B1 data: an event log of 10M rows over 1M distinct users (x :scale).
--
-- Deterministic: row g (1..n_rows) gets user
--     ((g * 2654435761) % n_users) * 7919 % (10 * n_users)
-- 2654435761 (Knuth's multiplicative hash constant) is prime, so g -> g*k mod
-- n_users is a bijection on every block of n_users consecutive g: each user
-- appears exactly n_rows / n_users = 10 times, rows in scattered order. The
-- second step (7919 is prime) spreads the 1M users injectively over a 10M id
-- range, like active users among all accounts.
\set ON_ERROR_STOP on
SELECT (10000000 * :scale)::bigint AS n_rows,
       (1000000 * :scale)::bigint AS n_users \gset

DROP TABLE IF EXISTS events;
-- UNLOGGED: no WAL for the 10M-row load; the data is throwaway.
CREATE UNLOGGED TABLE events (
  event_id   bigint   NOT NULL,
  user_id    int      NOT NULL,
  event_type smallint NOT NULL
);

INSERT INTO events (event_id, user_id, event_type)
SELECT g,
       (((g * 2654435761) % :n_users) * 7919 % (10 * :n_users))::int,
       (g % 7)::smallint
FROM generate_series(1, :n_rows) AS g;
