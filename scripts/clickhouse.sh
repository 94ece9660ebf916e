# shellcheck shell=bash
# Sourced by the differential test and the benchmark: a throwaway ClickHouse
# server (Debian's clickhouse-server 18.16) used as a reference peer.
#
#   clickhouse_available
#       0 when clickhouse-server and clickhouse-client are installed; installs
#       them with apt-get when root and missing. Non-zero (with the reason in
#       CLICKHOUSE_UNAVAILABLE) when that is impossible.
#   clickhouse_start DIR
#       a server whose data, logs and config live in DIR (made anew), on
#       127.0.0.1 only, on a free TCP port from 19000 up (exported as
#       CLICKHOUSE_PORT); runs as the `clickhouse` OS user (or `postgres`) when
#       we are root. Waits until `SELECT 1` answers (30 s at most). Stops it on
#       exit. When that user cannot reach DIR (e.g. a checkout in a private
#       mktemp folder), the server goes to a private folder under /tmp.
#   clickhouse_query [clickhouse-client args...]
#       clickhouse-client against that server (e.g. -q 'SELECT 1', or a query
#       with data on standard input).
#   clickhouse_stop
#       stops the server (and removes a /tmp fallback folder).

CLICKHOUSE_DIR=
CLICKHOUSE_PORT=
CLICKHOUSE_OWNER=
CLICKHOUSE_PID=
CLICKHOUSE_TMP_DIR=
CLICKHOUSE_UNAVAILABLE=

clickhouse_available() {
  local p status missing=()
  for p in clickhouse-server clickhouse-client; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -ne 0 ]]; then
      CLICKHOUSE_UNAVAILABLE="${missing[*]} not installed and not root (apt-get install ${missing[*]})"
      return 1
    fi
    echo "installing: ${missing[*]}"
    # The package's postinst starts the system service (on ports 8123/9000)
    # unless a policy-rc.d forbids it, as in containers: we never use that
    # service, so forbid it for the duration of the install.
    local own_policy=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\n# temporary, scripts/clickhouse.sh\nexit 101\n' >/usr/sbin/policy-rc.d \
        && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    clickhouse_apt_install "${missing[@]}"
    local rc=$?
    [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || return 1
  fi
  if ! command -v clickhouse-server >/dev/null || ! command -v clickhouse-client >/dev/null; then
    CLICKHOUSE_UNAVAILABLE="clickhouse-server / clickhouse-client not on PATH"
    return 1
  fi
  return 0
}

clickhouse_apt_install() {  # PACKAGES...
  local log=/tmp/cdp-clickhouse-apt.log
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1 && return 0
  # The package lists may be missing or stale: update once and retry.
  apt-get update -qq >>"$log" 2>&1 || true
  apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1 && return 0
  CLICKHOUSE_UNAVAILABLE="apt-get install $* failed: $(tail -1 "$log")"
  return 1
}

clickhouse_as_owner() {
  if [[ -n "$CLICKHOUSE_OWNER" ]]; then
    runuser -u "$CLICKHOUSE_OWNER" -- "$@"
  else
    "$@"
  fi
}

# First TCP port >= $1 that nothing listens on.
clickhouse_free_port() {
  local port=$1 used
  used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  while grep -qx "$port" <<<"$used" && ((port < 65000)); do port=$((port + 1)); done
  echo "$port"
}

clickhouse_query() {
  clickhouse-client --host 127.0.0.1 --port "$CLICKHOUSE_PORT" "$@"
}

clickhouse_stop() {
  if [[ -n "$CLICKHOUSE_PID" ]] && kill -0 "$CLICKHOUSE_PID" 2>/dev/null; then
    kill -TERM "$CLICKHOUSE_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 150; i++)); do
      kill -0 "$CLICKHOUSE_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$CLICKHOUSE_PID" 2>/dev/null; then
      kill -KILL "$CLICKHOUSE_PID" 2>/dev/null || true
    fi
  fi
  CLICKHOUSE_PID=
  if [[ -n "$CLICKHOUSE_TMP_DIR" ]]; then
    rm -rf "$CLICKHOUSE_TMP_DIR"
    CLICKHOUSE_TMP_DIR=
  fi
}

clickhouse_start() {
  local dir=$1
  if [[ $(id -u) -eq 0 ]]; then
    if id clickhouse >/dev/null 2>&1; then
      CLICKHOUSE_OWNER=clickhouse
    elif id postgres >/dev/null 2>&1; then
      CLICKHOUSE_OWNER=postgres
    else
      echo "clickhouse_start: no unprivileged OS user (clickhouse or postgres) to run the server" >&2
      return 1
    fi
  fi
  clickhouse_stop
  rm -rf "$dir"
  mkdir -p "$dir"
  if [[ -n "$CLICKHOUSE_OWNER" ]]; then
    chown "$CLICKHOUSE_OWNER" "$dir"
    if ! runuser -u "$CLICKHOUSE_OWNER" -- test -w "$dir"; then
      rm -rf "$dir"
      dir=$(mktemp -d /tmp/cdp-clickhouse.XXXXXX)
      CLICKHOUSE_TMP_DIR=$dir
      chown "$CLICKHOUSE_OWNER" "$dir"
      echo "note: the clickhouse server's folder is not reachable by $CLICKHOUSE_OWNER; server in $dir"
    fi
  fi
  CLICKHOUSE_DIR=$(cd "$dir" && pwd)
  dir=$CLICKHOUSE_DIR

  local src=/etc/clickhouse-server
  [[ -f $src/config.xml && -f $src/users.xml ]] || { echo "clickhouse_start: $src/config.xml missing" >&2; return 1; }

  local attempt port http_port
  for attempt in 1 2 3; do
    port=$(clickhouse_free_port $((19000 + (attempt - 1) * 10)))
    http_port=$(clickhouse_free_port $((port + 1)))
    clickhouse_as_owner mkdir -p "$dir/etc" "$dir/data/tmp" "$dir/data/user_files" \
      "$dir/data/format_schemas" "$dir/log"
    # The package's config with every path in DIR, our ports, 127.0.0.1 only,
    # no interserver port, UTC, and small caches.
    sed -e "s|<log>.*</log>|<log>$dir/log/clickhouse-server.log</log>|" \
        -e "s|<errorlog>.*</errorlog>|<errorlog>$dir/log/clickhouse-server.err.log</errorlog>|" \
        -e "s|<level>.*</level>|<level>warning</level>|" \
        -e "s|<tcp_port>.*</tcp_port>|<tcp_port>$port</tcp_port>|" \
        -e "s|<http_port>.*</http_port>|<http_port>$http_port</http_port>|" \
        -e "/<interserver_http_port>/d" \
        -e "s|<path>/var/lib/clickhouse/</path>|<path>$dir/data/</path>|" \
        -e "s|<tmp_path>.*</tmp_path>|<tmp_path>$dir/data/tmp/</tmp_path>|" \
        -e "s|<user_files_path>.*</user_files_path>|<user_files_path>$dir/data/user_files/</user_files_path>|" \
        -e "s|<format_schema_path>.*</format_schema_path>|<format_schema_path>$dir/data/format_schemas/</format_schema_path>|" \
        -e "s|<mark_cache_size>.*</mark_cache_size>|<mark_cache_size>268435456</mark_cache_size>|" \
        -e "s|<uncompressed_cache_size>.*</uncompressed_cache_size>|<uncompressed_cache_size>268435456</uncompressed_cache_size>|" \
        -e "s|<default_database>default</default_database>|&\n    <listen_host>127.0.0.1</listen_host>\n    <timezone>UTC</timezone>|" \
        "$src/config.xml" >"$dir/config.xml.tmp"
    clickhouse_as_owner cp "$dir/config.xml.tmp" "$dir/etc/config.xml"
    clickhouse_as_owner cp "$src/users.xml" "$dir/etc/users.xml"
    rm -f "$dir/config.xml.tmp"

    : >"$dir/log/stdout.log" 2>/dev/null || true
    [[ -n "$CLICKHOUSE_OWNER" ]] && chown "$CLICKHOUSE_OWNER" "$dir/log/stdout.log"
    # --daemon: detaches and writes its pid file; we stop it by that pid.
    clickhouse_as_owner clickhouse-server --daemon --config-file="$dir/etc/config.xml" \
      --pid-file="$dir/clickhouse.pid" >>"$dir/log/stdout.log" 2>&1
    CLICKHOUSE_PORT=$port
    trap 'clickhouse_stop; declare -F cluster_stop >/dev/null && cluster_stop' EXIT

    local i ok=
    for ((i = 0; i < 150; i++)); do
      [[ -z $CLICKHOUSE_PID && -s $dir/clickhouse.pid ]] && CLICKHOUSE_PID=$(cat "$dir/clickhouse.pid")
      if [[ -n $CLICKHOUSE_PID ]] && clickhouse_query -q 'SELECT 1' >/dev/null 2>&1; then
        ok=1
        break
      fi
      if [[ -n $CLICKHOUSE_PID ]] && ! kill -0 "$CLICKHOUSE_PID" 2>/dev/null; then
        break  # died (e.g. the port was taken meanwhile)
      fi
      sleep 0.2
    done
    if [[ -n $ok ]]; then
      export CLICKHOUSE_PORT CLICKHOUSE_DIR
      return 0
    fi
    echo "clickhouse_start: server on port $port not ready (attempt $attempt); last log lines:" >&2
    tail -5 "$dir/log/clickhouse-server.err.log" "$dir/log/stdout.log" >&2 2>/dev/null
    clickhouse_stop
  done
  return 1
}
