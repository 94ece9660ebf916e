-- B3 data: 1,000 sets of 10k ids each, ids uniform in [0, 10M) (x :scale
-- for the set size), stored both as int[] and as rbitmap (same content:
-- users = rb_build(ids); an array may hold a rare duplicate id, which both
-- count(DISTINCT) and the bitmap collapse).
\set ON_ERROR_STOP on
SELECT greatest(1, (10000 * :scale)::int) AS set_size \gset

DROP TABLE IF EXISTS id_sets;
CREATE UNLOGGED TABLE id_sets (
  set_id int PRIMARY KEY,
  ids    int[]   NOT NULL,
  users  rbitmap NOT NULL
);

INSERT INTO id_sets (set_id, ids, users)
SELECT s, ids, rb_build(ids)
FROM (
  SELECT s, array_agg(((hashint8(s::bigint * 1000003 + i) & 2147483647) % 10000000)::int
                      ORDER BY i) AS ids
  FROM generate_series(1, 1000) AS s
       CROSS JOIN generate_series(1, :set_size) AS i
  GROUP BY s
) AS per_set;
