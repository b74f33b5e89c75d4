#!/bin/sh
# Usage (container entry point): ott silo|api|cli|hash-password [args...]   (anything else is run as given)
#   silo ...           dotnet /app/silo/Ott.Silo.dll ...
#   api ...            dotnet /app/api/Ott.Api.dll ...
#   cli ...            dotnet /app/cli/Ott.Cli.dll ...   (generate, demo)
#   hash-password [p]  prints the PasswordHash of p (or of the line read on stdin)
# When Ott__AdvertisedIp is unset (docker compose, where replicas have no downward API), it is set to this
# container's own IPv4 address, so every silo replica advertises a reachable address.
set -eu

if [ -z "${Ott__AdvertisedIp:-}" ]; then
    ip=$(getent ahostsv4 "$(cat /etc/hostname)" 2>/dev/null | awk 'NR == 1 { print $1 }')
    if [ -n "$ip" ]; then
        export Ott__AdvertisedIp="$ip"
    fi
fi

cmd=${1:-api}
[ "$#" -gt 0 ] && shift
case "$cmd" in
    silo) cd /app/silo && exec dotnet Ott.Silo.dll "$@" ;;
    api) cd /app/api && exec dotnet Ott.Api.dll "$@" ;;
    cli) exec dotnet /app/cli/Ott.Cli.dll "$@" ;;
    hash-password) cd /app/api && exec dotnet Ott.Api.dll hash-password "$@" ;;
    *) exec "$cmd" "$@" ;;
esac
