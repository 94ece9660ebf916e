-- make demo: sample CRM data and analyses with rbitmap user tags.
-- 200,000 users; tags derived from deterministic rules so the numbers can
-- be checked with plain SQL (which the demo also does).
\pset footer off
CREATE EXTENSION cdp;

-- A normalized (user_id, tag) table as a CRM keeps it.
CREATE TABLE user_tags (user_id int NOT NULL, tag text NOT NULL, PRIMARY KEY (tag, user_id));
INSERT INTO user_tags
SELECT u, t FROM generate_series(1, 200000) AS u,
LATERAL (VALUES
  (CASE WHEN u % 10 = 0 THEN 'vip' END),
  (CASE WHEN u % 3 = 0 THEN 'city:beijing' WHEN u % 3 = 1 THEN 'city:shanghai' ELSE 'city:shenzhen' END),
  (CASE WHEN u % 7 = 0 THEN 'churned' END),
  (CASE WHEN u % 2 = 0 THEN 'newsletter' END),
  (CASE WHEN u BETWEEN 150001 AND 200000 THEN 'signed_up_2026' END)
) AS v(t)
WHERE t IS NOT NULL;
ANALYZE user_tags;

-- One bitmap per tag.
CREATE TABLE tag_bitmaps (tag text PRIMARY KEY, users rbitmap NOT NULL);
INSERT INTO tag_bitmaps SELECT tag, rb_build_agg(user_id) FROM user_tags GROUP BY tag;

\echo
\echo '== Tags: size and storage (rows of user_tags vs one rbitmap per tag)'
SELECT tag, rb_cardinality(users) AS users, pg_size_pretty(pg_column_size(users)::bigint) AS bitmap_size,
       round(pg_column_size(users)::numeric / rb_cardinality(users), 3) AS bytes_per_user
FROM tag_bitmaps ORDER BY tag;

\echo
\echo '== Audience: VIP and in Beijing or Shanghai, but not churned'
SELECT rb_cardinality((vip.users & (bj.users | sh.users)) - ch.users) AS audience_size
FROM tag_bitmaps vip, tag_bitmaps bj, tag_bitmaps sh, tag_bitmaps ch
WHERE vip.tag = 'vip' AND bj.tag = 'city:beijing' AND sh.tag = 'city:shanghai' AND ch.tag = 'churned';

\echo '   ... the same audience with plain SQL on user_tags (must be equal):'
SELECT count(*) AS audience_size_plain_sql
FROM user_tags v
WHERE v.tag = 'vip'
  AND EXISTS (SELECT 1 FROM user_tags c WHERE c.user_id = v.user_id AND c.tag IN ('city:beijing', 'city:shanghai'))
  AND NOT EXISTS (SELECT 1 FROM user_tags c WHERE c.user_id = v.user_id AND c.tag = 'churned');

\echo
\echo '== First page (10 ids) of that audience, then the next page by keyset (range_start = last id + 1)'
WITH a AS (
  SELECT (vip.users & (bj.users | sh.users)) - ch.users AS users
  FROM tag_bitmaps vip, tag_bitmaps bj, tag_bitmaps sh, tag_bitmaps ch
  WHERE vip.tag = 'vip' AND bj.tag = 'city:beijing' AND sh.tag = 'city:shanghai' AND ch.tag = 'churned')
SELECT rb_to_array(rb_select(users, 10)) AS page_1,
       rb_to_array(rb_select(users, 10, 0, false, rb_max(rb_select(users, 10)) + 1)) AS page_2
FROM a;

\echo
\echo '== One user: which tags does user 420 have? (tag bitmaps @> id)'
SELECT string_agg(tag, ', ' ORDER BY tag) AS tags_of_user_420 FROM tag_bitmaps WHERE users @> 420;

\echo
\echo '== Overlap between newsletter subscribers and VIPs'
SELECT rb_and_cardinality(n.users, v.users) AS both,
       round(rb_jaccard_index(n.users, v.users)::numeric, 4) AS jaccard
FROM tag_bitmaps n, tag_bitmaps v WHERE n.tag = 'newsletter' AND v.tag = 'vip';

\echo
\echo '== Users with at least one tag, and users in every city (rb_or_agg / rb_and_agg over tags)'
SELECT (SELECT rb_cardinality(rb_or_agg(users)) FROM tag_bitmaps) AS tagged_users,
       (SELECT rb_cardinality(rb_and_agg(users)) FROM tag_bitmaps WHERE tag LIKE 'city:%') AS in_all_cities;

\echo
\echo '== Per-city new sign-ups of 2026 that are not VIP (GROUP BY over bitmaps)'
SELECT c.tag AS city, rb_cardinality((c.users & s.users) - v.users) AS new_non_vip
FROM tag_bitmaps c, tag_bitmaps s, tag_bitmaps v
WHERE c.tag LIKE 'city:%' AND s.tag = 'signed_up_2026' AND v.tag = 'vip'
ORDER BY city;

\echo
\echo '== Exact distinct users per tag computed in parallel from raw rows (rb_build_agg vs count(DISTINCT))'
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SELECT rb_cardinality(rb_build_agg(user_id)) AS distinct_users_rbitmap, count(DISTINCT user_id) AS distinct_users_sql
FROM user_tags;
