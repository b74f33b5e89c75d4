#!/usr/bin/env bash
# Usage: deploy/local-cluster.sh start|stop|status|add-silo
#
# The scale-out story on one machine, Production profile: Redis clustering + PostgreSQL grain storage, N
# standalone silos (Ott.Silo) and one API that is an Orleans client of them (Ott__Api__Mode=Client).
#
#   start     dotnet build -c Release (once; skip with OTT_SKIP_BUILD=1), deploy/redis.sh and deploy/postgres.sh start,
#             silos 1 and 2, then the API; waits for /health/ready of each (OTT_READY_TIMEOUT seconds, default 180).
#             Already running parts are left alone, so `start` again only starts what is missing.
#   add-silo  starts the next silo (3, then 4, ...) with the next ports and waits until it is ready.
#   stop      the API first (a client whose gateways vanish is slow to exit), then the silos (graceful: SIGTERM,
#             SIGKILL after 60 s), then PostgreSQL and Redis. Secrets and data stay (rm -rf the data dir to reset).
#   status    each process, its ports and its readiness; exit 0 when everything runs and is ready, 3 otherwise.
#
# Ports (127.0.0.1 only):   Redis 6390   PostgreSQL 5440   API http 5200
#   silo N:  silo port 11200+N   gateway 30200+N   health/metrics http 5200+N   (N = 1, 2, 3, ...)
# Files in ${OTT_DATA:-/tmp/ott-services}/cluster/ (folder mode 700): <name>.pid, <name>.log, cluster-id,
#   secrets.env (signing key, admin hash; mode 600) and admin-password (mode 600; printed once when generated).
# Redis data: ${OTT_DATA}/redis, PostgreSQL data: ${OTT_DATA}/postgres (throwaway settings unless OTT_THROWAWAY=0).
# Other environment: OTT_PG_PASSWORD (default ott-dev-password), OTT_SERVICE_ID (default ott-compliance),
#   DOTNET (default dotnet).
set -euo pipefail

deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$deploy")"
data="${OTT_DATA:-/tmp/ott-services}"
case "$data" in /*) ;; *) data="$(pwd)/$data" ;; esac
state="$data/cluster"
dotnet="${DOTNET:-dotnet}"
ready_timeout="${OTT_READY_TIMEOUT:-180}"
service_id="${OTT_SERVICE_ID:-ott-compliance}"
pg_password="${OTT_PG_PASSWORD:-ott-dev-password}"

redis_port=6390
pg_port=5440
api_http_port=5200
silo_port_base=11200
gateway_port_base=30200
silo_http_base=5200

silo_dir="$root/Ott.Silo/bin/Release/net10.0"
api_dir="$root/Ott.Api/bin/Release/net10.0"
silo_dll="$silo_dir/Ott.Silo.dll"
api_dll="$api_dir/Ott.Api.dll"

say() { echo "local-cluster: $*"; }
fail() { echo "local-cluster: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found${2:+ ($2)}"; }

# --- processes -------------------------------------------------------------------------------------------------

# Prints the pid recorded for NAME when that process is alive and runs our dll; fails otherwise.
pid_of() {
    local name=$1 pid file="$state/$1.pid" dll
    [ -f "$file" ] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    case "$name" in api) dll=Ott.Api.dll ;; *) dll=Ott.Silo.dll ;; esac
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$dll" || return 1
    echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1$2" 2>/dev/null || true; }

# Indexes of silos that have a pid file, ascending.
silo_indexes() {
    local f
    for f in "$state"/silo-*.pid; do
        [ -e "$f" ] || continue
        f=${f##*/silo-}
        echo "${f%.pid}"
    done | sort -n
}

# The production configuration shared by silos and the API (exported in the child only: no secret on a command line).
common_env() {
    local cluster_id
    cluster_id=$(cat "$state/cluster-id")
    export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
    export Ott__Profile=Production Ott__Clustering=Redis Ott__Storage=Postgres
    export Ott__ClusterId="$cluster_id" Ott__ServiceId="$service_id" Ott__AdvertisedIp=127.0.0.1
    export ConnectionStrings__Redis="127.0.0.1:$redis_port"
    export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Database=ott;Username=ott;Password=$pg_password"
}

# launch NAME WORKDIR DLL HTTP_PORT [VAR=VALUE...]: starts the process in its own session, records its pid.
launch() {
    local name=$1 workdir=$2 dll=$3 http_port=$4 pid
    shift 4
    {
        echo "===== $(date -u +%Y-%m-%dT%H:%M:%SZ) starting $name: $dll --urls http://127.0.0.1:$http_port"
    } >>"$state/$name.log"
    (
        cd "$workdir"
        common_env
        [ "$#" -eq 0 ] || export "$@"
        exec setsid "$dotnet" "$dll" --urls "http://127.0.0.1:$http_port"
    ) >>"$state/$name.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$state/$name.pid"
    say "started $name (pid $pid, log $state/$name.log)"
}

wait_ready() {
    local name=$1 port=$2 pid deadline code
    pid=$(tr -dc '0-9' <"$state/$name.pid")
    deadline=$((SECONDS + ready_timeout))
    while :; do
        code=$(http_code "$port" /health/ready)
        [ "$code" = 200 ] && { say "$name ready (http://127.0.0.1:$port/health/ready)"; return 0; }
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "local-cluster: $name (pid $pid) exited before it was ready; last log lines:" >&2
            tail -n 40 "$state/$name.log" >&2 || true
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "local-cluster: $name not ready after ${ready_timeout}s (last answer: ${code:-none}); last log lines:" >&2
            tail -n 40 "$state/$name.log" >&2 || true
            return 1
        fi
        sleep 1
    done
}

# stop_proc NAME GRACE_SECONDS: SIGTERM, then SIGKILL after the grace period.
stop_proc() {
    local name=$1 grace=$2 pid deadline
    if ! pid=$(pid_of "$name"); then
        rm -f "$state/$name.pid"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "local-cluster: $name (pid $pid) still running after ${grace}s, sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.5
    done
    rm -f "$state/$name.pid"
    say "stopped $name (was pid $pid)"
}

# --- steps -----------------------------------------------------------------------------------------------------

build() {
    if [ "${OTT_SKIP_BUILD:-0}" = 1 ]; then
        say "OTT_SKIP_BUILD=1: not building"
    else
        need "$dotnet" "install the .NET 10 SDK"
        say "dotnet build -c Release"
        (cd "$root" && "$dotnet" build OttCompliance.sln -c Release -nologo -v minimal)
    fi
    [ -f "$silo_dll" ] || fail "$silo_dll is missing (build with: dotnet build -c Release)"
    [ -f "$api_dll" ] || fail "$api_dll is missing (build with: dotnet build -c Release)"
}

prepare_dirs() {
    if [ ! -d "$data" ]; then
        mkdir -p "$data"
        chmod 755 "$data"  # the postgres user (when run as root) must be able to enter it
    fi
    (umask 077 && mkdir -p "$state")
    chmod 700 "$state"
}

servers_up() {
    OTT_DATA="$data" "$deploy/redis.sh" start "$redis_port" "$data/redis"
    OTT_DATA="$data" OTT_PG_PASSWORD="$pg_password" "$deploy/postgres.sh" start "$pg_port" "$data/postgres"
}

random_string() {  # URL- and shell-safe
    head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

ensure_secrets() {
    [ -f "$state/secrets.env" ] && return 0
    local password key hash
    password=$(random_string 18)
    key=$(random_string 48)  # 64 characters, well over the 32 bytes the API asks for
    # The password goes in on standard input (not on a command line, where ps would show it).
    if ! hash=$(cd "$api_dir" && printf '%s\n' "$password" | "$dotnet" "$api_dll" hash-password | awk 'NF { last = $0 } END { print last }'); then
        fail "'$dotnet $api_dll hash-password' failed"
    fi
    case "$hash" in ''|*' '*) fail "'dotnet Ott.Api.dll hash-password' printed no usable hash (got: '$hash')" ;; esac
    (
        umask 077
        printf '%s\n' "$password" >"$state/admin-password"
        {
            echo "# local-cluster secrets (generated $(date -u +%Y-%m-%dT%H:%M:%SZ)); delete this file to generate new ones"
            printf 'OTT_SIGNING_KEY=%q\n' "$key"
            printf 'OTT_ADMIN_HASH=%q\n' "$hash"
        } >"$state/secrets.env"
    )
    chmod 600 "$state/admin-password" "$state/secrets.env"
    echo
    echo "  admin user: admin   password: $password"
    echo "  (printed once; kept in $state/admin-password, mode 600)"
    echo
}

any_silo_running() {
    local i
    for i in $(silo_indexes); do pid_of "silo-$i" >/dev/null && return 0; done
    return 1
}

ensure_cluster_id() {
    # A fresh ClusterId whenever no silo runs: stale membership rows of an earlier run are then never consulted.
    # Grain state is keyed by ServiceId, so it survives.
    if ! any_silo_running || [ ! -s "$state/cluster-id" ]; then
        echo "ott-local-$(date -u +%Y%m%d%H%M%S)" >"$state/cluster-id"
    fi
}

check_ports_free() {
    local p
    for p in "$@"; do
        port_busy "$p" && fail "port 127.0.0.1:$p is already in use by another process"
    done
    return 0
}

start_silo() {
    local i=$1
    local name="silo-$i" silo_port=$((silo_port_base + i)) gw_port=$((gateway_port_base + i)) http_port=$((silo_http_base + i))
    if pid_of "$name" >/dev/null; then
        say "$name already running"
        return 0
    fi
    check_ports_free "$silo_port" "$gw_port" "$http_port"
    echo "silo $silo_port gateway $gw_port http $http_port" >"$state/$name.ports"
    launch "$name" "$silo_dir" "$silo_dll" "$http_port" Ott__SiloPort="$silo_port" Ott__GatewayPort="$gw_port"
}

start_api() {
    if pid_of api >/dev/null; then
        say "api already running"
        return 0
    fi
    check_ports_free "$api_http_port"
    # shellcheck source=/dev/null
    . "$state/secrets.env"
    echo "http $api_http_port" >"$state/api.ports"
    launch api "$api_dir" "$api_dll" "$api_http_port" \
        Ott__Api__Mode=Client \
        Ott__Security__SigningKey="$OTT_SIGNING_KEY" \
        Ott__Security__Users__0__Username=admin \
        Ott__Security__Users__0__PasswordHash="$OTT_ADMIN_HASH" \
        Ott__Security__Users__0__Roles__0=admin \
        Ott__Security__Users__0__Roles__1=analyst \
        Ott__Security__Users__0__Roles__2=ingest
}

# --- commands --------------------------------------------------------------------------------------------------

cmd_start() {
    trap 'echo "local-cluster: start failed; what did start is still running: $0 status | $0 stop" >&2' ERR
    need curl
    need setsid
    build
    prepare_dirs
    servers_up
    ensure_secrets
    ensure_cluster_id
    say "cluster id $(cat "$state/cluster-id"), service id $service_id"
    start_silo 1
    start_silo 2
    wait_ready silo-1 $((silo_http_base + 1))
    wait_ready silo-2 $((silo_http_base + 2))
    start_api
    wait_ready api "$api_http_port"
    echo
    cmd_status || true
    echo
    say "API: http://127.0.0.1:$api_http_port  (admin password in $state/admin-password)"
}

cmd_add_silo() {
    need curl
    need setsid
    [ -f "$silo_dll" ] || fail "$silo_dll is missing: run '$0 start' first"
    [ -f "$state/secrets.env" ] && [ -s "$state/cluster-id" ] || fail "no cluster state in $state: run '$0 start' first"
    any_silo_running || fail "no silo runs: run '$0 start' first"
    servers_up >/dev/null
    local i highest=0
    for i in $(silo_indexes); do
        pid_of "silo-$i" >/dev/null && [ "$i" -gt "$highest" ] && highest=$i
    done
    i=$((highest + 1))
    start_silo "$i"
    wait_ready "silo-$i" $((silo_http_base + i))
}

cmd_stop() {
    local i pid deadline
    local -A pids=()
    if [ -d "$state" ]; then
        stop_proc api 30
        # Signal every silo first, so they leave the cluster together, then wait for each (SIGKILL after 60 s).
        for i in $(silo_indexes); do
            if pid=$(pid_of "silo-$i"); then
                kill -TERM "$pid" 2>/dev/null || true
                pids[$i]=$pid
            else
                rm -f "$state/silo-$i.pid"
            fi
        done
        deadline=$((SECONDS + 60))
        if [ "${#pids[@]}" -gt 0 ]; then
            for i in $(printf '%s\n' "${!pids[@]}" | sort -rn); do
                pid=${pids[$i]}
                while kill -0 "$pid" 2>/dev/null; do
                    if [ "$SECONDS" -ge "$deadline" ]; then
                        echo "local-cluster: silo-$i (pid $pid) still running after 60s, sending SIGKILL" >&2
                        kill -KILL "$pid" 2>/dev/null || true
                        sleep 1
                        break
                    fi
                    sleep 0.5
                done
                rm -f "$state/silo-$i.pid"
                say "stopped silo-$i (was pid $pid)"
            done
        fi
    fi
    OTT_DATA="$data" "$deploy/postgres.sh" stop "$pg_port" "$data/postgres"
    OTT_DATA="$data" "$deploy/redis.sh" stop "$redis_port" "$data/redis"
}

cmd_status() {
    local rc=0 name pid code ports i
    for name in api $(for i in $(silo_indexes); do echo "silo-$i"; done); do
        ports=$(cat "$state/$name.ports" 2>/dev/null || echo '?')
        if pid=$(pid_of "$name"); then
            local http=${ports##*http }
            code=$(http_code "$http" /health/ready)
            if [ "$code" = 200 ]; then
                printf '%-8s pid %-7s %-40s ready\n' "$name" "$pid" "$ports"
            else
                printf '%-8s pid %-7s %-40s NOT ready (/health/ready: %s)\n' "$name" "$pid" "$ports" "${code:-no answer}"
                rc=3
            fi
        else
            printf '%-8s %-11s %-40s not running\n' "$name" '' "$ports"
            rc=3
        fi
    done
    if [ ! -f "$state/api.pid" ] && [ -z "$(silo_indexes 2>/dev/null)" ]; then
        echo "no API or silo started from $state"
        rc=3
    fi
    OTT_DATA="$data" "$deploy/redis.sh" status "$redis_port" "$data/redis" || rc=3
    OTT_DATA="$data" "$deploy/postgres.sh" status "$pg_port" "$data/postgres" || rc=3
    return "$rc"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    add-silo) cmd_add_silo ;;
    *) usage ;;
esac
