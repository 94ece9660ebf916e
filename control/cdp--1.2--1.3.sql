-- cdp extension, upgrade 1.2 -> 1.3: marketing attribution (SQL API section
-- 4): attribution(), markov_attribution, shapley_attribution and the path
-- builder attribution_paths. A fresh CREATE EXTENSION runs cdp--1.0.sql and
-- the update scripts in turn.
\echo Use "ALTER EXTENSION cdp UPDATE TO '1.3'" to load this file. \quit

------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------

CREATE TYPE cdp_channel_credit AS (
  channel        text,
  removal_effect float8,
  conversions    float8
);
COMMENT ON TYPE cdp_channel_credit IS 'one channel of a markov_attribution / shapley_attribution result: its removal effect (Markov) or share of conversions (Shapley), and the conversions (or conversion value) credited to it';

CREATE TYPE cdp_path AS (
  path            text[],
  touch_ts        timestamptz[],
  conversion_ts   timestamptz,
  value           float8,
  conversions     bigint,
  non_conversions bigint
);
COMMENT ON TYPE cdp_path IS 'one journey built by attribution_paths: the channels and times of its touches, oldest first, and the conversion it led to (conversions 1) or none (non_conversions 1, conversion_ts and value NULL)';

------------------------------------------------------------------------------
-- attribution(): rule-based credits per touch position
------------------------------------------------------------------------------

CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamptz[], conversion_ts timestamptz, value float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamp[], conversion_ts timestamp, value float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamptz[], conversion_ts timestamptz, value float8, half_life interval) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_half_life' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamp[], conversion_ts timestamp, value float8, half_life interval) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_half_life' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamptz[], conversion_ts timestamptz, value float8, first_weight float8, last_weight float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_weights' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], touch_ts timestamp[], conversion_ts timestamp, value float8, first_weight float8, last_weight float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_weights' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], value float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_no_ts' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution(model text, channels text[], value float8, first_weight float8, last_weight float8) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_no_ts_weights' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution(text, text[], timestamptz[], timestamptz, float8) IS 'credit of value per touch position under a rule-based model (first_touch, last_touch, last_non_direct, linear, time_decay with a 7-day half-life, position_based 40/20/40)';
COMMENT ON FUNCTION attribution(text, text[], timestamp[], timestamp, float8) IS 'credit of value per touch position under a rule-based model (first_touch, last_touch, last_non_direct, linear, time_decay with a 7-day half-life, position_based 40/20/40)';
COMMENT ON FUNCTION attribution(text, text[], timestamptz[], timestamptz, float8, interval) IS 'credit of value per touch position; half_life sets the time_decay half-life';
COMMENT ON FUNCTION attribution(text, text[], timestamp[], timestamp, float8, interval) IS 'credit of value per touch position; half_life sets the time_decay half-life';
COMMENT ON FUNCTION attribution(text, text[], timestamptz[], timestamptz, float8, float8, float8) IS 'credit of value per touch position; first_weight and last_weight set the position_based shares';
COMMENT ON FUNCTION attribution(text, text[], timestamp[], timestamp, float8, float8, float8) IS 'credit of value per touch position; first_weight and last_weight set the position_based shares';
COMMENT ON FUNCTION attribution(text, text[], float8) IS 'credit of value per touch position for the models that need no timestamps (all but time_decay)';
COMMENT ON FUNCTION attribution(text, text[], float8, float8, float8) IS 'credit of value per touch position without timestamps; first_weight and last_weight set the position_based shares';

------------------------------------------------------------------------------
-- markov_attribution: exact first-order (or order-k) removal effects
------------------------------------------------------------------------------

CREATE FUNCTION cdp_markov_trans(internal, text[], bigint, bigint) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_trans(internal, text[], bigint, bigint, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_value_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_trans(internal, integer, text[], bigint, bigint) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_order_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_trans(internal, integer, text[], bigint, bigint, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_order_value_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_markov_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_markov_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_final(internal) RETURNS cdp_channel_credit[]
  AS 'MODULE_PATHNAME', 'cdp_markov_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_markov_value_final(internal) RETURNS cdp_channel_credit[]
  AS 'MODULE_PATHNAME', 'cdp_markov_value_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_markov_trans(internal, text[], bigint, bigint) IS 'transition function of markov_attribution';
COMMENT ON FUNCTION cdp_markov_trans(internal, text[], bigint, bigint, float8) IS 'transition function of markov_attribution with conversion value';
COMMENT ON FUNCTION cdp_markov_trans(internal, integer, text[], bigint, bigint) IS 'transition function of markov_attribution with a chain order';
COMMENT ON FUNCTION cdp_markov_trans(internal, integer, text[], bigint, bigint, float8) IS 'transition function of markov_attribution with a chain order and conversion value';
COMMENT ON FUNCTION cdp_markov_combine(internal, internal) IS 'combine function of markov_attribution (adds transition counts)';
COMMENT ON FUNCTION cdp_markov_serialize(internal) IS 'serializes a markov_attribution state (portable bytes with a version byte)';
COMMENT ON FUNCTION cdp_markov_deserialize(bytea, internal) IS 'deserializes and validates a markov_attribution state';
COMMENT ON FUNCTION cdp_markov_final(internal) IS 'final function of markov_attribution (exact removal effects, conversion credits)';
COMMENT ON FUNCTION cdp_markov_value_final(internal) IS 'final function of markov_attribution with conversion value (value removal effects, value credits)';

CREATE AGGREGATE markov_attribution(path text[], conversions bigint, non_conversions bigint) (
  SFUNC = cdp_markov_trans, STYPE = internal, FINALFUNC = cdp_markov_final,
  COMBINEFUNC = cdp_markov_combine, SERIALFUNC = cdp_markov_serialize,
  DESERIALFUNC = cdp_markov_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE markov_attribution(path text[], conversions bigint, non_conversions bigint, conversion_value float8) (
  SFUNC = cdp_markov_trans, STYPE = internal, FINALFUNC = cdp_markov_value_final,
  COMBINEFUNC = cdp_markov_combine, SERIALFUNC = cdp_markov_serialize,
  DESERIALFUNC = cdp_markov_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE markov_attribution("order" integer, path text[], conversions bigint, non_conversions bigint) (
  SFUNC = cdp_markov_trans, STYPE = internal, FINALFUNC = cdp_markov_final,
  COMBINEFUNC = cdp_markov_combine, SERIALFUNC = cdp_markov_serialize,
  DESERIALFUNC = cdp_markov_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE markov_attribution("order" integer, path text[], conversions bigint, non_conversions bigint, conversion_value float8) (
  SFUNC = cdp_markov_trans, STYPE = internal, FINALFUNC = cdp_markov_value_final,
  COMBINEFUNC = cdp_markov_combine, SERIALFUNC = cdp_markov_serialize,
  DESERIALFUNC = cdp_markov_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE markov_attribution(text[], bigint, bigint) IS 'first-order Markov chain attribution over one row per path: exact removal effects and conversion credits per channel';
COMMENT ON AGGREGATE markov_attribution(text[], bigint, bigint, float8) IS 'first-order Markov chain attribution with conversion value: value removal effects and value credits per channel';
COMMENT ON AGGREGATE markov_attribution(integer, text[], bigint, bigint) IS 'Markov chain attribution of the given order (1 to 4): exact removal effects and conversion credits per channel';
COMMENT ON AGGREGATE markov_attribution(integer, text[], bigint, bigint, float8) IS 'Markov chain attribution of the given order (1 to 4) with conversion value: value removal effects and value credits';

------------------------------------------------------------------------------
-- shapley_attribution: exact Shapley values by the closed form
------------------------------------------------------------------------------

CREATE FUNCTION cdp_shapley_trans(internal, text[], bigint, bigint) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_shapley_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_shapley_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_shapley_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_shapley_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_shapley_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_shapley_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_shapley_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_shapley_final(internal) RETURNS cdp_channel_credit[]
  AS 'MODULE_PATHNAME', 'cdp_shapley_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_shapley_trans(internal, text[], bigint, bigint) IS 'transition function of shapley_attribution';
COMMENT ON FUNCTION cdp_shapley_combine(internal, internal) IS 'combine function of shapley_attribution (adds counts)';
COMMENT ON FUNCTION cdp_shapley_serialize(internal) IS 'serializes a shapley_attribution state (portable bytes with a version byte)';
COMMENT ON FUNCTION cdp_shapley_deserialize(bytea, internal) IS 'deserializes and validates a shapley_attribution state';
COMMENT ON FUNCTION cdp_shapley_final(internal) IS 'final function of shapley_attribution (closed-form Shapley values)';

CREATE AGGREGATE shapley_attribution(path text[], conversions bigint, non_conversions bigint) (
  SFUNC = cdp_shapley_trans, STYPE = internal, FINALFUNC = cdp_shapley_final,
  COMBINEFUNC = cdp_shapley_combine, SERIALFUNC = cdp_shapley_serialize,
  DESERIALFUNC = cdp_shapley_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shapley_attribution(text[], bigint, bigint) IS 'exact Shapley value of each channel (closed form over channel sets): conversions credited per channel';

------------------------------------------------------------------------------
-- attribution_paths: journeys (one per conversion, plus the non-converting
-- tail) from a user's touches and conversions
------------------------------------------------------------------------------

CREATE FUNCTION cdp_attribution_paths_trans(internal, timestamptz, text, boolean, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_attribution_paths_trans(internal, timestamptz, text, boolean, float8, interval, integer, boolean) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_attribution_paths_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_attribution_paths_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_attribution_paths_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_attribution_paths_final(internal) RETURNS cdp_path[]
  AS 'MODULE_PATHNAME', 'cdp_attribution_paths_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_attribution_paths_trans(internal, timestamptz, text, boolean, float8) IS 'transition function of attribution_paths';
COMMENT ON FUNCTION cdp_attribution_paths_trans(internal, timestamptz, text, boolean, float8, interval, integer, boolean) IS 'transition function of attribution_paths with options';
COMMENT ON FUNCTION cdp_attribution_paths_combine(internal, internal) IS 'combine function of attribution_paths';
COMMENT ON FUNCTION cdp_attribution_paths_serialize(internal) IS 'serializes an attribution_paths state';
COMMENT ON FUNCTION cdp_attribution_paths_deserialize(bytea, internal) IS 'deserializes and validates an attribution_paths state';
COMMENT ON FUNCTION cdp_attribution_paths_final(internal) IS 'final function of attribution_paths';

CREATE AGGREGATE attribution_paths(ts timestamptz, channel text, is_conversion boolean, value float8) (
  SFUNC = cdp_attribution_paths_trans, STYPE = internal, FINALFUNC = cdp_attribution_paths_final,
  COMBINEFUNC = cdp_attribution_paths_combine, SERIALFUNC = cdp_attribution_paths_serialize,
  DESERIALFUNC = cdp_attribution_paths_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE attribution_paths(ts timestamptz, channel text, is_conversion boolean, value float8,
                                   lookback interval, max_touches integer, collapse_repeats boolean) (
  SFUNC = cdp_attribution_paths_trans, STYPE = internal, FINALFUNC = cdp_attribution_paths_final,
  COMBINEFUNC = cdp_attribution_paths_combine, SERIALFUNC = cdp_attribution_paths_serialize,
  DESERIALFUNC = cdp_attribution_paths_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE attribution_paths(timestamptz, text, boolean, float8) IS 'one cdp_path per conversion of the group (the touches since the previous conversion), plus one non-converting path for the touches after the last conversion';
COMMENT ON AGGREGATE attribution_paths(timestamptz, text, boolean, float8, interval, integer, boolean) IS 'one cdp_path per conversion of the group with a lookback window, at most max_touches touches (0 or NULL: all) and optionally consecutive repeats collapsed, plus one non-converting path';
