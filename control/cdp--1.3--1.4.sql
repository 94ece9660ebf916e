-- cdp extension, upgrade 1.3 -> 1.4: the customer data layer (SQL API
-- section 6) and the GIN operator class of rbitmap (section 5).
-- A fresh CREATE EXTENSION runs cdp--1.0.sql and the update scripts in turn.
\echo Use "ALTER EXTENSION cdp UPDATE TO '1.4'" to load this file. \quit

------------------------------------------------------------------------------
-- GIN operator class for rbitmap
------------------------------------------------------------------------------

CREATE FUNCTION rb_gin_extract_value(rbitmap, internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_gin_extract_value' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_gin_extract_value(rbitmap, internal, internal) IS
  'GIN support (rbitmap_gin_ops): the elements of an indexed rbitmap as int4 keys';

CREATE FUNCTION rb_gin_extract_query(rbitmap, internal, int2, internal, internal, internal, internal)
  RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_rb_gin_extract_query' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_gin_extract_query(rbitmap, internal, int2, internal, internal, internal, internal) IS
  'GIN support (rbitmap_gin_ops): the int4 keys of a query (an rbitmap, or an int4 for @> int4)';

CREATE FUNCTION rb_gin_consistent(internal, int2, rbitmap, int4, internal, internal, internal, internal)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'cdp_rb_gin_consistent' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_gin_consistent(internal, int2, rbitmap, int4, internal, internal, internal, internal) IS
  'GIN support (rbitmap_gin_ops): does an indexed row match, given which query keys it holds';

CREATE FUNCTION rb_gin_triconsistent(internal, int2, rbitmap, int4, internal, internal, internal)
  RETURNS "char"
  AS 'MODULE_PATHNAME', 'cdp_rb_gin_triconsistent' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rb_gin_triconsistent(internal, int2, rbitmap, int4, internal, internal, internal) IS
  'GIN support (rbitmap_gin_ops): ternary form of rb_gin_consistent';

CREATE OPERATOR CLASS rbitmap_gin_ops DEFAULT FOR TYPE rbitmap USING gin AS
  OPERATOR 1 && (rbitmap, rbitmap),
  OPERATOR 2 @> (rbitmap, rbitmap),
  OPERATOR 3 <@ (rbitmap, rbitmap),
  OPERATOR 4 = (rbitmap, rbitmap),
  OPERATOR 5 @> (rbitmap, integer),
  FUNCTION 1 btint4cmp(integer, integer),
  FUNCTION 2 rb_gin_extract_value(rbitmap, internal, internal),
  FUNCTION 3 rb_gin_extract_query(rbitmap, internal, int2, internal, internal, internal, internal),
  FUNCTION 4 rb_gin_consistent(internal, int2, rbitmap, int4, internal, internal, internal, internal),
  FUNCTION 6 rb_gin_triconsistent(internal, int2, rbitmap, int4, internal, internal, internal),
  STORAGE integer;
COMMENT ON OPERATOR CLASS rbitmap_gin_ops USING gin IS
  'GIN index on rbitmap elements: && and @> (rbitmap or int4) exact, <@ and = with recheck';
COMMENT ON OPERATOR FAMILY rbitmap_gin_ops USING gin IS
  'GIN index on rbitmap elements';

------------------------------------------------------------------------------
-- dense ids: external text ids <-> int4 ids 1..2147483647 for rbitmaps
------------------------------------------------------------------------------

CREATE SEQUENCE cdp_dense_ids_id_seq AS integer MINVALUE 1 MAXVALUE 2147483647 NO CYCLE;
CREATE TABLE cdp_dense_ids (
  id integer PRIMARY KEY DEFAULT nextval('cdp_dense_ids_id_seq'),
  external_id text COLLATE "C" NOT NULL UNIQUE
);
ALTER SEQUENCE cdp_dense_ids_id_seq OWNED BY cdp_dense_ids.id;
SELECT pg_catalog.pg_extension_config_dump('cdp_dense_ids', '');
SELECT pg_catalog.pg_extension_config_dump('cdp_dense_ids_id_seq', '');
COMMENT ON TABLE cdp_dense_ids IS
  'dense ids of the cdp extension: one int4 id (1..2147483647, never reused or changed) per external id; dumped by pg_dump';
COMMENT ON COLUMN cdp_dense_ids.id IS 'dense id, usable as an rbitmap element';
COMMENT ON COLUMN cdp_dense_ids.external_id IS 'the external identifier (any non-empty text)';
COMMENT ON SEQUENCE cdp_dense_ids_id_seq IS
  'source of dense ids; values taken by aborted transactions or lost races are skipped, never reused';

CREATE FUNCTION cdp_dense_id(external_id text) RETURNS integer
LANGUAGE plpgsql STRICT VOLATILE PARALLEL UNSAFE AS $$
#variable_conflict use_column
DECLARE
  r integer;
BEGIN
  IF external_id = '' THEN
    RAISE EXCEPTION 'cdp_dense_id: external id must not be empty' USING ERRCODE = '22023';
  END IF;
  SELECT d.id INTO r FROM cdp_dense_ids d WHERE d.external_id = cdp_dense_id.external_id;
  IF FOUND THEN
    RETURN r;
  END IF;
  IF (SELECT is_called AND last_value >= 2147483647 FROM cdp_dense_ids_id_seq) THEN
    RAISE EXCEPTION 'cdp_dense_id: the dense id space is exhausted (all ids 1..2147483647 are taken)'
      USING ERRCODE = '54000',
            HINT = 'Dense ids are never reused. Map the ids of another id space in a separate database.';
  END IF;
  INSERT INTO cdp_dense_ids AS d (external_id) VALUES (cdp_dense_id.external_id)
    ON CONFLICT (external_id) DO NOTHING RETURNING d.id INTO r;
  IF r IS NULL THEN  -- a concurrent session created it first (and committed)
    SELECT d.id INTO r FROM cdp_dense_ids d WHERE d.external_id = cdp_dense_id.external_id;
  END IF;
  RETURN r;
END $$;
COMMENT ON FUNCTION cdp_dense_id(text) IS
  'dense int4 id of an external id, created on first use; safe under concurrent sessions; never reuses or changes an id';

CREATE FUNCTION cdp_dense_ids(external_ids text[]) RETURNS integer[]
LANGUAGE plpgsql STRICT VOLATILE PARALLEL UNSAFE AS $$
#variable_conflict use_column
DECLARE
  result integer[];
  missing text[];
  last bigint;
  called boolean;
BEGIN
  -- the ids that exist (one index probe per element, in array order)
  result := ARRAY(SELECT (SELECT d.id FROM cdp_dense_ids d WHERE d.external_id = u.x)
                  FROM unnest(external_ids) u(x));
  IF array_position(result, NULL) IS NULL THEN
    RETURN result;
  END IF;
  -- the distinct external ids that have none yet
  SELECT array_agg(DISTINCT v.x COLLATE "C" ORDER BY v.x COLLATE "C") INTO missing
    FROM unnest(external_ids, result) v(x, i) WHERE v.i IS NULL AND v.x IS NOT NULL;
  IF missing IS NULL THEN  -- only NULL elements
    RETURN result;
  END IF;
  IF '' = ANY (missing) THEN
    RAISE EXCEPTION 'cdp_dense_ids: external ids must not be empty' USING ERRCODE = '22023';
  END IF;
  SELECT last_value, is_called INTO last, called FROM cdp_dense_ids_id_seq;
  IF called AND last + cardinality(missing) > 2147483647 THEN
    RAISE EXCEPTION 'cdp_dense_ids: the dense id space is exhausted (% new ids needed, % left)',
      cardinality(missing), 2147483647 - last
      USING ERRCODE = '54000',
            HINT = 'Dense ids are never reused. Nothing was written.';
  END IF;
  -- New ids are inserted in sorted (byte) order: concurrent bulk calls then
  -- take their locks in one order and cannot deadlock each other.
  INSERT INTO cdp_dense_ids (external_id)
  SELECT x FROM unnest(missing) x ORDER BY x COLLATE "C"
  ON CONFLICT (external_id) DO NOTHING;
  RETURN ARRAY(SELECT (SELECT d.id FROM cdp_dense_ids d WHERE d.external_id = u.x)
               FROM unnest(external_ids) u(x));
END $$;
COMMENT ON FUNCTION cdp_dense_ids(text[]) IS
  'bulk cdp_dense_id: dense ids of an array of external ids, same order (NULL stays NULL); all or nothing';

CREATE FUNCTION cdp_external_id(dense_id integer) RETURNS text
LANGUAGE sql STRICT STABLE PARALLEL SAFE AS
$$ SELECT d.external_id FROM cdp_dense_ids d WHERE d.id = dense_id $$;
COMMENT ON FUNCTION cdp_external_id(integer) IS
  'external id of a dense id (NULL when the dense id was never assigned)';

CREATE FUNCTION cdp_external_ids(dense_ids integer[]) RETURNS text[]
LANGUAGE sql STRICT STABLE PARALLEL SAFE AS
$$ SELECT ARRAY(SELECT d.external_id FROM unnest(dense_ids) WITH ORDINALITY u(i, o)
                LEFT JOIN cdp_dense_ids d ON d.id = u.i ORDER BY u.o) $$;
COMMENT ON FUNCTION cdp_external_ids(integer[]) IS
  'bulk cdp_external_id: external ids of an array of dense ids, same order (NULL for unknown ids)';

------------------------------------------------------------------------------
-- identity resolution
------------------------------------------------------------------------------

CREATE FUNCTION cdp_resolve_identities(edges_query text)
  RETURNS TABLE (id text, person_id bigint)
  AS 'MODULE_PATHNAME', 'cdp_resolve_identities' LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE ROWS 1000;
COMMENT ON FUNCTION cdp_resolve_identities(text) IS
  'connected components of an identity graph: runs edges_query (two text columns), returns each identifier with its person id = the smallest dense id (cdp_dense_id) in its component';

------------------------------------------------------------------------------
-- tag store and audiences
------------------------------------------------------------------------------

CREATE TABLE cdp_tags (
  tag text PRIMARY KEY,
  users rbitmap NOT NULL DEFAULT '{}'
);
SELECT pg_catalog.pg_extension_config_dump('cdp_tags', '');
COMMENT ON TABLE cdp_tags IS
  'tag store of the cdp extension: one bitmap of dense user ids per tag; dumped by pg_dump';
COMMENT ON COLUMN cdp_tags.tag IS 'tag name';
COMMENT ON COLUMN cdp_tags.users IS 'dense ids (cdp_dense_id) of the users with the tag';

CREATE FUNCTION cdp_tag_add(tag text, users rbitmap) RETURNS bigint
LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE AS $$
  INSERT INTO cdp_tags AS t (tag, users) VALUES (cdp_tag_add.tag, cdp_tag_add.users)
  ON CONFLICT (tag) DO UPDATE SET users = t.users | EXCLUDED.users
  RETURNING rb_cardinality(t.users)
$$;
COMMENT ON FUNCTION cdp_tag_add(text, rbitmap) IS
  'adds users to a tag (creating it); returns the new number of users of the tag';

CREATE FUNCTION cdp_tag_add(tag text, users integer[]) RETURNS bigint
LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE AS
$$ SELECT cdp_tag_add(tag, rb_build(users)) $$;
COMMENT ON FUNCTION cdp_tag_add(text, integer[]) IS
  'adds the dense ids of an array to a tag (creating it); returns the new number of users of the tag';

CREATE FUNCTION cdp_tag_remove(tag text, users rbitmap) RETURNS bigint
LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE AS $$
  UPDATE cdp_tags t SET users = t.users - cdp_tag_remove.users WHERE t.tag = cdp_tag_remove.tag
  RETURNING rb_cardinality(t.users)
$$;
COMMENT ON FUNCTION cdp_tag_remove(text, rbitmap) IS
  'removes users from a tag (the tag stays, possibly empty); returns the new number of users, NULL when the tag does not exist';

CREATE FUNCTION cdp_tag_remove(tag text, users integer[]) RETURNS bigint
LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE AS
$$ SELECT cdp_tag_remove(tag, rb_build(users)) $$;
COMMENT ON FUNCTION cdp_tag_remove(text, integer[]) IS
  'removes the dense ids of an array from a tag; returns the new number of users, NULL when the tag does not exist';

CREATE FUNCTION cdp_tag_set(tag text, users rbitmap) RETURNS bigint
LANGUAGE sql STRICT VOLATILE PARALLEL UNSAFE AS $$
  INSERT INTO cdp_tags AS t (tag, users) VALUES (cdp_tag_set.tag, cdp_tag_set.users)
  ON CONFLICT (tag) DO UPDATE SET users = EXCLUDED.users
  RETURNING rb_cardinality(t.users)
$$;
COMMENT ON FUNCTION cdp_tag_set(text, rbitmap) IS
  'replaces the users of a tag (creating it), e.g. from a SQL rule; returns the number of users';

CREATE FUNCTION cdp_tag_users(tag text) RETURNS rbitmap
LANGUAGE sql STRICT STABLE PARALLEL SAFE AS
$$ SELECT t.users FROM cdp_tags t WHERE t.tag = cdp_tag_users.tag $$;
COMMENT ON FUNCTION cdp_tag_users(text) IS
  'the users (dense ids) of a tag; NULL when the tag does not exist';

CREATE FUNCTION cdp_user_tags(dense_id integer) RETURNS text[]
LANGUAGE sql STRICT STABLE PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(t.tag ORDER BY t.tag), '{}') FROM cdp_tags t WHERE t.users @> dense_id $$;
COMMENT ON FUNCTION cdp_user_tags(integer) IS
  'the tags of one user (dense id), sorted; one membership test per tag';

CREATE FUNCTION cdp_audience(expr text) RETURNS rbitmap
  AS 'MODULE_PATHNAME', 'cdp_audience' LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_audience(text) IS
  'users of an audience expression over cdp_tags: tag names, & (and), | (or), - (and not), parentheses; & and - bind tighter than |';
