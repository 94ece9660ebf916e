# Sourced by the other scripts: a throwaway PostgreSQL 15 cluster.
#
#   cluster_start NAME [extra postgres -c settings...]
#       initdb + start a cluster in .cluster/NAME under the checkout, reachable
#       only through a unix socket in its own folder; exports PGHOST, PGPORT,
#       PGUSER, PGDATABASE for psql and pg_regress. Stops it on exit.
#   cluster_stop
#
# PostgreSQL refuses to run as root: when we are root the server runs as the
# `postgres` OS user that Debian's package creates. If that user cannot reach
# a folder under the checkout (e.g. the checkout sits in a private mktemp
# folder), the cluster goes to a private folder under /tmp instead.

CDP_ROOT=${CDP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PG_BINDIR=${PG_BINDIR:-$(/usr/lib/postgresql/15/bin/pg_config --bindir 2>/dev/null || pg_config --bindir)}
CLUSTER_DIR=
CLUSTER_OWNER=

as_owner() {
  if [[ -n "$CLUSTER_OWNER" ]]; then
    runuser -u "$CLUSTER_OWNER" -- "$@"
  else
    "$@"
  fi
}

CLUSTER_TMP_DIRS=()

cluster_stop() {
  if [[ -n "$CLUSTER_DIR" && -f "$CLUSTER_DIR/data/postmaster.pid" ]]; then
    as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  # Folders made under /tmp because the checkout was out of reach go too.
  local d
  for d in "${CLUSTER_TMP_DIRS[@]}"; do rm -rf "$d"; done
  CLUSTER_TMP_DIRS=()
}

cluster_start() {
  local name=${CDP_CLUSTER_NAME:-$1}
  shift
  if [[ $(id -u) -eq 0 ]]; then
    CLUSTER_OWNER=postgres
    id postgres >/dev/null 2>&1 || { echo "OS user postgres is missing (install postgresql-15)" >&2; return 1; }
  fi

  CLUSTER_DIR="$CDP_ROOT/.cluster/$name"
  # Stop a cluster left running by an interrupted earlier run.
  cluster_stop
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR"
  if [[ -n "$CLUSTER_OWNER" ]]; then
    chown "$CLUSTER_OWNER" "$CLUSTER_DIR"
    if ! runuser -u "$CLUSTER_OWNER" -- test -w "$CLUSTER_DIR"; then
      rm -rf "$CLUSTER_DIR"
      CLUSTER_DIR=$(mktemp -d "/tmp/cdp-$name.XXXXXX")
      CLUSTER_TMP_DIRS+=("$CLUSTER_DIR")
      chown "$CLUSTER_OWNER" "$CLUSTER_DIR"
      echo "note: $CDP_ROOT is not reachable by the postgres user; cluster in $CLUSTER_DIR"
    fi
  fi
  # Unix socket paths are limited to ~107 bytes.
  local sock="$CLUSTER_DIR/sock"
  if ((${#sock} > 90)); then
    sock=$(mktemp -d "/tmp/cdp-sock.XXXXXX")
    CLUSTER_TMP_DIRS+=("$sock")
    [[ -n "$CLUSTER_OWNER" ]] && chown "$CLUSTER_OWNER" "$sock"
  fi
  as_owner mkdir -p "$sock"
  local port=${CDP_PORT:-54329}

  as_owner "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 \
    || { cat "$CLUSTER_DIR/initdb.log" >&2; return 1; }

  local opts="-c listen_addresses='' -k $sock -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  local kv
  for kv in "$@"; do opts+=" -c $kv"; done
  as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
    -o "$opts" -w -t 60 start >/dev/null \
    || { cat "$CLUSTER_DIR/server.log" >&2; return 1; }
  trap cluster_stop EXIT

  export PGHOST=$sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres
}
