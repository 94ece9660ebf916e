--
-- The extension as a whole: every member object carries a COMMENT, the
-- extension is relocatable, and DROP EXTENSION / CREATE EXTENSION work
-- (in a scratch database, so that the test database keeps its extension).
--
SET client_min_messages = notice;
SET cdp.rbitmap_output = 'array';

-- members of the extension without a comment: none
SELECT pg_describe_object(d.classid, d.objid, 0) AS object_without_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp')
   AND d.deptype = 'e'
   AND NOT EXISTS (SELECT 1 FROM pg_description c
                    WHERE c.classoid = d.classid AND c.objoid = d.objid AND c.objsubid = 0)
 ORDER BY 1;
-- (the check above covers every kind of member)
SELECT c AS catalog,
       EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = c AND d.refclassid = 'pg_extension'::regclass
                  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp')
                  AND d.deptype = 'e') AS has_members
  FROM unnest(ARRAY['pg_type', 'pg_proc', 'pg_operator', 'pg_cast',
                    'pg_opclass', 'pg_opfamily']::regclass[]) c;
SELECT obj_description(oid, 'pg_extension') IS NOT NULL AS extension_comment
  FROM pg_extension WHERE extname = 'cdp';

---------------------------------------------------------------- relocatable
CREATE SCHEMA cdp_moved;
ALTER EXTENSION cdp SET SCHEMA cdp_moved;
SELECT e.extnamespace::regnamespace AS schema FROM pg_extension e WHERE e.extname = 'cdp';
-- every member that lives in a schema moved (casts have no schema)
SELECT count(*) FILTER (WHERE o.schema IS DISTINCT FROM 'cdp_moved' AND o.schema IS NOT NULL) AS not_moved,
       count(*) FILTER (WHERE o.schema = 'cdp_moved') > 0 AS some_moved
  FROM pg_depend d, LATERAL pg_identify_object(d.classid, d.objid, 0) o
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp')
   AND d.deptype = 'e';
SELECT typnamespace::regnamespace AS array_type_schema FROM pg_type WHERE typname = '_rbitmap';
SELECT '{1,2}'::rbitmap;
SELECT cdp_moved.rb_cardinality('{1,2,3}'::cdp_moved.rbitmap) AS n,
       '{1}'::cdp_moved.rbitmap OPERATOR(cdp_moved.|) '{2}'::cdp_moved.rbitmap AS u;
SET search_path = cdp_moved, public;
SELECT rb_or_agg(b) AS agg, rb_cardinality(rb_build_agg(g)) AS n
  FROM (SELECT g, rb_build(ARRAY[g]) AS b FROM generate_series(1, 3) g) s;
SELECT '{3,1}'::rbitmap | 2 AS op, '{1,2}'::rbitmap = '{2,1}' AS eq,
       '{-1}'::rbitmap::bytea::rbitmap AS via_bytea;
SELECT count(DISTINCT b) AS distinct_sets, count(*) AS rows
  FROM (VALUES ('{1}'::rbitmap), (rb_runoptimize('{1}')), ('{2}')) v(b);
RESET search_path;
ALTER EXTENSION cdp SET SCHEMA public;
DROP SCHEMA cdp_moved;
SELECT e.extnamespace::regnamespace AS schema FROM pg_extension e WHERE e.extname = 'cdp';
SELECT '{2,1}'::rbitmap AS back_home, rb_cardinality('{5}') AS n;

---------------------------------------------------------------- drop and create
SELECT current_database() AS regress_db \gset
CREATE DATABASE cdp_ext_scratch;
\c cdp_ext_scratch
SET client_min_messages = notice;
CREATE EXTENSION cdp;
CREATE EXTENSION cdp;
SELECT '{1,2}'::rbitmap AS fresh;
CREATE TABLE uses_rbitmap (b rbitmap);
DROP EXTENSION cdp;
DROP TABLE uses_rbitmap;
DROP EXTENSION cdp;
-- nothing is left behind
SELECT (SELECT count(*) FROM pg_type WHERE typname IN ('rbitmap', '_rbitmap')) AS types,
       (SELECT count(*) FROM pg_proc WHERE probin = '$libdir/cdp') AS functions,
       (SELECT count(*) FROM pg_opclass WHERE opcname = 'rbitmap_ops') AS opclasses,
       (SELECT count(*) FROM pg_opfamily WHERE opfname = 'rbitmap_ops') AS opfamilies;
SELECT '{1}'::rbitmap;
-- into a chosen schema, then again into the default one
CREATE SCHEMA cdp_s;
CREATE EXTENSION cdp SCHEMA cdp_s;
SELECT e.extnamespace::regnamespace AS schema FROM pg_extension e WHERE e.extname = 'cdp';
SELECT cdp_s.rb_to_array('{3,-1,1}'::cdp_s.rbitmap) AS arr;
DROP EXTENSION cdp;
CREATE EXTENSION cdp;
SELECT rb_cardinality(rb_build_agg(g)) AS n FROM generate_series(1, 1000) g;
-- the objects of a fresh install (1.0 + the update scripts) ...
CREATE TABLE fresh_objects AS
SELECT pg_describe_object(classid, objid, 0) AS obj FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp');
DROP EXTENSION cdp;
-- ... are those of 1.0 updated step by step to the default version
CREATE EXTENSION cdp VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'cdp';
SELECT to_regproc('window_funnel') IS NULL AS no_funnels_in_1_0;
ALTER EXTENSION cdp UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'cdp') AS updated
  FROM pg_extension WHERE extname = 'cdp';
SELECT (SELECT count(*) FROM fresh_objects) > 0 AS some_objects,
       (SELECT count(*) FROM (SELECT pg_describe_object(classid, objid, 0) FROM pg_depend
                                WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
                                  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp')
                              EXCEPT SELECT obj FROM fresh_objects) d) AS only_after_update,
       (SELECT count(*) FROM (SELECT obj FROM fresh_objects
                              EXCEPT SELECT pg_describe_object(classid, objid, 0) FROM pg_depend
                                WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
                                  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cdp')) d) AS only_in_fresh;
SELECT window_funnel(interval '1 day', now(), true) AS updated_works;
\c :regress_db
DROP DATABASE cdp_ext_scratch;
SELECT rb_cardinality('{1,2,3}') AS still_here;

---------------------------------------------------------------- settings
SHOW cdp.malloc_tuning;
SET cdp.malloc_tuning = off;
SELECT rb_cardinality(rb_build_agg(g)) AS n FROM generate_series(1, 100000) g;
SET cdp.malloc_tuning = on;
SELECT rb_cardinality(rb_build_agg(g)) AS n FROM generate_series(1, 100000) g;
SET cdp.malloc_tuning = maybe;
RESET cdp.malloc_tuning;
SHOW cdp.malloc_tuning;
