#!/usr/bin/env bash
# Usage: deploy/redis.sh start|stop|status [port] [dir]
#
# A throwaway Redis for Orleans clustering, without systemd: listens on 127.0.0.1 only, daemonized, no persistence
# (no RDB snapshots, no AOF), pid file and log in DIR.
#   port  default 6390
#   dir   default ${OTT_DATA:-/tmp/ott-services}/redis
# start   starts it (or says it already runs) and waits until `redis-cli -p PORT ping` answers PONG
#         (at most OTT_WAIT_SECONDS, default 30); exit 1 when it does not come up or the port is taken.
# stop    stops the process named in DIR/redis.pid (SIGTERM, then SIGKILL after 15 s); fine when not running.
# status  prints whether it runs and answers; exit 0 when it answers, 3 otherwise.
set -euo pipefail

cmd=${1:-}
port=${2:-6390}
dir=${3:-${OTT_DATA:-/tmp/ott-services}/redis}
wait_seconds=${OTT_WAIT_SECONDS:-30}
pidfile="$dir/redis.pid"
logfile="$dir/redis.log"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "redis.sh: bad port '$port'" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "redis.sh: $1 not found (run deploy/install-deps.sh)" >&2; exit 1; }; }

# The pid from the pid file when that process is alive and is a redis-server, else nothing.
our_pid() {
    local pid
    [ -f "$pidfile" ] || return 1
    pid=$(tr -dc '0-9' <"$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    grep -q 'redis' "/proc/$pid/comm" 2>/dev/null || return 1
    echo "$pid"
}

pong() { [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]; }

start() {
    need redis-server
    need redis-cli
    local pid
    if pid=$(our_pid); then
        if pong; then
            echo "redis: already running on 127.0.0.1:$port (pid $pid, dir $dir)"
            return 0
        fi
    elif pong; then
        echo "redis.sh: 127.0.0.1:$port already answers, but not for $dir (another server?); stop it or pick another port" >&2
        return 1
    else
        rm -f "$pidfile"
        mkdir -p "$dir"
        redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
            --pidfile "$pidfile" --logfile "$logfile" --dir "$dir" --save '' --appendonly no
    fi
    local deadline=$((SECONDS + wait_seconds))
    until pong; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "redis.sh: no PONG from 127.0.0.1:$port after ${wait_seconds}s; last log lines:" >&2
            tail -n 20 "$logfile" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.2
    done
    echo "redis: running on 127.0.0.1:$port (pid $(our_pid || echo '?'), dir $dir)"
}

stop() {
    local pid
    if ! pid=$(our_pid); then
        rm -f "$pidfile"
        echo "redis: not running (dir $dir)"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "redis.sh: pid $pid did not stop after SIGTERM, sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    rm -f "$pidfile"
    echo "redis: stopped (was pid $pid, port $port)"
}

status() {
    local pid
    if pid=$(our_pid) && pong; then
        echo "redis: running on 127.0.0.1:$port (pid $pid, dir $dir), answers PONG"
        return 0
    elif pid=$(our_pid); then
        echo "redis: process $pid runs (dir $dir) but 127.0.0.1:$port does not answer PONG"
        return 3
    fi
    echo "redis: not running (dir $dir)"
    return 3
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
