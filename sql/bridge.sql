--
-- The C++/PostgreSQL bridge (include/cdp/pg/bridge.h): every C++ exception
-- becomes a clean SQL error with the right SQLSTATE, a PostgreSQL error
-- raised while C++ objects are alive comes back unchanged, the session and
-- the transaction machinery keep working, and no C++ object owned by a
-- memory context outlives its context (cdp_test_live_objects() drops back
-- to 0), also when an aggregate or a window query fails half-way.
--
SET client_min_messages = notice;
SET cdp.rbitmap_output = 'array';
-- Test hooks: exported by the library, not installed by CREATE EXTENSION.
CREATE FUNCTION cdp_test_raise(text) RETURNS text
  AS '$libdir/cdp', 'cdp_test_raise' LANGUAGE C STRICT;
CREATE FUNCTION cdp_test_live_objects() RETURNS bigint
  AS '$libdir/cdp', 'cdp_test_live_objects' LANGUAGE C STRICT;
SELECT cdp_test_raise('none');
SELECT cdp_test_raise(NULL) IS NULL AS strict_null;
SELECT cdp_test_live_objects();

-- Each kind of error, as psql shows it; the session goes on after each.
SELECT cdp_test_raise('core');
SELECT cdp_test_raise('none');
SELECT cdp_test_raise('pg');
SELECT cdp_test_raise('none');
SELECT cdp_test_raise('bad_alloc');
SELECT cdp_test_raise('none');
SELECT cdp_test_raise('std');
SELECT cdp_test_raise('none');
SELECT cdp_test_raise('unknown');
SELECT cdp_test_raise('none');
SELECT cdp_test_raise('context');
SELECT cdp_test_live_objects();
SELECT cdp_test_raise('no such kind');
SELECT cdp_test_raise('none');

-- The SQLSTATE, message, detail and hint of each, caught in PL/pgSQL (each
-- catch is a subtransaction rollback); live objects after each catch.
DO $$
DECLARE
  kind text;
  st text;
  msg text;
  det text;
  hnt text;
BEGIN
  FOREACH kind IN ARRAY ARRAY['none', 'core', 'pg', 'bad_alloc', 'std',
                              'unknown', 'context', 'bogus'] LOOP
    BEGIN
      RAISE NOTICE '%: returned %', kind, cdp_test_raise(kind);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                              det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
      RAISE NOTICE '%: SQLSTATE % message [%] detail [%] hint [%]',
        kind, st, msg, det, hnt;
    END;
    RAISE NOTICE '%: live objects %', kind, cdp_test_live_objects();
  END LOOP;
END
$$;

-- The error class is usable in handlers: 22012 is division_by_zero.
DO $$
BEGIN
  PERFORM cdp_test_raise('pg');
EXCEPTION WHEN division_by_zero THEN
  RAISE NOTICE 'caught division_by_zero from the reverse guard';
END
$$;

-- An error inside a transaction block aborts it; ROLLBACK undoes the work.
CREATE TABLE bridge_t (id int, b rbitmap);
BEGIN;
INSERT INTO bridge_t VALUES (1, '{1,2,3}');
SELECT cdp_test_raise('core');
SELECT 1;
ROLLBACK;
SELECT count(*) FROM bridge_t;

-- A savepoint recovers from each kind of error; the work before it stays.
BEGIN;
INSERT INTO bridge_t VALUES (1, '{1,2,3}');
SAVEPOINT s1;
INSERT INTO bridge_t VALUES (2, '{4}');
SELECT cdp_test_raise('std');
ROLLBACK TO SAVEPOINT s1;
INSERT INTO bridge_t VALUES (3, '{5}');
SAVEPOINT s2;
SELECT cdp_test_raise('pg');
ROLLBACK TO SAVEPOINT s2;
SAVEPOINT s3;
INSERT INTO bridge_t VALUES (4, '{1,,2}');
ROLLBACK TO SAVEPOINT s3;
SAVEPOINT s4;
SELECT cdp_test_raise('context');
ROLLBACK TO SAVEPOINT s4;
SELECT cdp_test_live_objects();
UPDATE bridge_t SET b = b | 9 WHERE id = 3;
COMMIT;
SELECT id, b FROM bridge_t ORDER BY id;
SELECT cdp_test_live_objects();

-- Positive control: objects are counted while they are alive. A cursor
-- keeps rb_iterate's state (one object) until it is closed.
BEGIN;
DECLARE c CURSOR FOR SELECT rb_iterate('{7,8,9}'::rbitmap);
FETCH 2 FROM c;
SELECT cdp_test_live_objects();
FETCH ALL FROM c;
CLOSE c;
SELECT cdp_test_live_objects();
-- an SRF stopped early by LIMIT
SELECT rb_iterate('{7,8,9}'::rbitmap) LIMIT 1;
SELECT cdp_test_live_objects();
-- a running window aggregate: its state is alive between fetches
DECLARE w CURSOR FOR
  SELECT g, rb_build_agg(g) OVER (ORDER BY g) FROM generate_series(1, 4) g;
FETCH 2 FROM w;
SELECT cdp_test_live_objects();
CLOSE w;
SELECT cdp_test_live_objects();
COMMIT;

-- An aggregate that fails half-way: the states already built are freed.
SELECT rb_build_agg(CASE WHEN g = 5000 THEN 1/(g-g) ELSE g END)
  FROM generate_series(1, 10000) g;
SELECT cdp_test_live_objects();
-- a hashed GROUP BY holding 100 states when it fails
SELECT g % 100 AS k, rb_or_agg(rb_build(ARRAY[g, CASE WHEN g = 9000 THEN 1/(g-g) ELSE g END]))
  FROM generate_series(1, 10000) g GROUP BY 1;
SELECT cdp_test_live_objects();
-- the same aggregates that succeed leave nothing behind either
SELECT rb_cardinality(rb_build_agg(g)) FROM generate_series(1, 10000) g;
SELECT count(*), sum(rb_cardinality(b)) FROM (
  SELECT g % 100 AS k, rb_or_agg(rb_build(ARRAY[g])) AS b
    FROM generate_series(1, 10000) g GROUP BY 1) s;
SELECT cdp_test_live_objects();

-- Window queries with rb_or_agg that fail half-way: running frame and a
-- sliding ROWS frame (which restarts the aggregate on every row).
SELECT g, rb_or_agg(rb_build(ARRAY[10 / (g - 7)])) OVER (ORDER BY g)
  FROM generate_series(1, 10) g;
SELECT cdp_test_live_objects();
SELECT g, rb_or_agg(rb_build(ARRAY[10 / (g - 7)]))
         OVER (ORDER BY g ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
  FROM generate_series(1, 10) g;
SELECT cdp_test_live_objects();
-- the failing row inside a transaction, recovered by a savepoint
BEGIN;
SAVEPOINT w1;
SELECT g, rb_or_cardinality_agg(rb_build(ARRAY[g, 100 / (g - 3)])) OVER (ORDER BY g)
  FROM generate_series(1, 5) g;
ROLLBACK TO SAVEPOINT w1;
SELECT g, rb_or_cardinality_agg(rb_build(ARRAY[g, 100 / (g + 3)])) OVER (ORDER BY g)
  FROM generate_series(1, 5) g;
COMMIT;
SELECT cdp_test_live_objects();

-- An error raised by PostgreSQL inside an rbitmap function's argument
-- evaluation, and by the rbitmap code itself, in the same statement.
SELECT rb_or(rb_build(ARRAY[1]), rb_build(ARRAY[1/0]));
SELECT rb_build(ARRAY[1, NULL]);
SELECT cdp_test_live_objects();

-- Errors raised inside parallel workers (the C++ one included) reach the
-- leader as clean errors (CONTEXT, naming the process, is not shown).
CREATE TABLE bridge_big AS SELECT g FROM generate_series(1, 20000) g;
ANALYZE bridge_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT rb_or_agg(rb_build(ARRAY[g])) FROM bridge_big;
\set SHOW_CONTEXT never
SELECT rb_build_agg(CASE WHEN g = 15000 THEN 1/(g-g) ELSE g END) FROM bridge_big;
SELECT rb_or_agg(rb_build(ARRAY[g, CASE WHEN g = 15000 THEN NULL ELSE g END])) FROM bridge_big;
\set SHOW_CONTEXT errors
SELECT cdp_test_live_objects();
SELECT rb_cardinality(rb_or_agg(rb_build(ARRAY[g]))) FROM bridge_big;
SELECT cdp_test_live_objects();
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

DROP TABLE bridge_t, bridge_big;
DROP FUNCTION cdp_test_raise(text);
DROP FUNCTION cdp_test_live_objects();
