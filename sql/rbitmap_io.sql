--
-- rbitmap input and output: the {1,2,3} text form, the \x hex form of the
-- portable Roaring serialization (cdp.rbitmap_output), bytea casts, binary
-- COPY (send/recv), and full validation of every byte string from outside.
-- Every hex string below was written by hand from the format spec in
-- include/cdp/core/portable_format.h (little endian; cookie 12346 = 3a30,
-- 12347 = 3b30).
--
SET cdp.rbitmap_output = 'array';
SET bytea_output = 'hex';
SET client_min_messages = notice;

-- helpers: the value as text, or the SQLSTATE and DETAIL of the error
CREATE FUNCTION pg_temp.text_in(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
  RETURN t::rbitmap::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
  RETURN 'ERROR ' || st || ': ' || det;
END $$;
CREATE FUNCTION pg_temp.bytes_in(h text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
  RETURN decode(h, 'hex')::rbitmap::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
  RETURN 'ERROR ' || st || ': ' || det;
END $$;

---------------------------------------------------------------- text form
SELECT '{}'::rbitmap AS empty, '{1,2,3}'::rbitmap AS small;
SELECT t AS input, t::rbitmap AS value, rb_cardinality(t::rbitmap) AS n
FROM (VALUES
  ('{}'),
  ('{ }'),
  ('{1,2,3}'),
  ('{3,1,2,3,1}'),
  ('  { 3 , 2 ,1 }  '),
  ('{+5}'),
  ('{-0,007}'),
  ('{-1,2,555555,-4}'),
  ('{0,2147483647,-2147483648,-1}'),
  ('{-2147483648,2147483647}'),
  ('{131072,65536,65535,131071}')
) v(t);
SELECT E'{\t1,\n 2 }'::rbitmap AS tabs_and_newlines;
SELECT NULL::rbitmap IS NULL AS null_in;

-- out of the int4 range, and malformed text: 22P02 with a DETAIL saying where
SELECT '{4294967295}'::rbitmap;
SELECT '{1 2}'::rbitmap;
SELECT ''::rbitmap;
SELECT '\x3a30'::rbitmap;
\set VERBOSITY sqlstate
SELECT '{2147483648}'::rbitmap;
SELECT '{1,}'::rbitmap;
SELECT '\xzz'::rbitmap;
SELECT '\x3a30'::bytea::rbitmap;
\set VERBOSITY default
SELECT t AS input, pg_temp.text_in(t) AS result
FROM (VALUES
  ('{4294967295}'),
  ('{2147483648}'),
  ('{-2147483649}'),
  ('{99999999999999999999}'),
  ('1,2'),
  ('{1,,2}'),
  ('  {1,,2}'),
  ('{ 1 , , 2}'),
  ('{1,}'),
  ('{,}'),
  ('{a}'),
  ('{+-5}'),
  ('{1.5}'),
  ('{0x10}'),
  ('{1 2}'),
  ('{1}}'),
  ('{1}{2}'),
  ('{1,2,3'),
  ('{1}x'),
  (''),
  ('{'),
  ('}'),
  ('\x'),
  ('\x1'),
  ('\xzz'),
  ('\x3a3000000')
) v(t);

---------------------------------------------------------------- \x form
SHOW cdp.rbitmap_output;
SET cdp.rbitmap_output = 'binary';
SHOW cdp.rbitmap_output;
SELECT t AS input, t::rbitmap AS value
FROM (VALUES
  ('{}'),
  ('{1,10,100}'),
  ('{1,2,3}'),
  ('{-1}'),
  ('{65535,65536}'),
  ('{0,65536,131072,-1}')
) v(t);
-- run containers: {1,2,3} is smaller as one run (2+4 bytes < 2+6); {1,2}
-- is not (6 bytes either way), so it stays an array container
SELECT rb_runoptimize('{1,2,3}') AS run, rb_runoptimize('{1,2}') AS array_kept;
-- input accepts both forms whatever the setting
SELECT '\x3a300000010000000000020010000000010002000300'::rbitmap AS hex_in,
       '{3,2,1}'::rbitmap AS array_in;
SELECT NULL::rbitmap AS null_out;
SET cdp.rbitmap_output = 'hex';
RESET cdp.rbitmap_output;
SHOW cdp.rbitmap_output;
SELECT t AS input, t::rbitmap AS value
FROM (VALUES
  ('\x3a30000000000000'),
  ('  \x3a30000000000000  '),
  ('\x3a300000010000000000020010000000010002000300'),
  ('\X3A30000001000000FFFF000010000000FFFF'),
  ('\x3a300000020000000000000001000000180000001a000000ffff0000'),
  ('\x3b3000000100000200010001000200'),
  ('\x3b3003000f00000200010002000200020003000200'
   '250000002b0000003100000037000000'
   '010001000200010001000200010001000200010001000200')
) v(t);

---------------------------------------------------------------- bytea casts
SELECT '{1,10,100}'::rbitmap::bytea;
SELECT '\x3a30000001000000000002001000000001000a006400'::bytea::rbitmap;
SELECT '{}'::rbitmap::bytea AS empty, rb_runoptimize('{1,2,3}')::bytea AS run;
-- bytes are stored as received: a valid run-format cookie with no run
-- container keeps its bytes through the casts, and still equals {1,10,100}
SELECT b::bytea AS stored, b AS value, b = '{1,10,100}' AS equal
  FROM (SELECT '\x3b300000000000020001000a006400'::bytea::rbitmap AS b) s;

---------------------------------------------------------------- round trips
CREATE TABLE io_src (id int PRIMARY KEY, b rbitmap);
INSERT INTO io_src VALUES
  (1, '{}'),
  (2, '{1,10,100}'),
  (3, '{0,65535,65536,131071,131072,2147483647,-2147483648,-1}'),
  (4, rb_fill('{}', 0, 100000)),
  (5, rb_build(ARRAY(SELECT generate_series(0, 65535, 2)))),
  (6, rb_runoptimize(rb_build(ARRAY(SELECT generate_series(1000, 1999))))),
  (7, rb_build(ARRAY(SELECT -g FROM generate_series(1, 5000) g))),
  (8, NULL);
-- sizes from the format: 8 bytes empty; 16 + 2 per value for one array
-- container; 8 + 8 per container + 2 per value; 16 + 8192 for a bitset;
-- 4 + 1 + 4 + 2 + 4 for one run container without offsets
SELECT id, rb_cardinality(b) AS n, octet_length(b::bytea) AS bytes
  FROM io_src WHERE id <> 4 ORDER BY id;
-- text -> binary text -> rbitmap, and bytea -> rbitmap
SET cdp.rbitmap_output = 'binary';
CREATE TEMP TABLE io_hex AS SELECT id, b::text AS t FROM io_src;
RESET cdp.rbitmap_output;
CREATE TEMP TABLE io_arr AS SELECT id, b::text AS t FROM io_src;
SELECT s.id, left(h.t, 2) AS hex_prefix,
       h.t::rbitmap = s.b AS hex_same,
       h.t::rbitmap::bytea = s.b::bytea AS hex_same_bytes,
       length(h.t) = 2 + 2 * octet_length(s.b::bytea) AS hex_length,
       a.t::rbitmap = s.b AS array_same,
       s.b::bytea::rbitmap = s.b AS bytea_same,
       rb_cardinality(a.t::rbitmap) AS n
  FROM io_src s JOIN io_hex h USING (id) JOIN io_arr a USING (id)
 ORDER BY s.id;
-- binary COPY (rbitmap_send / rbitmap_recv) to a file and back
SELECT '/tmp/cdp_regress_rbitmap_io_' || pg_backend_pid() || '.bin' AS copy_file \gset
COPY io_src TO :'copy_file' WITH (FORMAT binary);
CREATE TABLE io_copy (id int, b rbitmap);
COPY io_copy FROM :'copy_file' WITH (FORMAT binary);
SELECT s.id, c.b = s.b AS same, c.b::bytea = s.b::bytea AS same_bytes,
       rb_cardinality(c.b) AS n
  FROM io_src s JOIN io_copy c USING (id) ORDER BY s.id;
-- a text COPY written with the binary setting reads back with the array one
SET cdp.rbitmap_output = 'binary';
COPY io_src TO :'copy_file';
RESET cdp.rbitmap_output;
TRUNCATE io_copy;
COPY io_copy FROM :'copy_file';
SELECT count(*) AS rows, count(*) FILTER (WHERE c.b = s.b) AS same,
       count(*) FILTER (WHERE c.b IS NULL AND s.b IS NULL) AS both_null
  FROM io_src s JOIN io_copy c USING (id);
-- rbitmap_recv validates: bytes written as a bytea column, read as rbitmap
CREATE TABLE io_raw (id int, b bytea);
INSERT INTO io_raw VALUES (1, '\x3a30000001000000000002001000000001000a006400'),
                          (2, '\x3b3000000100000200010001000200');
COPY io_raw TO :'copy_file' WITH (FORMAT binary);
TRUNCATE io_copy;
COPY io_copy FROM :'copy_file' WITH (FORMAT binary);
SELECT id, b FROM io_copy ORDER BY id;
TRUNCATE io_raw;
INSERT INTO io_raw VALUES (1, '\x3a30000001000000000002001000000001000a006400'),
                          (2, '\x3a30000001000000000002001000000001000a00640000');
COPY io_raw TO :'copy_file' WITH (FORMAT binary);
COPY io_copy FROM :'copy_file' WITH (FORMAT binary);
TRUNCATE io_raw;
INSERT INTO io_raw VALUES (1, '\x3a30000001000000000002001000000001000a000100');
COPY io_raw TO :'copy_file' WITH (FORMAT binary);
COPY io_copy FROM :'copy_file' WITH (FORMAT binary);
SELECT count(*) FROM io_copy;
SELECT 'cat > /dev/null; rm -f ' || :'copy_file' AS rm_cmd \gset
COPY (SELECT 1) TO PROGRAM :'rm_cmd';

---------------------------------------------------------------- malformed bytes
-- the bytea cast, and the same bytes as \x text, must both reject them
SELECT '\x3a30000001000000000002001000000001000a00640000'::bytea::rbitmap;
SELECT '\x3b300000010000060002000100040003000100'::rbitmap;
SELECT label, pg_temp.bytes_in(h) AS result,
       pg_temp.bytes_in(h) = pg_temp.text_in('\x' || h) AS same_as_text
FROM (VALUES
  ('empty',                  '3a30000000000000'),
  ('one array',              '3a30000001000000000002001000000001000a006400'),
  ('one run',                '3b3000000100000200010001000200'),
  ('run cookie, no run',     '3b300000000000020001000a006400'),
  ('no bytes',               ''),
  ('cookie cut',             '3a30'),
  ('count missing',          '3a300000'),
  ('header missing',         '3a30000001000000'),
  ('header cut',             '3a300000010000000000'),
  ('offsets cut',            '3a300000010000000000020010'),
  ('array cut',              '3a30000001000000000002001000000001000a00'),
  ('trailing byte',          '3a30000001000000000002001000000001000a00640000'),
  ('empty, trailing byte',   '3a3000000000000000'),
  ('unknown cookie',         '3c30000001000000'),
  ('zero cookie',            '0000000000000000'),
  ('too many containers',    '3a30000001000100'),
  ('keys decreasing',        '3a300000020000000100000000000000180000001a00000000000000'),
  ('keys equal',             '3a300000020000000000000000000000180000001a00000001000200'),
  ('array unsorted',         '3a3000000100000000000200100000000a0001006400'),
  ('array unsorted 2',       '3a300000010000000000020010000000010064000a00'),
  ('array duplicate',        '3a300000010000000000020010000000010001006400'),
  ('offset wrong',           '3a30000001000000000002001100000001000a006400'),
  ('second offset wrong',    '3a300000020000000000000001000000180000001b00000000000000'),
  ('run flags missing',      '3b300000'),
  ('run flags past n',       '3b3000000300000200010001000200'),
  ('run count missing',      '3b3000000100000200'),
  ('run cut',                '3b300000010000020001000100'),
  ('run without runs',       '3b30000001000000000000'),
  ('runs overlapping',       '3b300000010000060002000100040003000100'),
  ('runs adjacent',          '3b300000010000060002000100040006000100'),
  ('runs unsorted',          '3b300000010000030002000a00010001000100'),
  ('run past 65535',         '3b3000000100001f000100f0ff1f00'),
  ('run cardinality wrong',  '3b3000000100000500010001000400'),
  ('65536 run containers',   '3b30ffff'),
  ('4 runs, no offsets',     '3b3003000f00000200010002000200020003000200'
                             '010001000200010001000200010001000200010001000200')
) v(label, h);
-- bitset containers (8192 bytes) built with repeat(): 1024 bytes of ff set
-- exactly the values 0..8191
SELECT rb_cardinality(b), rb_min(b), rb_max(b), b = rb_fill('{}', 0, 8192) AS is_0_to_8191
  FROM (SELECT decode('3a30000001000000' || '0000ff1f' || '10000000'
                      || repeat('ff', 1024) || repeat('00', 7168), 'hex')::rbitmap AS b) s;
SELECT label, pg_temp.bytes_in(h) AS result
FROM (VALUES
  ('bitset cut', '3a30000001000000' || '0000ff1f' || '10000000' || repeat('ff', 1024)),
  ('bitset, cardinality 8191 stored, 8192 bits set',
   '3a30000001000000' || '0000fe1f' || '10000000' || repeat('ff', 1024) || repeat('00', 7168)),
  ('bitset, one byte too many',
   '3a30000001000000' || '0000ff1f' || '10000000' || repeat('ff', 1024) || repeat('00', 7169))
) v(label, h);

---------------------------------------------------------------- huge values
-- the whole domain prints in binary: 65536 run containers of one run,
-- 4 + 8192 + 4 * 65536 + 4 * 65536 + 6 * 65536 = 925700 bytes
SET cdp.rbitmap_output = 'binary';
SELECT length(rb_fill('{}', 0, 4294967296)::text) AS hex_length;
RESET cdp.rbitmap_output;
-- its array text would exceed 1 GB: refused up front (2 bytes per element
-- at least), or after counting (11 characters and a comma per element)
SELECT rb_fill('{}', 0, 4294967296);
SELECT rb_fill('{}', 2147483648, 2347483648);

DROP TABLE io_src, io_copy, io_raw;
