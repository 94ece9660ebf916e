-- make demo: sample CRM data and analyses with rbitmap user tags, then
-- funnels, sequences and paths on an event log (version 1.1).
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

-- ---------------------------------------------------------------------------
-- Funnels (version 1.1): an event log of 20,000 users, built from hash rules
-- so that every run gives the same numbers.
-- ---------------------------------------------------------------------------

-- One row per event. Every user visits once (a fifth come back 3 days later);
-- some browse, sign up, put something in the cart and purchase, with
-- drop-off at each step that depends on the user's channel.
CREATE TABLE events (user_id int NOT NULL, ts timestamptz NOT NULL, event text NOT NULL, channel text NOT NULL);
INSERT INTO events
SELECT u.user_id, e.ts, e.event, u.channel
FROM (SELECT g AS user_id,
             (ARRAY['ads', 'email', 'seo', 'social'])[1 + (hashint4(g) & 3)] AS channel,
             timestamptz '2026-03-01 00:00+00' + (hashint4(g + 100000) & 65535) * interval '40 seconds' AS t0,
             abs(hashint4(g + 200000)) % 100 AS r_signup,   -- drop-off draws, 0..99
             abs(hashint4(g + 300000)) % 100 AS r_cart,
             abs(hashint4(g + 400000)) % 100 AS r_purchase,
             abs(hashint4(g + 500000)) % 100 AS r_other,
             abs(hashint4(g + 600000)) % 60 AS signup_min,  -- delays, in minutes
             abs(hashint4(g + 700000)) % 600 AS cart_min,
             (abs(hashint4(g + 800000)) % 100) ^ 2 / 4 AS purchase_min  -- 0 .. 40 hours, mostly short
      FROM generate_series(1, 20000) g) AS u,
LATERAL (SELECT u.t0 + (5 + u.signup_min) * interval '1 minute' AS t_signup,
                u.t0 + (65 + u.signup_min + u.cart_min) * interval '1 minute' AS t_cart,
                CASE u.channel WHEN 'ads' THEN 30 WHEN 'email' THEN 55 WHEN 'seo' THEN 40 ELSE 20 END AS signup_pct) AS p,
LATERAL (VALUES
  (u.t0, 'visit'),
  (CASE WHEN u.r_other < 35 THEN u.t0 + interval '2 minutes' END, 'browse'),
  (CASE WHEN u.r_signup < p.signup_pct THEN p.t_signup END, 'signup'),
  (CASE WHEN u.r_signup < p.signup_pct AND u.r_cart < 60 THEN p.t_cart END, 'cart'),
  (CASE WHEN u.r_signup < p.signup_pct AND u.r_cart < 60 AND u.r_purchase < 70
        THEN p.t_cart + u.purchase_min * interval '1 minute' END, 'purchase'),
  (CASE WHEN u.r_other % 5 = 0 THEN u.t0 + interval '3 days' END, 'visit')
) AS e(ts, event)
WHERE e.ts IS NOT NULL;
ANALYZE events;

-- The funnel visit -> signup -> cart -> purchase, each step within 1 day of the visit.
CREATE TEMP VIEW user_funnel AS
SELECT user_id, min(channel) AS channel,
       window_funnel(interval '1 day', ts,
                     event = 'visit', event = 'signup', event = 'cart', event = 'purchase') AS level,
       window_funnel_times(interval '1 day', ts,
                           event = 'visit', event = 'signup', event = 'cart', event = 'purchase') AS times
FROM events GROUP BY user_id;

\echo
\echo '== Funnel: users per step (window_funnel + funnel_counts), window 1 day'
SELECT k AS step, name, c[k] AS users,
       round(100.0 * c[k] / c[1], 1) AS pct_of_visits,
       round(100.0 * c[k] / c[k - 1], 1) AS pct_of_previous_step
FROM (SELECT funnel_counts(level, 4) AS c FROM user_funnel) AS f,
     unnest(ARRAY['visit', 'signup', 'cart', 'purchase']) WITH ORDINALITY AS s(name, k)
ORDER BY k;

\echo '   ... users who reached signup, with plain SQL (a self-join; must equal step 2 above):'
SELECT count(DISTINCT v.user_id) AS signup_within_1_day_plain_sql
FROM events v
JOIN events s ON s.user_id = v.user_id AND s.event = 'signup'
             AND s.ts >= v.ts AND s.ts <= v.ts + interval '1 day'
WHERE v.event = 'visit';

\echo
\echo '== The same funnel per acquisition channel'
SELECT channel, c[1] AS visit, c[2] AS signup, c[3] AS cart, c[4] AS purchase,
       round(100.0 * c[2] / c[1], 1) AS signup_pct, round(100.0 * c[4] / c[1], 1) AS purchase_pct
FROM (SELECT channel, funnel_counts(level, 4) AS c FROM user_funnel GROUP BY channel) AS f
ORDER BY channel;

\echo
\echo '== Time from the visit to each step (window_funnel_times): median and 90th percentile'
SELECT s.k + 1 AS step, (ARRAY['visit', 'signup', 'cart', 'purchase'])[s.k + 1] AS name, count(*) AS users,
       date_trunc('second', percentile_cont(0.5) WITHIN GROUP (ORDER BY s.t)) AS median,
       date_trunc('second', percentile_cont(0.9) WITHIN GROUP (ORDER BY s.t)) AS p90
FROM user_funnel, unnest(times) WITH ORDINALITY AS s(t, k)
GROUP BY s.k ORDER BY step;

\echo
\echo '== Users who purchased within an hour of a cart (sequence_match with a time constraint)'
SELECT count(*) FILTER (WHERE quick) AS cart_to_purchase_within_1h, count(*) AS users
FROM (SELECT user_id, sequence_match('(?1)(?t<=3600)(?2)', ts, event = 'cart', event = 'purchase') AS quick
      FROM events GROUP BY user_id) AS s;

\echo
\echo '== Top 5 paths: the visit and the next 3 events (path_after)'
SELECT path, count(*) AS users
FROM (SELECT user_id, path_after(ts, event, event = 'visit', 4) AS path FROM events GROUP BY user_id) AS p
GROUP BY path ORDER BY users DESC, path LIMIT 5;

-- ---------------------------------------------------------------------------
-- Retention and sessions (version 1.2): 2,000 users sign up over four weeks
-- from Monday 2026-03-02 and come back on some of the next 41 days (less
-- often as time passes), up to twice a day; each visit is an 'open' and up
-- to three 'view's 4 minutes apart. Deterministic, times in UTC.
-- ---------------------------------------------------------------------------
SET timezone = 'UTC';
CREATE TABLE app_events (user_id int NOT NULL, ts timestamptz NOT NULL, event text NOT NULL);
INSERT INTO app_events
SELECT u, timestamptz '2026-03-02 08:00+00' + (u % 28) * interval '1 day'
            + ((hashint4(u) & 1023) % 720) * interval '1 minute', 'signup'
FROM generate_series(1, 2000) u;
INSERT INTO app_events
SELECT s.user_id, s.ts + j * interval '1 day' + v * interval '5 hours' + e * interval '4 minutes',
       CASE WHEN e = 0 THEN 'open' ELSE 'view' END
FROM (SELECT user_id, ts FROM app_events WHERE event = 'signup') s,
     generate_series(1, 41) j, generate_series(0, 1) v, generate_series(0, 3) e
WHERE (hashint4(s.user_id * 1000 + j * 10 + v) & 1023) < 1024 * 0.5 * power(0.93, j) * (1 - v * 0.6)
  AND e <= (hashint4(s.user_id * 7 + j * 3 + v) & 3);
ANALYZE app_events;

\echo
\echo '== Cohort retention: sign-up week x weeks after the sign-up, % of the cohort that opened the app'
\echo '   (retention_periods per user, retention_counts per cohort)'
SELECT cohort_week, c[1] AS users,
       round(100.0 * c[2] / c[1], 1) AS "week 1 %", round(100.0 * c[3] / c[1], 1) AS "week 2 %",
       round(100.0 * c[4] / c[1], 1) AS "week 3 %", round(100.0 * c[5] / c[1], 1) AS "week 4 %"
FROM (SELECT cohort_week, retention_counts(r) AS c
      FROM (SELECT user_id, date_trunc('week', min(ts) FILTER (WHERE event = 'signup'))::date AS cohort_week,
                   retention_periods(event = 'signup', ts, event = 'open', interval '1 week', 4) AS r
            FROM app_events GROUP BY user_id) AS u
      GROUP BY cohort_week) AS t
ORDER BY cohort_week;

\echo
\echo '== Day-N retention of all users: rolling days, calendar days and unbounded (day N or later)'
SELECT k - 1 AS day, rolling[k] AS rolling_users, calendar[k] AS calendar_day_users,
       unbounded[k] AS on_or_after_users, round(100.0 * rolling[k] / rolling[1], 1) AS rolling_pct
FROM (SELECT retention_counts(r) AS rolling, retention_counts(c) AS calendar, retention_counts(o) AS unbounded
      FROM (SELECT user_id,
                   retention_periods(event = 'signup', ts, event = 'open', interval '1 day', 7) AS r,
                   retention_periods(event = 'signup', ts, event = 'open', interval '1 day', 7, 'calendar') AS c,
                   retention_periods(event = 'signup', ts, event = 'open', interval '1 day', 7, 'on_or_after') AS o
            FROM app_events GROUP BY user_id) AS u) AS t,
     generate_series(1, 8) AS k
ORDER BY k;

\echo
\echo '   ... users back on day 1 with plain SQL (a join on the anchor; must equal day 1 above):'
SELECT count(DISTINCT s.user_id) AS day1_plain_sql
FROM app_events s
JOIN app_events o ON o.user_id = s.user_id AND o.event = 'open'
                 AND o.ts >= s.ts + interval '1 day' AND o.ts < s.ts + interval '2 days'
WHERE s.event = 'signup';

\echo
\echo '== Sessions (30-minute inactivity gap, GA4 style): site-wide statistics from session_summary'
SELECT count(*) AS users, sum((s).sessions) AS sessions, round(avg((s).sessions), 1) AS sessions_per_user,
       round(sum((s).events)::numeric / sum((s).sessions), 2) AS events_per_session,
       justify_hours(sum((s).total_duration) / sum((s).sessions)) AS avg_session_length,
       round(100.0 * sum((s).bounces) / sum((s).sessions), 1) AS bounce_rate_pct
FROM (SELECT user_id, session_summary(ts, interval '30 minutes') AS s FROM app_events GROUP BY user_id) AS u;

\echo
\echo '== One user''s first sessions (session_number and session_start as window functions)'
SELECT ts, event,
       session_number(ts, interval '30 minutes') OVER w AS session,
       session_start(ts, interval '30 minutes') OVER w AS session_start
FROM app_events WHERE user_id = 3 AND ts < '2026-03-09'
WINDOW w AS (PARTITION BY user_id ORDER BY ts)
ORDER BY ts;

\echo
\echo '== Sessions per week of their start; the same count with plain SQL (a row more than 30 minutes'
\echo '   after the previous one of its user starts a session: lag), which must be equal'
SELECT w.week, w.sessions, w.bounces, p.sessions AS sessions_plain_sql
FROM (SELECT date_trunc('week', start)::date AS week, count(*) AS sessions,
             count(*) FILTER (WHERE events = 1) AS bounces
      FROM (SELECT user_id, n, min(ts) AS start, count(*) AS events
            FROM (SELECT user_id, ts, session_number(ts, interval '30 minutes')
                                        OVER (PARTITION BY user_id ORDER BY ts) AS n
                  FROM app_events) AS x
            GROUP BY user_id, n) AS y
      GROUP BY 1) AS w
JOIN (SELECT date_trunc('week', ts)::date AS week, count(*) AS sessions
      FROM (SELECT ts, ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) AS gap FROM app_events) AS z
      WHERE gap IS NULL OR gap > interval '30 minutes'
      GROUP BY 1) AS p USING (week)
ORDER BY w.week;

-- ---------------------------------------------------------------------------
-- Marketing attribution (1.3): which channels get the credit for purchases?
-- Touches: 1 to 4 marketing touches per user of the event log above, in the
-- days before the user's first visit, channel from a hash; conversions: the
-- purchases. Deterministic.
CREATE TABLE touches AS
SELECT e.user_id,
       e.first_visit - (k * 37 + (hashint4(e.user_id * 7 + k) & 1023)) * interval '1 minute' AS ts,
       (ARRAY['paid_search', 'social', 'email', 'display', 'direct'])
         [1 + ((hashint4(e.user_id * 31 + k) & 65535) % 5)] AS channel
FROM (SELECT user_id, min(ts) AS first_visit FROM events WHERE event = 'visit' GROUP BY user_id) e,
     generate_series(0, 3) k
WHERE k <= (hashint4(e.user_id) & 3);
CREATE TABLE purchases AS
SELECT user_id, ts, 50 + (hashint4(user_id) & 127) AS revenue FROM events WHERE event = 'purchase';

CREATE TABLE journeys AS
SELECT u.user_id, j.*
FROM (SELECT user_id,
             attribution_paths(ts, channel, is_conversion, value, interval '30 days', 10, true) AS paths
      FROM (SELECT user_id, ts, channel, false AS is_conversion, NULL::float8 AS value FROM touches
            UNION ALL
            SELECT user_id, ts, NULL, true, revenue::float8 FROM purchases) AS s
      GROUP BY user_id) AS u,
     unnest(u.paths) AS j;

\echo
\echo '== Journeys: converting and not, from touches within 30 days before each purchase'
SELECT count(*) FILTER (WHERE conversions > 0) AS converting, count(*) FILTER (WHERE non_conversions > 0) AS not_converting,
       round(avg(cardinality(path)), 2) AS avg_touches
FROM journeys;

\echo
\echo '== Revenue credited per channel: rule-based models (attribution) and exact Markov removal effects'
SELECT r.channel, r.last_touch, r.linear, r.position_based, round(m.conversions::numeric, 2) AS markov_value,
       round(m.removal_effect::numeric, 4) AS markov_removal_effect
FROM (SELECT channel,
             round(sum(credit) FILTER (WHERE model = 'last_touch')::numeric, 2) AS last_touch,
             round(sum(credit) FILTER (WHERE model = 'linear')::numeric, 2) AS linear,
             round(sum(credit) FILTER (WHERE model = 'position_based')::numeric, 2) AS position_based
      FROM journeys,
           unnest(ARRAY['last_touch', 'linear', 'position_based']) AS model,
           unnest(path, attribution(model, path, touch_ts, conversion_ts, value)) AS a(channel, credit)
      WHERE conversions > 0 AND cardinality(path) > 0
      GROUP BY channel) r
JOIN (SELECT (c).* FROM (SELECT unnest(markov_attribution(path, conversions, non_conversions, coalesce(value, 0))) AS c
                         FROM journeys) x) m USING (channel)
ORDER BY r.linear DESC;
\echo '   ... every model shares out the same revenue (sum over channels; purchases with no touch are not credited):'
SELECT round(sum(value)::numeric, 2) AS revenue_of_journeys_with_touches
FROM journeys WHERE conversions > 0 AND cardinality(path) > 0;

-- ---------------------------------------------------------------------------
-- Customer data layer (1.4): one person per identity graph component, dense
-- ids for bitmaps, a tag store and audience expressions.
-- Logins: every user of the event log above logged in on their device;
-- every fifth user's device also saw the next user's login (a household).
CREATE TABLE logins AS
SELECT 'device:' || user_id AS device, 'crm:' || user_id AS login
FROM (SELECT DISTINCT user_id FROM events) u
UNION ALL
SELECT 'device:' || user_id, 'crm:' || (user_id + 1)
FROM (SELECT DISTINCT user_id FROM events) u WHERE user_id % 5 = 0;

CREATE TABLE identity_map AS
SELECT id, person_id FROM cdp_resolve_identities('SELECT device, login FROM logins');

\echo
\echo '== Identity resolution: identifiers, persons (connected components), largest household'
SELECT count(*) AS identifiers, count(DISTINCT person_id) AS persons,
       max(n) AS largest_person
FROM identity_map JOIN (SELECT person_id, count(*) AS n FROM identity_map GROUP BY 1) c USING (person_id);

-- Tags from SQL rules over person ids: purchasers, channel of acquisition
-- (cdp_tag_set returns the tag's size; not printed).
\o /dev/null
SELECT cdp_tag_set('purchased', rb_build_agg(m.person_id::int))
FROM events e JOIN identity_map m ON m.id = 'crm:' || e.user_id WHERE e.event = 'purchase';
SELECT cdp_tag_set('channel:' || channel, rb_build_agg(m.person_id::int))
FROM (SELECT DISTINCT user_id, channel FROM events) e JOIN identity_map m ON m.id = 'crm:' || e.user_id
GROUP BY channel;
\o

\echo
\echo '== The tag store (cdp_tags)'
SELECT tag, rb_cardinality(users) AS persons FROM cdp_tags ORDER BY tag;

\echo
\echo '== Audience: bought, came from ads or social, but not by e-mail (cdp_audience)'
SELECT rb_cardinality(cdp_audience('purchased & ("channel:ads" | "channel:social") - "channel:email"')) AS audience;

\echo
\echo '== One person''s tags, found from any of their identifiers (cdp_user_tags)'
SELECT m.id, cdp_user_tags(m.person_id::int) AS tags
FROM identity_map m WHERE m.id IN ('crm:10', 'crm:11', 'device:10') ORDER BY m.id;
