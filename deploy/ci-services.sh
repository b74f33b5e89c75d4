#!/usr/bin/env bash
# Usage (SOURCE it, do not run it):  source deploy/ci-services.sh || exit 1   ...   ci_services_stop
#
# For .ci/run: installs what the tests need (deploy/install-deps.sh --with-chromium --with-prometheus), starts a
# throwaway Redis (127.0.0.1:6390) and PostgreSQL (127.0.0.1:5440) under a fresh temporary folder, and exports
#   OTT_TEST_REDIS=127.0.0.1:6390
#   OTT_TEST_POSTGRES="Host=127.0.0.1;Port=5440;Database=ott;Username=ott;Password=ott-dev-password"
#   OTT_REQUIRE_SERVICES=1               (integration tests fail, rather than skip, when a server is missing)
#   OTT_CI_SERVICES_DIR=<the temp folder> (logs: redis/redis.log, postgres/server.log)
# and defines the shell function ci_services_stop, which stops both servers and removes the folder (kept when
# OTT_KEEP_SERVICES_DIR=1).
#
# On any failure it prints why, stops what it started, and returns non-zero: it never exits the caller's shell,
# never changes the caller's shell options (set -e/-u/pipefail), and is safe to source under `set -u`. The work
# itself runs in the child scripts, each under `set -euo pipefail`.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "ci-services.sh is meant to be sourced: source deploy/ci-services.sh" >&2
    exit 2
fi

_ott_ci_deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

ci_services_stop() {
    local dir="${OTT_CI_SERVICES_DIR:-}"
    local rc=0
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        echo "ci-services: nothing to stop"
        return 0
    fi
    "$_ott_ci_deploy_dir/postgres.sh" stop 5440 "$dir/postgres" || rc=1
    "$_ott_ci_deploy_dir/redis.sh" stop 6390 "$dir/redis" || rc=1
    if [ "$rc" -eq 0 ] && [ "${OTT_KEEP_SERVICES_DIR:-0}" != 1 ]; then
        rm -rf -- "$dir"
    fi
    return "$rc"
}

_ott_ci_services_start() {
    local deploy="$_ott_ci_deploy_dir"
    local password="${OTT_PG_PASSWORD:-ott-dev-password}"
    local dir

    "$deploy/install-deps.sh" --with-chromium --with-prometheus || {
        echo "ci-services: installing redis-server, postgresql, chromium, prometheus failed" >&2
        return 1
    }

    dir=$(mktemp -d "${TMPDIR:-/tmp}/ott-ci-services.XXXXXX") || { echo "ci-services: mktemp failed" >&2; return 1; }
    # The postgres user (when run as root) must be able to enter the folder.
    chmod 755 "$dir" || return 1
    export OTT_CI_SERVICES_DIR="$dir"

    if ! "$deploy/redis.sh" start 6390 "$dir/redis"; then
        echo "ci-services: Redis did not start on 127.0.0.1:6390" >&2
        ci_services_stop >/dev/null 2>&1 || true
        return 1
    fi
    if ! OTT_THROWAWAY=1 OTT_PG_PASSWORD="$password" "$deploy/postgres.sh" start 5440 "$dir/postgres"; then
        echo "ci-services: PostgreSQL did not start on 127.0.0.1:5440" >&2
        OTT_KEEP_SERVICES_DIR=1 ci_services_stop >/dev/null 2>&1 || true
        echo "ci-services: logs kept in $dir" >&2
        return 1
    fi

    export OTT_TEST_REDIS="127.0.0.1:6390"
    export OTT_TEST_POSTGRES="Host=127.0.0.1;Port=5440;Database=ott;Username=ott;Password=$password"
    export OTT_REQUIRE_SERVICES=1
    echo "ci-services: Redis 127.0.0.1:6390 and PostgreSQL 127.0.0.1:5440 are up (folder $dir)"
}

_ott_ci_services_rc=0
_ott_ci_services_start || _ott_ci_services_rc=$?
unset -f _ott_ci_services_start
if [ "$_ott_ci_services_rc" -ne 0 ]; then
    unset _ott_ci_services_rc
    return 1
fi
unset _ott_ci_services_rc
return 0
