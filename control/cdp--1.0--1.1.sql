-- cdp extension, upgrade 1.0 -> 1.1: funnels, sequence patterns and paths
-- (SQL API section 1). A fresh CREATE EXTENSION runs cdp--1.0.sql and then
-- this script.
\echo Use "ALTER EXTENSION cdp UPDATE TO '1.1'" to load this file. \quit

------------------------------------------------------------------------------
-- Shared event-list state of window_funnel, window_funnel_times,
-- sequence_match and sequence_count (one 16-byte row per matching input row)
------------------------------------------------------------------------------

CREATE FUNCTION cdp_event_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_event_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_event_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_event_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_event_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_event_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_event_combine(internal, internal) IS 'combine function of the funnel and sequence aggregates (merges sorted event lists)';
COMMENT ON FUNCTION cdp_event_serialize(internal) IS 'serializes a funnel or sequence aggregate state (version byte + sorted event list)';
COMMENT ON FUNCTION cdp_event_deserialize(bytea, internal) IS 'deserializes and validates a funnel or sequence aggregate state';

------------------------------------------------------------------------------
-- window_funnel, window_funnel_times
------------------------------------------------------------------------------

-- The conditions are VARIADIC "any" (each must be boolean: checked at the
-- first row, SQLSTATE 42804) so no boolean[] is built per row; a call with
-- an explicit VARIADIC boolean[] works too.
CREATE FUNCTION cdp_window_funnel_trans(internal, interval, timestamptz, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_window_funnel_trans(internal, interval, timestamp, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_window_funnel_trans(internal, interval, text, timestamptz, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_mode_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_window_funnel_trans(internal, interval, text, timestamp, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_mode_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_window_funnel_final(internal) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_window_funnel_times_final(internal) RETURNS interval[]
  AS 'MODULE_PATHNAME', 'cdp_window_funnel_times_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_window_funnel_trans(internal, interval, timestamptz, VARIADIC "any") IS 'transition function of window_funnel and window_funnel_times';
COMMENT ON FUNCTION cdp_window_funnel_trans(internal, interval, timestamp, VARIADIC "any") IS 'transition function of window_funnel and window_funnel_times';
COMMENT ON FUNCTION cdp_window_funnel_trans(internal, interval, text, timestamptz, VARIADIC "any") IS 'transition function of window_funnel and window_funnel_times with a mode';
COMMENT ON FUNCTION cdp_window_funnel_trans(internal, interval, text, timestamp, VARIADIC "any") IS 'transition function of window_funnel and window_funnel_times with a mode';
COMMENT ON FUNCTION cdp_window_funnel_final(internal) IS 'final function of window_funnel';
COMMENT ON FUNCTION cdp_window_funnel_times_final(internal) IS 'final function of window_funnel_times';

CREATE AGGREGATE window_funnel("window" interval, ts timestamptz, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel("window" interval, ts timestamp, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel("window" interval, mode text, ts timestamptz, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel("window" interval, mode text, ts timestamp, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, VARIADIC "any") IS 'number of consecutive funnel steps reached within the window (0..N)';
COMMENT ON AGGREGATE window_funnel(interval, timestamp, VARIADIC "any") IS 'number of consecutive funnel steps reached within the window (0..N)';
COMMENT ON AGGREGATE window_funnel(interval, text, timestamptz, VARIADIC "any") IS 'number of consecutive funnel steps reached within the window (0..N), with mode flags';
COMMENT ON AGGREGATE window_funnel(interval, text, timestamp, VARIADIC "any") IS 'number of consecutive funnel steps reached within the window (0..N), with mode flags';

CREATE AGGREGATE window_funnel_times("window" interval, ts timestamptz, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_times_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel_times("window" interval, ts timestamp, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_times_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel_times("window" interval, mode text, ts timestamptz, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_times_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel_times("window" interval, mode text, ts timestamp, VARIADIC steps "any") (
  SFUNC = cdp_window_funnel_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_window_funnel_times_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel_times(interval, timestamptz, VARIADIC "any") IS 'times from step 1 to each later step of the deepest funnel chain';
COMMENT ON AGGREGATE window_funnel_times(interval, timestamp, VARIADIC "any") IS 'times from step 1 to each later step of the deepest funnel chain';
COMMENT ON AGGREGATE window_funnel_times(interval, text, timestamptz, VARIADIC "any") IS 'times from step 1 to each later step of the deepest funnel chain, with mode flags';
COMMENT ON AGGREGATE window_funnel_times(interval, text, timestamp, VARIADIC "any") IS 'times from step 1 to each later step of the deepest funnel chain, with mode flags';

------------------------------------------------------------------------------
-- funnel_counts: cross-user rollup of funnel levels (concrete bigint[] state)
------------------------------------------------------------------------------

CREATE FUNCTION cdp_funnel_counts_trans(bigint[], integer, integer) RETURNS bigint[]
  AS 'MODULE_PATHNAME', 'cdp_funnel_counts_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_funnel_counts_combine(bigint[], bigint[]) RETURNS bigint[]
  AS 'MODULE_PATHNAME', 'cdp_funnel_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_funnel_counts_trans(bigint[], integer, integer) IS 'transition function of funnel_counts';
COMMENT ON FUNCTION cdp_funnel_counts_combine(bigint[], bigint[]) IS 'combine function of funnel_counts (element-wise sum)';

CREATE AGGREGATE funnel_counts(level integer, steps integer) (
  SFUNC = cdp_funnel_counts_trans, STYPE = bigint[], INITCOND = '{}',
  COMBINEFUNC = cdp_funnel_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE funnel_counts(integer, integer) IS 'element k = number of inputs with level >= k, for k = 1..steps';

------------------------------------------------------------------------------
-- sequence_match, sequence_count
------------------------------------------------------------------------------

CREATE FUNCTION cdp_sequence_trans(internal, text, timestamptz, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_sequence_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_sequence_trans(internal, text, timestamp, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_sequence_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_sequence_match_final(internal) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_sequence_match_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_sequence_count_final(internal) RETURNS bigint
  AS 'MODULE_PATHNAME', 'cdp_sequence_count_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_sequence_trans(internal, text, timestamptz, VARIADIC "any") IS 'transition function of sequence_match and sequence_count';
COMMENT ON FUNCTION cdp_sequence_trans(internal, text, timestamp, VARIADIC "any") IS 'transition function of sequence_match and sequence_count';
COMMENT ON FUNCTION cdp_sequence_match_final(internal) IS 'final function of sequence_match';
COMMENT ON FUNCTION cdp_sequence_count_final(internal) IS 'final function of sequence_count';

CREATE AGGREGATE sequence_match(pattern text, ts timestamptz, VARIADIC conds "any") (
  SFUNC = cdp_sequence_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_sequence_match_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE sequence_match(pattern text, ts timestamp, VARIADIC conds "any") (
  SFUNC = cdp_sequence_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_sequence_match_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE sequence_count(pattern text, ts timestamptz, VARIADIC conds "any") (
  SFUNC = cdp_sequence_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_sequence_count_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE sequence_count(pattern text, ts timestamp, VARIADIC conds "any") (
  SFUNC = cdp_sequence_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_sequence_count_final, COMBINEFUNC = cdp_event_combine,
  SERIALFUNC = cdp_event_serialize, DESERIALFUNC = cdp_event_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE sequence_match(text, timestamptz, VARIADIC "any") IS 'true when the rows (in time order) match the ClickHouse-style pattern';
COMMENT ON AGGREGATE sequence_match(text, timestamp, VARIADIC "any") IS 'true when the rows (in time order) match the ClickHouse-style pattern';
COMMENT ON AGGREGATE sequence_count(text, timestamptz, VARIADIC "any") IS 'number of non-overlapping matches of the ClickHouse-style pattern';
COMMENT ON AGGREGATE sequence_count(text, timestamp, VARIADIC "any") IS 'number of non-overlapping matches of the ClickHouse-style pattern';

------------------------------------------------------------------------------
-- path_after
------------------------------------------------------------------------------

CREATE FUNCTION cdp_path_after_trans(internal, timestamptz, text, boolean, integer) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_path_after_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_path_after_trans(internal, timestamp, text, boolean, integer) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_path_after_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_path_after_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_path_after_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_path_after_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_path_after_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_path_after_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_path_after_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_path_after_final(internal) RETURNS text[]
  AS 'MODULE_PATHNAME', 'cdp_path_after_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_path_after_trans(internal, timestamptz, text, boolean, integer) IS 'transition function of path_after';
COMMENT ON FUNCTION cdp_path_after_trans(internal, timestamp, text, boolean, integer) IS 'transition function of path_after';
COMMENT ON FUNCTION cdp_path_after_combine(internal, internal) IS 'combine function of path_after';
COMMENT ON FUNCTION cdp_path_after_serialize(internal) IS 'serializes a path_after state';
COMMENT ON FUNCTION cdp_path_after_deserialize(bytea, internal) IS 'deserializes and validates a path_after state';
COMMENT ON FUNCTION cdp_path_after_final(internal) IS 'final function of path_after';

CREATE AGGREGATE path_after(ts timestamptz, event text, start boolean, max_len integer) (
  SFUNC = cdp_path_after_trans, STYPE = internal, FINALFUNC = cdp_path_after_final,
  COMBINEFUNC = cdp_path_after_combine, SERIALFUNC = cdp_path_after_serialize,
  DESERIALFUNC = cdp_path_after_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_after(ts timestamp, event text, start boolean, max_len integer) (
  SFUNC = cdp_path_after_trans, STYPE = internal, FINALFUNC = cdp_path_after_final,
  COMBINEFUNC = cdp_path_after_combine, SERIALFUNC = cdp_path_after_serialize,
  DESERIALFUNC = cdp_path_after_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE path_after(timestamptz, text, boolean, integer) IS 'events in time order from the first row where start is true, at most max_len of them';
COMMENT ON AGGREGATE path_after(timestamp, text, boolean, integer) IS 'events in time order from the first row where start is true, at most max_len of them';
