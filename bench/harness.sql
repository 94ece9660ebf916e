-- Timing harness: times a query inside the server, so client round trips
-- and result printing are excluded.
--
--   bench_once(query)               one execution: wall-clock ms + result
--   bench_measure(name, warmups, reps)
--        runs the query of bench_query `name`: first one EXPLAIN (ANALYZE)
--        warm-up, which also records the plan that really ran (parallel
--        workers planned / launched, top plan nodes), then warmups-1 more
--        warm-ups, then `reps` timed runs (at least 21 when the warm-up took
--        under 200 ms: more runs cost nothing there and steady the median
--        of millisecond queries); stores every run, the median and whether
--        all runs returned the same result in bench_result.
--
-- Every benchmark query returns exactly one scalar (a count or a
-- cardinality): the query runs to completion inside the server, and the
-- results of the competing queries can be compared.
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS bench_result CASCADE;  -- and the bench_report view
CREATE TABLE bench_result (
  name             text PRIMARY KEY,
  runs_ms          float8[] NOT NULL,
  median_ms        float8 NOT NULL,
  result           text,
  stable           boolean NOT NULL,  -- every run returned the same result
  workers_planned  int NOT NULL,
  workers_launched int NOT NULL,
  plan             text NOT NULL      -- node types, outermost first
);

CREATE OR REPLACE FUNCTION bench_once(query text, OUT ms float8, OUT result text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  EXECUTE query INTO STRICT result;
  ms := 1000 * extract(epoch FROM clock_timestamp() - t0)::float8;
END
$$;

CREATE OR REPLACE FUNCTION bench_median(v float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) AS x
$$;

CREATE OR REPLACE FUNCTION bench_measure(p_name text, p_warmups int DEFAULT 1, p_reps int DEFAULT 5)
RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  q         text;
  plan_json jsonb;
  planned   int;
  launched  int;
  nodes     text;
  one       record;
  runs      float8[] := '{}';
  results   text[] := '{}';
  med       float8;
  t0        timestamptz;
  warm_ms   float8;
  n         int;
BEGIN
  SELECT query INTO STRICT q FROM bench_query WHERE name = p_name;
  -- Per-query settings, local to this call's transaction.
  FOR one IN SELECT split_part(kv, '=', 1) AS k, split_part(kv, '=', 2) AS v
               FROM bench_query, unnest(string_to_array(settings, ',')) AS kv
              WHERE name = p_name LOOP
    PERFORM set_config(one.k, one.v, true);
  END LOOP;

  -- Warm-up 1: the same query under EXPLAIN ANALYZE (no per-node timing),
  -- to learn whether the executed plan was parallel.
  t0 := clock_timestamp();
  EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO plan_json;
  warm_ms := 1000 * extract(epoch FROM clock_timestamp() - t0)::float8;
  n := CASE WHEN warm_ms < 200 THEN greatest(p_reps, 21) ELSE p_reps END;
  SELECT coalesce(sum(v::int), 0) INTO planned
    FROM jsonb_path_query(plan_json, 'strict $.**."Workers Planned"') AS v;
  SELECT coalesce(sum(v::int), 0) INTO launched
    FROM jsonb_path_query(plan_json, 'strict $.**."Workers Launched"') AS v;
  SELECT string_agg(v #>> '{}', ' > ') INTO nodes
    FROM jsonb_path_query(plan_json, 'strict $.**."Node Type"') AS v;

  FOR i IN 2 .. p_warmups LOOP
    PERFORM bench_once(q);
  END LOOP;

  FOR i IN 1 .. n LOOP
    one := bench_once(q);
    runs := runs || one.ms;
    results := results || one.result;
  END LOOP;

  med := bench_median(runs);
  INSERT INTO bench_result AS r
  VALUES (p_name, runs, med, results[1],
          (SELECT count(DISTINCT x) = 1 FROM unnest(results) AS x),
          planned, launched, coalesce(nodes, ''))
  ON CONFLICT (name) DO UPDATE
    SET runs_ms = excluded.runs_ms, median_ms = excluded.median_ms,
        result = excluded.result, stable = excluded.stable,
        workers_planned = excluded.workers_planned,
        workers_launched = excluded.workers_launched, plan = excluded.plan;

  RETURN format('%-30s median %9s ms  %s runs: %s  result %s  workers %s/%s',
                p_name, round(med::numeric, 2), n,
                (SELECT string_agg(round(x::numeric, 1)::text, ' ') FROM unnest(runs[1:7]) AS x)
                  || CASE WHEN n > 7 THEN ' ...' ELSE '' END,
                results[1], launched, planned);
END
$$;
