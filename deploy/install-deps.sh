#!/usr/bin/env bash
# Usage: deploy/install-deps.sh [--with-chromium] [--with-prometheus]
#
# Installs, with apt-get (noninteractive), the servers the Production profile and the integration tests use:
# redis-server and postgresql (15 on Debian 12); with --with-chromium also chromium (browser tests), with
# --with-prometheus also prometheus (for promtool). Only packages that are missing are installed, so running it
# again does nothing. Prints what it installed. Needs root (or sudo).
#
# Package post-install scripts must not start system-wide daemons (the deploy/ scripts start their own servers on
# loopback): when /usr/sbin/policy-rc.d is absent, a temporary one that denies service starts is put in place for
# the duration of the install and removed afterwards.
set -euo pipefail

with_chromium=0
with_prometheus=0
for arg in "$@"; do
    case "$arg" in
        --with-chromium) with_chromium=1 ;;
        --with-prometheus) with_prometheus=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "install-deps: unknown option '$arg' (use --with-chromium, --with-prometheus)" >&2; exit 2 ;;
    esac
done

wanted=(redis-server postgresql)
[ "$with_chromium" -eq 1 ] && wanted+=(chromium)
[ "$with_prometheus" -eq 1 ] && wanted+=(prometheus)

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
present=()
for pkg in "${wanted[@]}"; do
    if is_installed "$pkg"; then present+=("$pkg"); else missing+=("$pkg"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: nothing to install (already installed: ${present[*]})"
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    else
        echo "install-deps: missing ${missing[*]}, and installing needs root (or sudo)" >&2
        exit 1
    fi
fi

policy=/usr/sbin/policy-rc.d
made_policy=0
cleanup() {
    if [ "$made_policy" -eq 1 ]; then
        "${sudo_cmd[@]}" rm -f "$policy" || true
    fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    # 101 = "action forbidden by policy": invoke-rc.d then skips starting redis/postgresql system services.
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod 755 "$policy"
    made_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=300)

echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update
# Servers without recommends (no extra daemons); chromium with them (fonts, sandbox helper).
servers=()
browser=()
for pkg in "${missing[@]}"; do
    if [ "$pkg" = chromium ]; then browser+=("$pkg"); else servers+=("$pkg"); fi
done
if [ "${#servers[@]}" -gt 0 ]; then
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" --no-install-recommends "${servers[@]}"
fi
if [ "${#browser[@]}" -gt 0 ]; then
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "${browser[@]}"
fi

failed=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || failed+=("$pkg")
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "install-deps: still not installed after apt-get: ${failed[*]}" >&2
    exit 1
fi

echo "install-deps: installed ${missing[*]}${present[*]:+ (already installed: ${present[*]})}"
