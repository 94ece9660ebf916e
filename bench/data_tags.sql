-- B2 data: four user tags over a universe of 10M user ids (x :scale),
-- stored twice with the same content:
--   user_tags(tag, user_id)    normalized, primary key (tag, user_id)
--   tag_bitmaps(tag, users)    one rbitmap per tag, built from user_tags
--                              with rb_build_agg
-- Tag shares of the universe: A 50%, B 30%, C 10%, D 20%
-- (5M, 3M, 1M and 2M users). Membership is decided by hashint8 of
-- (user, tag), so it is deterministic and the tags are independent.
\set ON_ERROR_STOP on
SELECT (10000000 * :scale)::bigint AS n_ids \gset
SET maintenance_work_mem = '1GB';

DROP TABLE IF EXISTS user_tags;
DROP TABLE IF EXISTS tag_bitmaps;

CREATE UNLOGGED TABLE user_tags (
  tag     text NOT NULL,
  user_id int  NOT NULL
);

-- No ORDER BY: rows land in the order of the plan (by user id, the tags of
-- one user together). After VACUUM the plain-SQL baselines read the primary
-- key with index-only scans, which do not depend on the heap order.
INSERT INTO user_tags (tag, user_id)
SELECT t.tag, u::int
FROM (VALUES ('A', 500000, 1), ('B', 300000, 2), ('C', 100000, 3), ('D', 200000, 4))
       AS t(tag, per_million, salt)
     CROSS JOIN generate_series(0, :n_ids - 1) AS u
WHERE (hashint8(u * 8 + t.salt) & 2147483647) % 1000000 < t.per_million;

ALTER TABLE user_tags ADD PRIMARY KEY (tag, user_id);

CREATE UNLOGGED TABLE tag_bitmaps (
  tag   text PRIMARY KEY,
  users rbitmap NOT NULL
);

INSERT INTO tag_bitmaps (tag, users)
SELECT tag, rb_build_agg(user_id) FROM user_tags GROUP BY tag;
