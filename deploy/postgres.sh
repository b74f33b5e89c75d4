#!/usr/bin/env bash
# Usage: deploy/postgres.sh start|stop|status [port] [dir]
#
# A throwaway PostgreSQL 15 cluster for grain state and the event log, without systemd, on 127.0.0.1 only.
#   port  default 5440
#   dir   data directory, default ${OTT_DATA:-/tmp/ott-services}/postgres (the Unix socket and server.log live in it)
# start   initdb when DIR has no cluster yet (as root: DIR is owned by the postgres user, mode 0700, and the server
#         runs as postgres; not root: as the current user), starts the server, waits until pg_isready answers
#         (at most OTT_WAIT_SECONDS, default 60), then creates or updates the login role and its database.
#         Every deploy/sql/*.sql (when that folder exists) is then applied in name order as that role:
#         those scripts must be idempotent.
# stop    pg_ctl stop -m fast; fine when not running.
# status  exit 0 when the server runs and pg_isready answers, 3 otherwise.
#
# Environment:
#   OTT_PG_PASSWORD  password of the role (default ott-dev-password); set again on every start
#   OTT_PG_USER      role name (default ott)          OTT_PG_DB  database name (default ott)
#   OTT_THROWAWAY    1 (default): fsync, synchronous_commit and full_page_writes off (fast, loses data on a crash);
#                    0: durable settings
#   OTT_PG_BIN       PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
set -euo pipefail

cmd=${1:-}
port=${2:-5440}
dir=${3:-${OTT_DATA:-/tmp/ott-services}/postgres}
wait_seconds=${OTT_WAIT_SECONDS:-60}
pg_bin=${OTT_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_user=${OTT_PG_USER:-ott}
pg_db=${OTT_PG_DB:-ott}
throwaway=${OTT_THROWAWAY:-1}
export OTT_PG_PASSWORD=${OTT_PG_PASSWORD:-ott-dev-password}
sql_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sql"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
[ -n "$cmd" ] || usage
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "postgres.sh: bad port '$port'" >&2; exit 2; }
[[ "$pg_user" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "postgres.sh: bad OTT_PG_USER '$pg_user'" >&2; exit 2; }
[[ "$pg_db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "postgres.sh: bad OTT_PG_DB '$pg_db'" >&2; exit 2; }
[ -x "$pg_bin/pg_ctl" ] || { echo "postgres.sh: $pg_bin/pg_ctl not found (run deploy/install-deps.sh, or set OTT_PG_BIN)" >&2; exit 1; }

# Absolute path: the server is run from / (the postgres user may not be allowed into the caller's directory).
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
dir=${dir%/}
case "$dir" in *[[:space:]]*) echo "postgres.sh: '$dir' contains white space; use a dir without it" >&2; exit 2 ;; esac
logfile="$dir/server.log"
# Unix sockets are limited to 107 bytes.
if [ $(( ${#dir} + 20 )) -gt 107 ]; then
    echo "postgres.sh: '$dir' is too long for a Unix socket path; use a shorter dir" >&2
    exit 2
fi

if [ "$(id -u)" -eq 0 ]; then
    run_user=postgres
    id postgres >/dev/null 2>&1 || { echo "postgres.sh: no 'postgres' user (is the postgresql package installed?)" >&2; exit 1; }
    pg_home=$(getent passwd postgres | cut -d: -f6)
    # Run a command as postgres, from /, with postgres' HOME; the environment (OTT_PG_PASSWORD) is kept.
    as_pg() { (cd / && runuser -u postgres -- env HOME="${pg_home:-/tmp}" "$@"); }
else
    run_user=$(id -un)
    as_pg() { (cd / && "$@"); }
fi

# Superuser access over the socket in DIR (peer authentication: only the cluster's OS user).
psql_admin() { as_pg "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$run_user" -d postgres "$@"; }

running() { as_pg "$pg_bin/pg_ctl" status -D "$dir" >/dev/null 2>&1; }
ready() { "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1; }

init_cluster() {
    local parent
    parent=$(dirname "$dir")
    mkdir -p "$parent"
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        echo "postgres.sh: $dir exists, is not empty and holds no PostgreSQL cluster (no PG_VERSION); refusing to touch it" >&2
        return 1
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
        if ! as_pg test -x "$parent"; then
            echo "postgres.sh: the postgres user cannot enter $parent (mode $(stat -c %a "$parent")); use a dir under a world-searchable folder, or chmod o+x it" >&2
            return 1
        fi
    fi
    chmod 0700 "$dir"
    echo "postgres: initdb in $dir (as $run_user)"
    as_pg "$pg_bin/initdb" -D "$dir" -U "$run_user" --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1 || {
        echo "postgres.sh: initdb failed; log:" >&2
        cat "$dir.initdb.log" >&2
        return 1
    }
    rm -f "$dir.initdb.log"
}

ensure_role_and_db() {
    # The password comes from the environment (\getenv), so it is neither on a command line nor in a file.
    psql_admin -v role="$pg_user" -v db="$pg_db" <<'SQL'
\getenv pw OTT_PG_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
    if [ -d "$sql_dir" ]; then
        local f
        for f in "$sql_dir"/*.sql; do
            [ -e "$f" ] || continue
            echo "postgres: applying $(basename "$f") to database $pg_db"
            PGPASSWORD=$OTT_PG_PASSWORD "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$pg_user" -d "$pg_db" -f "$f"
        done
    fi
}

start() {
    if [ ! -f "$dir/PG_VERSION" ]; then
        init_cluster
    fi
    if running; then
        echo "postgres: already running (data $dir)"
    else
        local opts="-p $port -k $dir -c listen_addresses=127.0.0.1"
        if [ "$throwaway" = 1 ]; then
            opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        fi
        as_pg "$pg_bin/pg_ctl" start -D "$dir" -l "$logfile" -w -t "$wait_seconds" -o "$opts" >/dev/null || {
            echo "postgres.sh: pg_ctl start failed; last log lines:" >&2
            tail -n 30 "$logfile" >&2 2>/dev/null || true
            return 1
        }
    fi
    local deadline=$((SECONDS + wait_seconds))
    until ready; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "postgres.sh: pg_isready does not answer on 127.0.0.1:$port after ${wait_seconds}s (a server started on another port?)" >&2
            tail -n 30 "$logfile" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.3
    done
    ensure_role_and_db
    echo "postgres: running on 127.0.0.1:$port (data $dir, role $pg_user, database $pg_db, throwaway=$throwaway)"
}

stop() {
    if [ ! -f "$dir/PG_VERSION" ] || ! running; then
        echo "postgres: not running (data $dir)"
        return 0
    fi
    as_pg "$pg_bin/pg_ctl" stop -D "$dir" -m fast -w -t "$wait_seconds" >/dev/null
    echo "postgres: stopped (data $dir)"
}

status() {
    if [ -f "$dir/PG_VERSION" ] && running; then
        if ready; then
            echo "postgres: running on 127.0.0.1:$port (data $dir), pg_isready answers"
            return 0
        fi
        echo "postgres: running (data $dir) but pg_isready does not answer on 127.0.0.1:$port"
        return 3
    fi
    echo "postgres: not running (data $dir)"
    return 3
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
