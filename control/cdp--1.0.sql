-- cdp extension, version 1.0
\echo Use "CREATE EXTENSION cdp" to load this file. \quit

------------------------------------------------------------------------------
-- rbitmap: a compressed set of 32-bit ids (Roaring bitmap)
------------------------------------------------------------------------------

CREATE TYPE rbitmap;

CREATE FUNCTION rbitmap_in(cstring) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_in' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rbitmap_out(rbitmap) RETURNS cstring
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_out' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION rbitmap_recv(internal) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_recv' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rbitmap_send(rbitmap) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_send' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- STORAGE = external: Roaring containers are already compact, so TOAST
-- compression would cost time on every write and read for little gain.
CREATE TYPE rbitmap (
  INTERNALLENGTH = VARIABLE,
  INPUT = rbitmap_in,
  OUTPUT = rbitmap_out,
  RECEIVE = rbitmap_recv,
  SEND = rbitmap_send,
  STORAGE = external,
  ALIGNMENT = int4
);

COMMENT ON TYPE rbitmap IS 'Compressed set of 32-bit ids (Roaring bitmap); text form {1,2,3}, elements int4 in unsigned order';
COMMENT ON FUNCTION rbitmap_in(cstring) IS 'rbitmap text input: {1,2,3} or \x + hex of the portable Roaring format';
COMMENT ON FUNCTION rbitmap_out(rbitmap) IS 'rbitmap text output; form set by cdp.rbitmap_output (array | binary)';
COMMENT ON FUNCTION rbitmap_recv(internal) IS 'rbitmap binary input (portable Roaring format, validated)';
COMMENT ON FUNCTION rbitmap_send(rbitmap) IS 'rbitmap binary output (portable Roaring format)';

-- bytea casts: the portable Roaring serialization (validated on the way in)
CREATE FUNCTION rbitmap(bytea) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_from_bytea' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bytea(rbitmap) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_rbitmap_to_bytea' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE CAST (bytea AS rbitmap) WITH FUNCTION rbitmap(bytea);
CREATE CAST (rbitmap AS bytea) WITH FUNCTION bytea(rbitmap);
COMMENT ON FUNCTION rbitmap(bytea) IS 'rbitmap from its portable Roaring serialization (fully validated; 22P02 if malformed)';
COMMENT ON FUNCTION bytea(rbitmap) IS 'portable Roaring serialization of an rbitmap';
COMMENT ON CAST (bytea AS rbitmap) IS 'rbitmap from its portable Roaring serialization (fully validated)';
COMMENT ON CAST (rbitmap AS bytea) IS 'portable Roaring serialization of an rbitmap';

------------------------------------------------------------------------------
-- functions
------------------------------------------------------------------------------

CREATE FUNCTION rb_build(integer[]) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_build' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_build(integer[]) IS 'rbitmap holding the elements of an int array (any order, duplicates allowed, no NULLs)';

CREATE FUNCTION rb_to_array(rbitmap) RETURNS integer[]
  AS 'MODULE_PATHNAME', 'cdp_rb_to_array' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_to_array(rbitmap) IS 'elements as an int array, in unsigned order';

CREATE FUNCTION rb_iterate(rbitmap) RETURNS SETOF integer
  AS 'MODULE_PATHNAME', 'cdp_rb_iterate' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION rb_iterate(rbitmap) IS 'elements as a set of rows, in unsigned order';

CREATE FUNCTION rb_cardinality(rbitmap) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_cardinality(rbitmap) IS 'number of elements';

CREATE FUNCTION rb_is_empty(rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_is_empty' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_is_empty(rbitmap) IS 'true when the bitmap has no element';

CREATE FUNCTION rb_contains(rbitmap, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_contains_int' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_contains(rbitmap, integer) IS 'true when the element is in the bitmap';

CREATE FUNCTION rb_contains(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_contains' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_contains(rbitmap, rbitmap) IS 'true when every element of the second bitmap is in the first';

CREATE FUNCTION rb_containedby(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_containedby' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_containedby(rbitmap, rbitmap) IS 'true when every element of the first bitmap is in the second';

CREATE FUNCTION rb_containedby(integer, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_int_containedby' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_containedby(integer, rbitmap) IS 'true when the element is in the bitmap';

CREATE FUNCTION rb_intersect(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_intersect' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_intersect(rbitmap, rbitmap) IS 'true when the bitmaps share at least one element';

CREATE FUNCTION rb_and(rbitmap, rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_and' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_and(rbitmap, rbitmap) IS 'intersection';
CREATE FUNCTION rb_or(rbitmap, rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_or' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_or(rbitmap, rbitmap) IS 'union';
CREATE FUNCTION rb_xor(rbitmap, rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_xor' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_xor(rbitmap, rbitmap) IS 'symmetric difference';
CREATE FUNCTION rb_andnot(rbitmap, rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_andnot' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_andnot(rbitmap, rbitmap) IS 'difference: elements of the first bitmap not in the second';

CREATE FUNCTION rb_and_cardinality(rbitmap, rbitmap) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_and_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_and_cardinality(rbitmap, rbitmap) IS 'size of the intersection, without building it';
CREATE FUNCTION rb_or_cardinality(rbitmap, rbitmap) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_or_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_or_cardinality(rbitmap, rbitmap) IS 'size of the union, without building it';
CREATE FUNCTION rb_xor_cardinality(rbitmap, rbitmap) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_xor_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_xor_cardinality(rbitmap, rbitmap) IS 'size of the symmetric difference, without building it';
CREATE FUNCTION rb_andnot_cardinality(rbitmap, rbitmap) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_andnot_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_andnot_cardinality(rbitmap, rbitmap) IS 'size of the difference, without building it';

CREATE FUNCTION rb_jaccard_index(rbitmap, rbitmap) RETURNS double precision
  AS 'MODULE_PATHNAME', 'cdp_rb_jaccard_index' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_jaccard_index(rbitmap, rbitmap) IS 'Jaccard similarity |a & b| / |a | b|; 1 for two empty bitmaps';

CREATE FUNCTION rb_min(rbitmap) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_rb_min' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_min(rbitmap) IS 'smallest element in unsigned order (NULL when empty)';
CREATE FUNCTION rb_max(rbitmap) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_rb_max' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_max(rbitmap) IS 'largest element in unsigned order (NULL when empty)';

CREATE FUNCTION rb_rank(rbitmap, integer) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_rank' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_rank(rbitmap, integer) IS 'number of elements smaller than or equal to the value (unsigned order)';
CREATE FUNCTION rb_index(rbitmap, integer) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_index' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_index(rbitmap, integer) IS '0-based position of the element, -1 when absent';

CREATE FUNCTION rb_select(rbitmap, bitset_limit bigint, bitset_offset bigint DEFAULT 0,
                          reverse boolean DEFAULT false,
                          range_start bigint DEFAULT 0, range_end bigint DEFAULT 4294967296)
  RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_select' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_select(rbitmap, bigint, bigint, boolean, bigint, bigint) IS
  'page of elements: skip bitset_offset, keep bitset_limit, among those in [range_start, range_end) (from the largest when reverse)';

CREATE FUNCTION rb_range(rbitmap, range_start bigint, range_end bigint) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_range' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_range(rbitmap, bigint, bigint) IS 'elements in [range_start, range_end) (unsigned domain 0..4294967296)';
CREATE FUNCTION rb_range_cardinality(rbitmap, range_start bigint, range_end bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_range_cardinality' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_range_cardinality(rbitmap, bigint, bigint) IS 'number of elements in [range_start, range_end)';
CREATE FUNCTION rb_fill(rbitmap, range_start bigint, range_end bigint) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_fill' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_fill(rbitmap, bigint, bigint) IS 'adds every value in [range_start, range_end)';
CREATE FUNCTION rb_clear(rbitmap, range_start bigint, range_end bigint) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_clear' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_clear(rbitmap, bigint, bigint) IS 'removes every value in [range_start, range_end)';
CREATE FUNCTION rb_flip(rbitmap, range_start bigint, range_end bigint) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_flip' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_flip(rbitmap, bigint, bigint) IS 'toggles every value in [range_start, range_end)';

CREATE FUNCTION rb_add(rbitmap, integer) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_add' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_add(rbitmap, integer) IS 'bitmap with the element added';
CREATE FUNCTION rb_add(integer, rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_add_commuted' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_add(integer, rbitmap) IS 'bitmap with the element added';
CREATE FUNCTION rb_remove(rbitmap, integer) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_remove' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_remove(rbitmap, integer) IS 'bitmap with the element removed';

CREATE FUNCTION rb_runoptimize(rbitmap) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_runoptimize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_runoptimize(rbitmap) IS 'same set, stored with run containers where they are smaller';

------------------------------------------------------------------------------
-- operators
------------------------------------------------------------------------------

CREATE OPERATOR & (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_and, COMMUTATOR = &);
CREATE OPERATOR | (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_or, COMMUTATOR = |);
CREATE OPERATOR | (LEFTARG = rbitmap, RIGHTARG = integer, FUNCTION = rb_add);
CREATE OPERATOR | (LEFTARG = integer, RIGHTARG = rbitmap, FUNCTION = rb_add);
CREATE OPERATOR # (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_xor, COMMUTATOR = #);
CREATE OPERATOR - (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_andnot);
CREATE OPERATOR - (LEFTARG = rbitmap, RIGHTARG = integer, FUNCTION = rb_remove);
CREATE OPERATOR @> (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_contains,
  COMMUTATOR = <@, RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR @> (LEFTARG = rbitmap, RIGHTARG = integer, FUNCTION = rb_contains,
  COMMUTATOR = <@, RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR <@ (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_containedby,
  COMMUTATOR = @>, RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR <@ (LEFTARG = integer, RIGHTARG = rbitmap, FUNCTION = rb_containedby,
  COMMUTATOR = @>, RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR && (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_intersect,
  COMMUTATOR = &&, RESTRICT = areasel, JOIN = areajoinsel);

COMMENT ON OPERATOR & (rbitmap, rbitmap) IS 'intersection';
COMMENT ON OPERATOR | (rbitmap, rbitmap) IS 'union';
COMMENT ON OPERATOR | (rbitmap, integer) IS 'add an element';
COMMENT ON OPERATOR | (integer, rbitmap) IS 'add an element';
COMMENT ON OPERATOR # (rbitmap, rbitmap) IS 'symmetric difference';
COMMENT ON OPERATOR - (rbitmap, rbitmap) IS 'difference';
COMMENT ON OPERATOR - (rbitmap, integer) IS 'remove an element';
COMMENT ON OPERATOR @> (rbitmap, rbitmap) IS 'contains';
COMMENT ON OPERATOR @> (rbitmap, integer) IS 'contains the element';
COMMENT ON OPERATOR <@ (rbitmap, rbitmap) IS 'is contained by';
COMMENT ON OPERATOR <@ (integer, rbitmap) IS 'element is contained by';
COMMENT ON OPERATOR && (rbitmap, rbitmap) IS 'overlaps (at least one common element)';

-- comparison: = and <> are set equality; < <= > >= order bitmaps by their
-- sorted element lists (unsigned), a proper prefix first. This order exists
-- so that btree indexes, ORDER BY, DISTINCT, GROUP BY and UNIQUE work.
CREATE FUNCTION rb_eq(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_eq' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_ne(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_ne' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_lt(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_lt' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_le(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_le' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_gt(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_gt' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_ge(rbitmap, rbitmap) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_ge' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_cmp(rbitmap, rbitmap) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_rb_cmp' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_hash(rbitmap) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_rb_hash' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rb_hash_extended(rbitmap, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_hash_extended' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION rb_eq(rbitmap, rbitmap) IS 'set equality';
COMMENT ON FUNCTION rb_ne(rbitmap, rbitmap) IS 'set inequality';
COMMENT ON FUNCTION rb_lt(rbitmap, rbitmap) IS 'less than, in the btree order of rbitmap';
COMMENT ON FUNCTION rb_le(rbitmap, rbitmap) IS 'less than or equal, in the btree order of rbitmap';
COMMENT ON FUNCTION rb_gt(rbitmap, rbitmap) IS 'greater than, in the btree order of rbitmap';
COMMENT ON FUNCTION rb_ge(rbitmap, rbitmap) IS 'greater than or equal, in the btree order of rbitmap';
COMMENT ON FUNCTION rb_cmp(rbitmap, rbitmap) IS 'btree comparison: -1, 0 or 1';
COMMENT ON FUNCTION rb_hash(rbitmap) IS 'hash of the set (equal sets hash equally whatever their storage)';
COMMENT ON FUNCTION rb_hash_extended(rbitmap, bigint) IS 'seeded 64-bit hash of the set';

CREATE OPERATOR = (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = rbitmap, RIGHTARG = rbitmap, FUNCTION = rb_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
COMMENT ON OPERATOR = (rbitmap, rbitmap) IS 'same set';
COMMENT ON OPERATOR <> (rbitmap, rbitmap) IS 'different sets';
COMMENT ON OPERATOR < (rbitmap, rbitmap) IS 'less than (btree order)';
COMMENT ON OPERATOR <= (rbitmap, rbitmap) IS 'less than or equal (btree order)';
COMMENT ON OPERATOR > (rbitmap, rbitmap) IS 'greater than (btree order)';
COMMENT ON OPERATOR >= (rbitmap, rbitmap) IS 'greater than or equal (btree order)';

CREATE OPERATOR CLASS rbitmap_ops DEFAULT FOR TYPE rbitmap USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 rb_cmp(rbitmap, rbitmap);
CREATE OPERATOR CLASS rbitmap_ops DEFAULT FOR TYPE rbitmap USING hash AS
  OPERATOR 1 =,
  FUNCTION 1 rb_hash(rbitmap),
  FUNCTION 2 rb_hash_extended(rbitmap, bigint);
COMMENT ON OPERATOR CLASS rbitmap_ops USING btree IS 'btree order of rbitmap: sorted unsigned element lists compared lexicographically';
COMMENT ON OPERATOR FAMILY rbitmap_ops USING btree IS 'btree order of rbitmap';
COMMENT ON OPERATOR CLASS rbitmap_ops USING hash IS 'hashing of rbitmap by set contents';
COMMENT ON OPERATOR FAMILY rbitmap_ops USING hash IS 'hashing of rbitmap by set contents';

------------------------------------------------------------------------------
-- aggregates (parallel: combine + serialize/deserialize of the internal state)
------------------------------------------------------------------------------

CREATE FUNCTION cdp_rb_build_trans(internal, integer) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_build_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_or_trans(internal, rbitmap) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_or_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_and_trans(internal, rbitmap) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_and_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_xor_trans(internal, rbitmap) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_xor_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_or_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_or_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_and_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_and_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_xor_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_xor_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_agg_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_rb_agg_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_agg_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_agg_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_agg_final(internal) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_rb_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_rb_agg_cardinality_final(internal) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_rb_agg_cardinality_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION cdp_rb_build_trans(internal, integer) IS 'transition function of rb_build_agg';
COMMENT ON FUNCTION cdp_rb_or_trans(internal, rbitmap) IS 'transition function of rb_or_agg and rb_or_cardinality_agg';
COMMENT ON FUNCTION cdp_rb_and_trans(internal, rbitmap) IS 'transition function of rb_and_agg and rb_and_cardinality_agg';
COMMENT ON FUNCTION cdp_rb_xor_trans(internal, rbitmap) IS 'transition function of rb_xor_agg and rb_xor_cardinality_agg';
COMMENT ON FUNCTION cdp_rb_or_combine(internal, internal) IS 'combine function of the OR and build rbitmap aggregates';
COMMENT ON FUNCTION cdp_rb_and_combine(internal, internal) IS 'combine function of the AND rbitmap aggregates';
COMMENT ON FUNCTION cdp_rb_xor_combine(internal, internal) IS 'combine function of the XOR rbitmap aggregates';
COMMENT ON FUNCTION cdp_rb_agg_serialize(internal) IS 'serializes an rbitmap aggregate state (version byte + portable Roaring bytes)';
COMMENT ON FUNCTION cdp_rb_agg_deserialize(bytea, internal) IS 'deserializes and validates an rbitmap aggregate state';
COMMENT ON FUNCTION cdp_rb_agg_final(internal) IS 'final function of the rbitmap aggregates returning rbitmap';
COMMENT ON FUNCTION cdp_rb_agg_cardinality_final(internal) IS 'final function of the rbitmap aggregates returning a cardinality';

CREATE AGGREGATE rb_build_agg(integer) (
  SFUNC = cdp_rb_build_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_final,
  COMBINEFUNC = cdp_rb_or_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_or_agg(rbitmap) (
  SFUNC = cdp_rb_or_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_final,
  COMBINEFUNC = cdp_rb_or_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_and_agg(rbitmap) (
  SFUNC = cdp_rb_and_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_final,
  COMBINEFUNC = cdp_rb_and_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_xor_agg(rbitmap) (
  SFUNC = cdp_rb_xor_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_final,
  COMBINEFUNC = cdp_rb_xor_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_or_cardinality_agg(rbitmap) (
  SFUNC = cdp_rb_or_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_cardinality_final,
  COMBINEFUNC = cdp_rb_or_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_and_cardinality_agg(rbitmap) (
  SFUNC = cdp_rb_and_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_cardinality_final,
  COMBINEFUNC = cdp_rb_and_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE rb_xor_cardinality_agg(rbitmap) (
  SFUNC = cdp_rb_xor_trans, STYPE = internal, FINALFUNC = cdp_rb_agg_cardinality_final,
  COMBINEFUNC = cdp_rb_xor_combine, SERIALFUNC = cdp_rb_agg_serialize,
  DESERIALFUNC = cdp_rb_agg_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE rb_build_agg(integer) IS 'rbitmap of all non-NULL input ids (NULL when there are none)';
COMMENT ON AGGREGATE rb_or_agg(rbitmap) IS 'union of all non-NULL input bitmaps (NULL when there are none)';
COMMENT ON AGGREGATE rb_and_agg(rbitmap) IS 'intersection of all non-NULL input bitmaps (NULL when there are none)';
COMMENT ON AGGREGATE rb_xor_agg(rbitmap) IS 'symmetric difference of all non-NULL input bitmaps (NULL when there are none)';
COMMENT ON AGGREGATE rb_or_cardinality_agg(rbitmap) IS 'size of the union of the input bitmaps (NULL when there are none)';
COMMENT ON AGGREGATE rb_and_cardinality_agg(rbitmap) IS 'size of the intersection of the input bitmaps (NULL when there are none)';
COMMENT ON AGGREGATE rb_xor_cardinality_agg(rbitmap) IS 'size of the symmetric difference of the input bitmaps (NULL when there are none)';
