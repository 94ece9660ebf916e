-- Customer data layer (version 1.4). Part 1 runs the worked CRM example of
-- docs/customer-data.md statement by statement; part 2 checks bad input.

-- ============================================================ part 1: the example
-- 1. The raw data: login events (device -> login) and the CRM.
CREATE TABLE logins (ts timestamptz, device_id text, login_id text);
INSERT INTO logins VALUES
  ('2026-03-01 09:00+00', 'dev:a1', 'u:alice'),
  ('2026-03-01 12:00+00', 'dev:a2', 'u:alice'),
  ('2026-03-02 08:30+00', 'dev:b1', 'u:bob'),
  ('2026-03-02 10:00+00', 'dev:c1', NULL),        -- anonymous visit
  ('2026-03-03 19:00+00', 'dev:s1', 'u:sam'),
  ('2026-03-04 19:05+00', 'dev:s1', 'u:sam');     -- duplicate edge
CREATE TABLE crm (crm_id int PRIMARY KEY, login_id text, email text, city text,
                  lifetime_value numeric, churned boolean);
INSERT INTO crm VALUES
  (101, 'u:alice', 'alice@example.com', 'beijing',  5200, false),
  (102, 'u:bob',   'bob@example.com',   'shanghai',  800, false),
  (103, 'u:carol', 'carol@example.com', 'beijing',  9100, true),
  (104, 'u:sam',   'sam@example.com',   'shanghai', 12000, false);

-- 2. The identity graph: every pair of identifiers seen together is an edge.
CREATE VIEW identity_edges AS
  SELECT device_id AS a, login_id AS b FROM logins
  UNION ALL SELECT 'crm:' || crm_id, login_id FROM crm
  UNION ALL SELECT 'crm:' || crm_id, 'email:' || email FROM crm;

CREATE TABLE identity_map AS
  SELECT * FROM cdp_resolve_identities('SELECT a, b FROM identity_edges');
ALTER TABLE identity_map ADD PRIMARY KEY (id);
SELECT person_id, array_agg(id ORDER BY id) AS identifiers
FROM identity_map GROUP BY person_id ORDER BY person_id;

-- person ids are dense ids: the external id of a person id is one of its identifiers
SELECT person_id, cdp_external_id(person_id::int) AS representative
FROM identity_map GROUP BY person_id ORDER BY person_id;

-- 3. Tags from SQL rules, over person ids.
CREATE VIEW customers AS
  SELECT c.*, m.person_id::int AS person FROM crm c JOIN identity_map m ON m.id = 'crm:' || c.crm_id;
SELECT cdp_tag_set('vip',      (SELECT rb_build_agg(person) FROM customers WHERE lifetime_value >= 5000));
SELECT cdp_tag_set('beijing',  (SELECT rb_build_agg(person) FROM customers WHERE city = 'beijing'));
SELECT cdp_tag_set('shanghai', (SELECT rb_build_agg(person) FROM customers WHERE city = 'shanghai'));
SELECT cdp_tag_set('churned',  (SELECT rb_build_agg(person) FROM customers WHERE churned));
SELECT cdp_tag_set('web visitor', (SELECT rb_build_agg(person_id::int) FROM identity_map WHERE id LIKE 'dev:%'));
-- add and remove users by dense id, in bulk
SELECT cdp_tag_add('newsletter', ARRAY[2, 3, 4]), cdp_tag_remove('newsletter', ARRAY[3]);
SELECT tag, users, rb_cardinality(users) FROM cdp_tags ORDER BY tag;

-- 4. An audience: VIPs in Beijing or Shanghai who have not churned.
SELECT cdp_audience('vip & (beijing | shanghai) - churned') AS audience;
SELECT cdp_audience('"web visitor" - newsletter') AS audience;

-- 5. Incremental refresh: Bob logs in on the anonymous device dev:c1, and a
--    new device links Sam to a second account "u:samuel".
INSERT INTO logins VALUES ('2026-03-05 09:00+00', 'dev:c1', 'u:bob'),
                          ('2026-03-05 10:00+00', 'dev:s9', 'u:samuel'),
                          ('2026-03-05 10:01+00', 'dev:s9', 'u:sam');
CREATE TEMP TABLE resolved AS
  SELECT * FROM cdp_resolve_identities('SELECT a, b FROM identity_edges');
-- persons that merged into another one (the smaller person id survives)
CREATE TEMP TABLE merges AS
  SELECT DISTINCT m.person_id AS old_person, r.person_id AS new_person
  FROM identity_map m JOIN resolved r USING (id) WHERE m.person_id <> r.person_id;
SELECT * FROM merges ORDER BY old_person;
INSERT INTO identity_map AS m SELECT * FROM resolved
ON CONFLICT (id) DO UPDATE SET person_id = EXCLUDED.person_id
  WHERE m.person_id <> EXCLUDED.person_id;
-- move the tag memberships of merged persons to the surviving person id
UPDATE cdp_tags t SET users = t.users - g.olds | g.news
FROM (SELECT t2.tag, rb_build_agg(old_person::int) AS olds, rb_build_agg(new_person::int) AS news
      FROM cdp_tags t2 JOIN merges ON t2.users @> old_person::int GROUP BY t2.tag) g
WHERE g.tag = t.tag;
SELECT person_id, array_agg(id ORDER BY id) AS identifiers
FROM identity_map GROUP BY person_id ORDER BY person_id;
SELECT tag, users FROM cdp_tags ORDER BY tag;

-- 6. Export an audience's CRM ids page by page (2 per page).
SELECT page, array_agg(c.crm_id ORDER BY c.crm_id) AS crm_ids
FROM generate_series(0, 1) page,
     LATERAL unnest(rb_to_array(rb_select(cdp_audience('vip | shanghai'), 2, page * 2))) p(person)
     JOIN customers c USING (person)
GROUP BY page ORDER BY page;

-- 7. One user's tags, found from any of their identifiers.
SELECT cdp_user_tags(person_id::int) FROM identity_map WHERE id = 'email:sam@example.com';
SELECT cdp_user_tags(person_id::int) FROM identity_map WHERE id = 'dev:c1';  -- now Bob

-- 8. Bulk dense ids (e.g. when loading another system's ids) and back.
SELECT cdp_dense_ids(ARRAY['ext:9', 'ext:7', NULL, 'ext:9', 'u:alice']) AS ids;
SELECT cdp_external_ids(cdp_dense_ids(ARRAY['ext:9', 'ext:7', NULL, 'ext:9', 'u:alice'])) AS back;

-- ============================================================ part 2: bad input
-- runs a statement, returns its SQLSTATE and message (or 'ok')
CREATE FUNCTION cdl_err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- the edges query must return two text columns
SELECT cdl_err($q$SELECT * FROM cdp_resolve_identities('SELECT 1, 2')$q$);
SELECT cdl_err($q$SELECT * FROM cdp_resolve_identities('SELECT a FROM identity_edges')$q$);
SELECT cdl_err($q$SELECT * FROM cdp_resolve_identities('SELECT a, b, a FROM identity_edges')$q$);
SELECT cdl_err($q$SELECT * FROM cdp_resolve_identities('SELECT nonsense')$q$);
-- an error inside the edges query: nothing is written (no dense ids created)
SELECT cdl_err($q$SELECT * FROM cdp_resolve_identities('SELECT ''boom:'' || x, (1 / (x - 3))::text FROM generate_series(1, 5) x')$q$);
SELECT count(*) FROM cdp_dense_ids WHERE external_id LIKE 'boom:%';
SELECT * FROM cdp_resolve_identities(NULL);
-- NULL and empty identifiers are ignored, self-loops and duplicates are fine
SELECT id, person_id = cdp_dense_id(id) AS person_is_own_dense_id
FROM cdp_resolve_identities($$ SELECT * FROM (VALUES ('x:1', NULL), (NULL, NULL), ('', 'x:2'),
  ('x:3', 'x:3'), ('x:3', 'x:3'), (NULL, ''), ('x:4'::varchar, 'x:5'::varchar)) v $$)
ORDER BY id;
-- no rows at all
SELECT count(*) FROM cdp_resolve_identities('SELECT a, b FROM identity_edges WHERE false');
-- varchar and domains over text are accepted
CREATE DOMAIN cdp_test_ident AS varchar(20);
SELECT count(*) FROM cdp_resolve_identities($$ SELECT 'q:1'::cdp_test_ident, 'q:2'::cdp_test_ident $$);

-- malformed audience expressions: 22023 with the position
SELECT cdl_err($q$SELECT cdp_audience('')$q$);
SELECT cdl_err($q$SELECT cdp_audience('vip &')$q$);
SELECT cdl_err($q$SELECT cdp_audience('vip & | churned')$q$);
SELECT cdl_err($q$SELECT cdp_audience('(vip | beijing')$q$);
SELECT cdl_err($q$SELECT cdp_audience('vip) | beijing')$q$);
SELECT cdl_err($q$SELECT cdp_audience('vip beijing')$q$);
SELECT cdl_err($q$SELECT cdp_audience('"multi device')$q$);
SELECT cdl_err($q$SELECT cdp_audience('multi device')$q$);
-- two errors in full, with DETAIL and HINT
SELECT * FROM cdp_resolve_identities('SELECT 1, 2');
SELECT cdp_audience('vip & | churned');
-- unknown tag
SELECT cdl_err($q$SELECT cdp_audience('vip | "no such tag"')$q$);
SELECT cdp_audience(NULL) IS NULL AS null_in_null_out;
SELECT cdp_audience('"vip"') = cdp_tag_users('vip') AS quoted_same;
SELECT cdp_tag_users('no such tag') IS NULL AS unknown_is_null;
SELECT cdp_user_tags(999999) AS no_tags;
SELECT cdp_tag_remove('no such tag', '{1}'::rbitmap) IS NULL AS remove_unknown;
SELECT cdp_tag_remove('vip', ARRAY[999999]), cdp_tag_users('vip');

-- dense ids: empty external ids are refused, NULL in -> NULL out
SELECT cdl_err($q$SELECT cdp_dense_id('')$q$);
SELECT cdl_err($q$SELECT cdp_dense_ids(ARRAY['ok:1', ''])$q$);
SELECT cdp_dense_id(NULL) IS NULL AS null_id;
SELECT cdp_external_id(-7) IS NULL AS unknown_dense_id;
-- exhaustion of the 32-bit space: a clear error and nothing written
SELECT setval('cdp_dense_ids_id_seq', 2147483646);
SELECT cdp_dense_id('last:1');
SELECT cdl_err($q$SELECT cdp_dense_id('last:2')$q$);
SELECT cdl_err($q$SELECT cdp_dense_ids(ARRAY['last:1', 'last:3', 'last:4'])$q$);
SELECT cdp_dense_id('last:1') AS existing_ids_still_work;
SELECT count(*) FROM cdp_dense_ids WHERE external_id LIKE 'last:%';
DELETE FROM cdp_dense_ids WHERE external_id LIKE 'last:%';
SELECT setval('cdp_dense_ids_id_seq', (SELECT max(id) FROM cdp_dense_ids));

-- the extension's tables are dumped by pg_dump
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'cdp';

-- clean up (the tables keep their rows otherwise)
DROP VIEW customers, identity_edges;
DROP TABLE logins, crm, identity_map, resolved, merges;
DROP DOMAIN cdp_test_ident;
DROP FUNCTION cdl_err(text);
DELETE FROM cdp_tags;
DELETE FROM cdp_dense_ids;
