--
-- Marketing attribution (SQL API section 4): attribution(), markov_attribution,
-- shapley_attribution and the path builder attribution_paths. Every expected
-- value below is derived by hand from the spec's definitions; the comment
-- above each query gives the answer and why. Credits are printed rounded to
-- 9 decimals (the issue pins them to 1e-9).
--
SET client_min_messages = notice;
SET timezone = 'UTC';
-- every object of this test lives in its own schema, dropped at the end
CREATE SCHEMA attribution_test;
SET search_path = attribution_test, public;
-- C++ objects owned by memory contexts (aggregate states) still alive
CREATE FUNCTION live_objects() RETURNS bigint
  AS '$libdir/cdp', 'cdp_test_live_objects' LANGUAGE C STRICT;
SELECT live_objects() AS live_at_start;

-- helpers: credits rounded to 9 decimals, in position order; the SQLSTATE
-- and message of an error
CREATE FUNCTION r9(a float8[]) RETURNS numeric[] LANGUAGE sql IMMUTABLE AS
  $$ SELECT array_agg(round(x::numeric, 9) ORDER BY i) FROM unnest(a) WITH ORDINALITY u(x, i) $$;
CREATE FUNCTION err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ': ' || msg;
END $$;
-- a credit array as (channel, removal effect, credit) rows rounded to 9 decimals, in result order
CREATE FUNCTION credits(c cdp_channel_credit[]) RETURNS TABLE (channel text, removal_effect numeric, conversions numeric)
  LANGUAGE sql IMMUTABLE AS
  $$ SELECT x.channel, round(x.removal_effect::numeric, 9), round(x.conversions::numeric, 9)
       FROM unnest(c) WITH ORDINALITY x(channel, removal_effect, conversions, i) ORDER BY i $$;

---------------------------------------------------------------- rule-based models
-- Path A > B > C, value 100, touches 14, 7 and 0 days before the conversion:
-- first_touch 100/0/0, last_touch 0/0/100, last_non_direct as last_touch
-- (no direct), linear 100/3 each, position_based 40/20/40; time_decay with a
-- 7-day half-life: weights 2^-2, 2^-1, 1 = 0.25/0.5/1 of 1.75 ->
-- 14.285714286/28.571428571/57.142857143.
CREATE TABLE abc AS SELECT ARRAY['A', 'B', 'C'] AS ch,
  ARRAY[timestamptz '2026-01-01', '2026-01-08', '2026-01-15'] AS ts,
  timestamptz '2026-01-15' AS conv;
SELECT m AS model, r9(attribution(m, ch, ts, conv, 100)) AS credits,
       abs((SELECT sum(x) FROM unnest(attribution(m, ch, ts, conv, 100)) x) - 100) < 1e-9 AS sums_to_100
  FROM abc, unnest(ARRAY['first_touch', 'last_touch', 'last_non_direct', 'linear',
                         'position_based', 'time_decay']) m;
-- time_decay with a 14-day half-life: weights 2^-1, 2^-0.5, 1 (sum 2.207106781)
-- -> 22.654091966/32.037724102/45.308183932; with 7 days it is the default
SELECT r9(attribution('time_decay', ch, ts, conv, 100, interval '14 days')) AS hl14,
       attribution('time_decay', ch, ts, conv, 100, interval '7 days')
         = attribution('time_decay', ch, ts, conv, 100) AS hl7_is_default
  FROM abc;
-- the same answers with timestamp (without time zone) arguments
SELECT r9(attribution('time_decay', ch, ts::timestamp[], conv::timestamp, 100)) AS td,
       r9(attribution('time_decay', ch, ts::timestamp[], conv::timestamp, 100, interval '14 days')) AS hl14,
       r9(attribution('position_based', ch, ts::timestamp[], conv::timestamp, 100, 0.3, 0.5)) AS pb
  FROM abc;
-- touches need not be sorted: credits follow array positions (C 0 days,
-- A 14 days, B 7 days old); a touch at the conversion instant is allowed.
-- Half-life 1 day, ages 3.5 days and 0: 60 * 2^-3.5 / (2^-3.5 + 1) = 4.872618188
SELECT r9(attribution('time_decay', ARRAY['C', 'A', 'B'],
                      ARRAY[timestamptz '2026-01-15', '2026-01-01', '2026-01-08'], '2026-01-15', 100)) AS unsorted,
       r9(attribution('time_decay', ARRAY['A', 'B'],
                      ARRAY[timestamptz '2026-01-01 12:00', '2026-01-05'], '2026-01-05', 60, interval '1 day')) AS half_days;
-- a touch 200 years old gets a weight that underflows to 0, never NaN
SELECT r9(attribution('time_decay', ARRAY['old', 'new'],
                      ARRAY[timestamptz '1826-01-01', '2026-01-01'], '2026-01-02', 10)) AS very_old;

-- position_based by length (40/20/40 rule): 1 -> 100; 2 -> 50/50;
-- 3 -> 40/20/40; 4 -> 40/10/10/40; 5 -> 40/6.667 x 3/40
SELECT n, r9(attribution('position_based', ARRAY(SELECT 'c' || k FROM generate_series(1, n) k), 100)) AS credits
  FROM generate_series(1, 5) n;
-- first/last weights: 0.3/0.5 -> middles share 0.2; with 2 touches the
-- middle share is split in proportion (0.3/0.8, 0.5/0.8 = 37.5/62.5);
-- 0/0 -> 50/50 and middles share everything; 0.5/0.5 leaves nothing in the middle
SELECT r9(attribution('position_based', ARRAY['a', 'b', 'c', 'd'], 100, 0.3, 0.5)) AS w4,
       r9(attribution('position_based', ARRAY['a', 'b'], 100, 0.3, 0.5)) AS w2,
       r9(attribution('position_based', ARRAY['a', 'b'], 100, 0, 0)) AS zero2,
       r9(attribution('position_based', ARRAY['a', 'b', 'c', 'd'], 100, 0, 0)) AS zero4,
       r9(attribution('position_based', ARRAY['a', 'b', 'c'], 100, 0.5, 0.5)) AS half3;
-- weights only matter to position_based (checked for every model)
SELECT r9(attribution('linear', ARRAY['a', 'b'], 10, 0.3, 0.5)) AS linear_ignores_weights;

-- last_non_direct: the last touch whose channel is not "direct"
-- (case-insensitive, whole string) -> Email at position 1; every touch
-- direct -> the last one; 'direct ' (trailing space) is not direct
SELECT r9(attribution('last_non_direct', ARRAY['Email', 'Direct', 'DIRECT'], 100)) AS email,
       r9(attribution('last_non_direct', ARRAY['direct', 'Direct'], 100)) AS all_direct,
       r9(attribution('last_non_direct', ARRAY['Email', 'direct '], 100)) AS spaced,
       r9(attribution('LAST_NON_DIRECT', ARRAY['x'], 7)) AS model_case;
-- a channel that occurs twice gets one credit per position; value 0 gives zeros
SELECT r9(attribution('linear', ARRAY['A', 'B', 'A', 'A'], 10)) AS repeats,
       r9(attribution('first_touch', ARRAY['A', 'B'], 0)) AS zero_value;
-- varchar[] paths work as text[]
SELECT r9(attribution('last_touch', ARRAY['a', 'b']::varchar[], 5)) AS varchar_path;

-- NULL arguments give NULL (the functions are STRICT); an empty path gives NULL
SELECT attribution('linear', NULL::text[], 100) IS NULL AS null_path,
       attribution('linear', '{}'::text[], 100) IS NULL AS empty_path,
       attribution('time_decay', '{}'::text[], '{}'::timestamptz[], now(), 100) IS NULL AS empty_with_ts,
       attribution('linear', ARRAY['a'], NULL::float8) IS NULL AS null_value,
       attribution(NULL, ARRAY['a'], 1) IS NULL AS null_model,
       attribution('time_decay', ch, ts, conv, 100, NULL::interval) IS NULL AS null_half_life
  FROM abc;

-- bad input
SELECT q, err(q) FROM (VALUES
  ($$SELECT attribution('u_shaped', ARRAY['a'], 1)$$),
  ($$SELECT attribution('linear', ARRAY['a', 'b'], ARRAY[timestamptz '2026-01-01'], '2026-01-02', 1)$$),
  ($$SELECT attribution('linear', ARRAY['a'], ARRAY[timestamptz '2026-01-03'], '2026-01-02', 1)$$),
  ($$SELECT attribution('first_touch', '{}'::text[], ARRAY[timestamptz '2026-01-01'], '2026-01-02', 1)$$),
  ($$SELECT attribution('linear', ARRAY['a', NULL], 1)$$),
  ($$SELECT attribution('linear', ARRAY['a', 'b'], ARRAY[timestamptz '2026-01-01', NULL], '2026-01-02', 1)$$),
  ($$SELECT attribution('linear', ARRAY[['a', 'b'], ['c', 'd']], 1)$$),
  ($$SELECT attribution('time_decay', ARRAY['a'], 1)$$),
  ($$SELECT attribution('linear', ARRAY['a'], -1)$$),
  ($$SELECT attribution('linear', ARRAY['a'], 'NaN')$$),
  ($$SELECT attribution('linear', ARRAY['a'], 'Infinity')$$),
  ($$SELECT attribution('time_decay', ARRAY['a'], ARRAY[timestamptz '2026-01-01'], '2026-01-02', 1, interval '0 s')$$),
  ($$SELECT attribution('time_decay', ARRAY['a'], ARRAY[timestamptz '2026-01-01'], '2026-01-02', 1, interval '-1 day')$$),
  ($$SELECT attribution('position_based', ARRAY['a'], 1, -0.1, 0.5)$$),
  ($$SELECT attribution('position_based', ARRAY['a'], 1, 0.6, 0.5)$$),
  ($$SELECT attribution('position_based', ARRAY['a'], 1, 'NaN', 0.5)$$)
) v(q);

---------------------------------------------------------------- markov_attribution
-- Paths C1>C2>C3 (1 conversion, 0 nulls), C1 (0, 1), C2>C3 (0, 1).
-- start -> C1 2/3, C2 1/3; C1 -> C2 1/2, null 1/2; C2 -> C3; C3 -> conv 1/2,
-- null 1/2: P(conv) = 2/3*1/2*1/2 + 1/3*1/2 = 1/3. Without C1: 1/3*1/2 =
-- 1/6, RE 0.5; without C2 or C3 nothing converts, RE 1. Credits 0.5/2.5,
-- 1/2.5, 1/2.5 of 1 conversion = 0.2/0.4/0.4; ties (C2, C3) by name.
CREATE TABLE mk (path text[], conv bigint, nulls bigint, val float8);
INSERT INTO mk VALUES (ARRAY['C1', 'C2', 'C3'], 1, 0, 10), (ARRAY['C1'], 0, 1, 0), (ARRAY['C2', 'C3'], 0, 1, 0);
SELECT * FROM credits((SELECT markov_attribution(path, conv, nulls) FROM mk));
-- one conversion worth 10: value credits 2/4/4, same removal effects
SELECT * FROM credits((SELECT markov_attribution(path, conv, nulls, val) FROM mk));

-- Repeats: A>B>A>B>B>A, A>B>B>A>A, A>A, one conversion each. Collapsed:
-- start->A 3, A->B 3, B->A 3, A->conv 3. Without A nothing converts (RE 1);
-- without B, A->B goes to null: P = 1/2 (RE 1/2). Credits 3 * 1/1.5 = 2 and
-- 3 * 0.5/1.5 = 1 exactly (simulators report about 1.99/1.01).
SELECT * FROM credits((SELECT markov_attribution(string_to_array(p, '>'), 1, 0)
                         FROM (VALUES ('A>B>A>B>B>A'), ('A>B>B>A>A'), ('A>A')) v(p)));

-- Values that differ by state: A (1 conversion worth 10), B (1 worth 30).
-- start -> A 1/2, B 1/2, both convert. Conversions: RE 1/2 each, credits 1/1.
-- Value: E[value] = 1/2*10 + 1/2*30 = 20; RE_A = 1/2*10/20 = 0.25,
-- RE_B = 0.75; value credits share 40 as 10/30.
SELECT * FROM credits((SELECT markov_attribution(p, 1, 0) FROM (VALUES (ARRAY['A']), (ARRAY['B'])) v(p)));
SELECT * FROM credits((SELECT markov_attribution(p, 1, 0, v) FROM (VALUES (ARRAY['A'], 10.0), (ARRAY['B'], 30.0)) v(p, v)));

-- Order 2: A>B (1 conversion), C>B (1 null). Order 1 cannot tell the two B
-- visits apart: RE A 1/2, C 1/2, B 1 -> credits 0.25/0.25/0.5. Order 2 has
-- states (A),(C),(A,B),(C,B): (A,B) always converts, (C,B) never. Without A
-- nothing converts (RE 1), without C nothing changes (RE 0), without B
-- nothing converts (RE 1): credits A 0.5, B 0.5, C 0.
CREATE TABLE mk2 (path text[], conv bigint, nulls bigint);
INSERT INTO mk2 VALUES (ARRAY['A', 'B'], 1, 0), (ARRAY['C', 'B'], 0, 1);
SELECT * FROM credits((SELECT markov_attribution(1, path, conv, nulls) FROM mk2));
SELECT * FROM credits((SELECT markov_attribution(2, path, conv, nulls) FROM mk2));
SELECT * FROM credits((SELECT markov_attribution(2, path, conv, nulls, conv * 5.0) FROM mk2));
-- order 1 is the default; NULL path rows, NULL counts and empty paths are
-- skipped; order 3 on these short paths is order 2
SELECT (SELECT markov_attribution(1, path, conv, nulls) FROM mk) = (SELECT markov_attribution(path, conv, nulls) FROM mk) AS order1_default,
       (SELECT markov_attribution(path, conv, nulls) FROM (SELECT * FROM mk UNION ALL
          VALUES (NULL, 5, 5, 0), (ARRAY['C1'], NULL, 1, 0), ('{}', 7, 0, 0)) s)
         = (SELECT markov_attribution(path, conv, nulls) FROM mk) AS skipped,
       (SELECT markov_attribution(3, path, conv, nulls) FROM mk2) = (SELECT markov_attribution(2, path, conv, nulls) FROM mk2) AS order3;

-- Nothing converts: zero removal effects and credits, not NaN; every
-- channel is still listed (ties by name). No rows at all: an empty array.
SELECT * FROM credits((SELECT markov_attribution(p, 0, 3) FROM (VALUES (ARRAY['B', 'A']), (ARRAY['A'])) v(p)));
SELECT markov_attribution(path, conv, nulls) AS no_rows FROM mk WHERE false;
-- a loop that is left only rarely: A>B>A>B>... (40 touches) then a
-- conversion, A (1 null): RE_A 1 (every journey visits A), RE_B = P(a
-- converting journey visits B) = 1; credits 0.5/0.5
SELECT * FROM credits((SELECT markov_attribution(p, c, n) FROM (VALUES
  (ARRAY(SELECT CASE WHEN k % 2 = 0 THEN 'A' ELSE 'B' END FROM generate_series(0, 39) k), 1, 0),
  (ARRAY['A'], 0, 1)) v(p, c, n)));
-- grouped: one result per campaign
SELECT g, (SELECT string_agg(format('%s=%s', x.channel, round(x.conversions::numeric, 9)), ' ' ORDER BY i)
             FROM unnest(m) WITH ORDINALITY x(channel, removal_effect, conversions, i)) AS credits
  FROM (SELECT g, markov_attribution(path, conv, nulls) AS m
          FROM (SELECT 'x' AS g, * FROM mk UNION ALL SELECT 'y', path, conv, nulls, 0 FROM mk2) s
 GROUP BY g) t ORDER BY g;

SELECT q, err(q) FROM (VALUES
  ($$SELECT markov_attribution(ARRAY['a', NULL], 1, 0)$$),
  ($$SELECT markov_attribution(ARRAY['a'], -1, 0)$$),
  ($$SELECT markov_attribution(ARRAY['a'], 1, -2)$$),
  ($$SELECT markov_attribution(ARRAY['a'], 1, 0, -5)$$),
  ($$SELECT markov_attribution(ARRAY['a'], 0, 1, 5)$$),
  ($$SELECT markov_attribution(ARRAY['a'], 1, 0, 'NaN')$$),
  ($$SELECT markov_attribution(ARRAY['a'], 9223372036854775807, 1)$$),
  ($$SELECT markov_attribution(0, ARRAY['a'], 1, 0)$$),
  ($$SELECT markov_attribution(5, ARRAY['a'], 1, 0)$$),
  ($$SELECT markov_attribution(NULL, ARRAY['a'], 1, 0)$$),
  ($$SELECT markov_attribution(o, ARRAY['a'], 1, 0) FROM (VALUES (1), (2)) v(o)$$),
  ($$SELECT markov_attribution(ARRAY['c' || g], 1, 0) FROM generate_series(1, 2001) g$$)
) v(q);

---------------------------------------------------------------- shapley_attribution
-- Channel sets {Direct}: 3 conversions, {Organic_Search}: 1, {Video}: 1,
-- {Organic_Search, Direct}: 1. phi_j = sum over sets T containing j of
-- conversions(T)/|T|: Direct 3 + 1/2 = 3.5, Organic_Search 1 + 1/2 = 1.5,
-- Video 1; removal_effect = phi / 6 conversions.
SELECT * FROM credits((SELECT shapley_attribution(string_to_array(p, ' > '), c, 0)
                         FROM (VALUES ('Direct', 3), ('Organic_Search', 1), ('Video', 1),
                                      ('Organic_Search > Direct', 1)) v(p, c)));
-- order and repeats do not matter (A>B>A is the set {A,B}); non-conversions
-- are only counted; channels seen only without conversions get 0
SELECT * FROM credits((SELECT shapley_attribution(p, c, n) FROM (VALUES
  (ARRAY['A', 'B', 'A'], 2, 1), (ARRAY['B'], 1, 4), (ARRAY['Z'], 0, 9)) v(p, c, n)));
-- 40 channels on one converting path: 1/40 each (no coalition enumeration)
SELECT count(*) AS channels, min(conversions) AS min_credit, max(conversions) AS max_credit, sum(conversions) AS total
  FROM credits((SELECT shapley_attribution(ARRAY(SELECT 'ch' || k FROM generate_series(1, 40) k), 1, 0)));
SELECT shapley_attribution(p, 1, 0) AS no_rows FROM (VALUES (ARRAY['a'])) v(p) WHERE false;
SELECT q, err(q) FROM (VALUES
  ($$SELECT shapley_attribution(ARRAY[NULL::text], 1, 0)$$),
  ($$SELECT shapley_attribution(ARRAY['a'], -1, 0)$$),
  ($$SELECT shapley_attribution(ARRAY['a'], 0, -1)$$)
) v(q);

---------------------------------------------------------------- attribution_paths
-- User 1: A@1 B@2 B@2 conv(50)@3 C@4 conv(NULL)@5 D@6; user 2: X@1 only;
-- user 3: conv(7)@1 only; user 4: two conversions at the same instant
-- after Y@1, and a touch with a NULL channel and a row with a NULL ts
-- (ignored). Days of January 2026.
CREATE TABLE ev (u int, day int, ch text, is_conv boolean, v float8);
INSERT INTO ev VALUES
  (1, 1, 'A', false, NULL), (1, 2, 'B', false, NULL), (1, 2, 'B', false, NULL), (1, 3, NULL, true, 50),
  (1, 4, 'C', false, 99), (1, 5, 'ignored', true, NULL), (1, 6, 'D', NULL, NULL),
  (2, 1, 'X', false, NULL),
  (3, 1, NULL, true, 7),
  (4, 1, 'Y', false, NULL), (4, 2, NULL, true, 1), (4, 2, NULL, true, 2), (4, 1, NULL, false, NULL),
  (4, NULL, 'Z', false, NULL);
CREATE FUNCTION dts(d int) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT timestamptz '2025-12-31' + d * interval '1 day' $$;
-- default options: every touch since the previous conversion; a path per
-- conversion in time order, then the non-converting tail (D), whose
-- conversion_ts and value are NULL; user 4's second conversion at the same
-- instant gets an empty path (a touch serves one conversion)
SELECT u, p.* FROM (SELECT u, attribution_paths(dts(day), ch, is_conv, v) AS a FROM ev GROUP BY u) s,
       unnest(a) WITH ORDINALITY p ORDER BY u, ordinality;
-- lookback 1 day (touch.ts > conversion_ts - 1 day: B@2 is not within 1 day
-- of conv@3), at most 1 touch, repeats collapsed
SELECT u, p.* FROM (SELECT u, attribution_paths(dts(day), ch, is_conv, v, interval '1 day', 1, true) AS a FROM ev GROUP BY u) s,
       unnest(a) WITH ORDINALITY p ORDER BY u, ordinality;
-- collapse_repeats only (B B -> B), lookback 36 hours, NULL max_touches = no limit
SELECT u, p.path, p.conversion_ts, p.conversions FROM (
  SELECT u, attribution_paths(dts(day), ch, is_conv, v, interval '36 hours', NULL, true) AS a FROM ev GROUP BY u) s,
  unnest(a) p WHERE u = 1;
-- the same rows in another order give the same paths
SELECT (SELECT array_agg(a::text ORDER BY u) FROM (SELECT u, attribution_paths(dts(day), ch, is_conv, v, interval '3 days', 2, true) AS a FROM ev GROUP BY u) s)
     = (SELECT array_agg(a::text ORDER BY u) FROM (SELECT u, attribution_paths(dts(day), ch, is_conv, v, interval '3 days', 2, true) AS a
          FROM (SELECT * FROM ev ORDER BY md5(row(ev.*)::text)) e GROUP BY u) s) AS order_independent;
-- no rows -> {}
SELECT attribution_paths(dts(day), ch, is_conv, v) AS no_rows FROM ev WHERE false;
SELECT q, err(q) FROM (VALUES
  ($$SELECT attribution_paths(dts(day), ch, is_conv, v, interval '0 s', 1, false) FROM ev$$),
  ($$SELECT attribution_paths(dts(day), ch, is_conv, v, interval '-1 day', 1, false) FROM ev$$),
  ($$SELECT attribution_paths(dts(day), ch, is_conv, v, interval '1 day', -1, false) FROM ev$$),
  ($$SELECT attribution_paths(dts(day), ch, is_conv, v, interval '1 day', 1, NULL) FROM ev$$),
  ($$SELECT attribution_paths(dts(day), ch, is_conv, v, day * interval '1 day', 1, false) FROM ev$$),
  ($$SELECT attribution_paths(now(), 'a', true, 'NaN') FROM ev$$)
) v(q);

---------------------------------------------------------------- the whole flow
-- Raw tables as a marketing team has them: touches (user, time, channel)
-- and conversions (user, time, revenue). Paths are built per user, then fed
-- to attribution() (per conversion) and to the aggregates (per path).
CREATE TABLE touches (user_id int, ts timestamptz, channel text);
CREATE TABLE conversions (user_id int, ts timestamptz, revenue numeric);
INSERT INTO touches VALUES
  (1, '2026-03-01', 'Search'), (1, '2026-03-03', 'Email'), (1, '2026-03-05', 'Direct'),
  (2, '2026-03-02', 'Social'), (2, '2026-03-04', 'Search'),
  (3, '2026-03-01', 'Social'), (3, '2026-03-06', 'Email');
INSERT INTO conversions VALUES (1, '2026-03-05 12:00', 120), (2, '2026-03-04 18:00', 80);
CREATE VIEW journeys AS
SELECT user_id, j.*
  FROM (SELECT user_id,
               attribution_paths(ts, channel, is_conversion, value, interval '30 days', 10, true) AS paths
          FROM (SELECT user_id, ts, channel, false AS is_conversion, NULL::float8 AS value FROM touches
                UNION ALL
                SELECT user_id, ts, NULL, true, revenue::float8 FROM conversions) e
         GROUP BY user_id) u,
       unnest(paths) j;
SELECT user_id, path, conversion_ts, value, conversions, non_conversions FROM journeys ORDER BY user_id, conversion_ts;
-- linear credit per channel: user 1 120/3 to Search, Email, Direct; user 2
-- 80/2 to Social, Search -> Search 80, Email 40, Direct 40, Social 40
SELECT channel, round(sum(credit)::numeric, 9) AS revenue
  FROM journeys, unnest(path, attribution('linear', path, touch_ts, conversion_ts, value)) AS c(channel, credit)
 WHERE conversions > 0 GROUP BY channel ORDER BY revenue DESC, channel;
-- Markov over the same journeys (user 3 is the non-converting one):
-- start -> Search 1/3, Social 2/3; Search -> Email 1/2, conv 1/2;
-- Email -> Direct 1/2, null 1/2; Direct -> conv; Social -> Search 1/2,
-- Email 1/2. Conversion probabilities h: Direct 1, Email 1/2, Search 3/4,
-- Social 5/8; P(conv) = 1/3*3/4 + 2/3*5/8 = 2/3 (2 of 3 journeys).
-- Without Search: h(Social) = 1/4, P = 1/6, RE 3/4. Without Email:
-- h(Search) = 1/2, h(Social) = 1/4, P = 1/3, RE 1/2. Without Direct: the
-- same, RE 1/2. Without Social: P = 1/3*3/4 = 1/4, RE 5/8. Sum 19/8: credits
-- 2 * RE * 8/19 = Search 12/19, Social 10/19, Direct and Email 8/19.
SELECT * FROM credits((SELECT markov_attribution(path, conversions, non_conversions) FROM journeys));
SELECT * FROM credits((SELECT shapley_attribution(path, conversions, non_conversions) FROM journeys));

---------------------------------------------------------------- plain SQL cross-check
-- 20,000 random paths over 12 channels. Shapley has a one-line plain SQL
-- form (each converting row gives conversions / |its channel set| to each
-- channel of the set); Markov credits sum to the total conversions.
-- Not TEMP: parallel workers cannot scan temporary tables.
CREATE TABLE mp AS
SELECT g AS id, g % 7 AS grp,
       ARRAY(SELECT 'ch' || ((hashint8(g * 64 + k) & 65535) % 12) FROM generate_series(1, 1 + g % 9) k) AS path,
       CASE WHEN hashint8(g) & 3 = 0 THEN 1 + (g % 3) ELSE 0 END::bigint AS conv,
       CASE WHEN hashint8(g) & 3 = 0 THEN 0 ELSE 1 + (g % 2) END::bigint AS nulls
  FROM generate_series(1, 20000) g;
ANALYZE mp;
SELECT count(*) AS channels,
       count(*) FILTER (WHERE abs(s.conversions - r.credit) < 1e-9) AS same_as_plain_sql
  FROM unnest((SELECT shapley_attribution(path, conv, nulls) FROM mp)) s
  JOIN (SELECT ch, sum(conv::float8 / (SELECT count(DISTINCT x) FROM unnest(path) x)) AS credit
          FROM mp, LATERAL (SELECT DISTINCT x AS ch FROM unnest(path) x) d GROUP BY ch) r ON r.ch = s.channel;
SELECT abs((SELECT sum(conversions) FROM unnest((SELECT markov_attribution(path, conv, nulls) FROM mp)))
           - (SELECT sum(conv) FROM mp)) < 1e-6 AS markov_sums_to_total,
       (SELECT bool_and(removal_effect BETWEEN 0 AND 1) FROM unnest((SELECT markov_attribution(path, conv, nulls) FROM mp))) AS re_in_0_1;

---------------------------------------------------------------- parallel plans
-- Every aggregate of this file, over all rows at once and grouped; parallel
-- (hash and sorted grouping) = serial, bit for bit.
CREATE TABLE mp_ev AS
SELECT id % 1500 AS u, dts(0) + (hashint8(id) & 1023) * interval '1 hour' AS ts,
       path[1] AS ch, conv > 0 AS is_conv, (conv * 10)::float8 AS v
  FROM mp;
ANALYZE mp_ev;
CREATE VIEW mp_all_v AS
SELECT markov_attribution(path, conv, nulls)::text AS m,
       markov_attribution(path, conv, nulls, conv * 2.5)::text AS mv,
       markov_attribution(2, path, conv, nulls)::text AS m2,
       shapley_attribution(path, conv, nulls)::text AS s,
       md5(attribution_paths(dts(0) + id * interval '1 minute', path[1], conv > 0, conv::float8)::text) AS p
  FROM mp;
CREATE VIEW mp_group_v AS
SELECT md5(string_agg(concat_ws('|', g, m, s), '|' ORDER BY g)) AS digest, count(*) AS groups
  FROM (SELECT grp AS g, markov_attribution(path, conv, nulls)::text AS m,
               shapley_attribution(path, conv, nulls)::text AS s
          FROM mp GROUP BY grp) t;
CREATE VIEW mp_paths_v AS
SELECT md5(string_agg(a::text, '|' ORDER BY u)) AS digest, count(*) AS users
  FROM (SELECT u, attribution_paths(ts, ch, is_conv, v, interval '3 days', 4, true) AS a
          FROM mp_ev GROUP BY u) t;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) CREATE TABLE par_all AS SELECT * FROM mp_all_v;
CREATE TABLE par_all AS SELECT * FROM mp_all_v;
SET enable_sort = off;
EXPLAIN (COSTS OFF) CREATE TABLE par_group_hash AS SELECT * FROM mp_group_v;
CREATE TABLE par_group_hash AS SELECT * FROM mp_group_v;
EXPLAIN (COSTS OFF) CREATE TABLE par_paths_hash AS SELECT * FROM mp_paths_v;
CREATE TABLE par_paths_hash AS SELECT * FROM mp_paths_v;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) CREATE TABLE par_group_sort AS SELECT * FROM mp_group_v;
CREATE TABLE par_group_sort AS SELECT * FROM mp_group_v;
CREATE TABLE par_paths_sort AS SELECT * FROM mp_paths_v;
RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ser_all AS SELECT * FROM mp_all_v;
CREATE TABLE ser_group AS SELECT * FROM mp_group_v;
CREATE TABLE ser_paths AS SELECT * FROM mp_paths_v;
RESET max_parallel_workers_per_gather;
SELECT (SELECT row(a.*)::text FROM par_all a) = (SELECT row(s.*)::text FROM ser_all s) AS all_same,
       (SELECT digest FROM par_group_hash) = (SELECT digest FROM ser_group) AS group_hash_same,
       (SELECT digest FROM par_group_sort) = (SELECT digest FROM ser_group) AS group_sort_same,
       (SELECT digest FROM par_paths_hash) = (SELECT digest FROM ser_paths) AS paths_hash_same,
       (SELECT digest FROM par_paths_sort) = (SELECT digest FROM ser_paths) AS paths_sort_same,
       (SELECT groups FROM ser_group) AS groups, (SELECT users FROM ser_paths) AS users;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- the aggregate states of every query above, including those that failed
-- half-way, were destroyed with their memory contexts
SELECT live_objects() AS live_at_end;
SET client_min_messages = warning;
DROP SCHEMA attribution_test CASCADE;
RESET client_min_messages;
RESET search_path;
