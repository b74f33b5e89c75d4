#!/usr/bin/env bash
# Publishes the three executables, each into its own folder (no folder holds another project's appsettings):
#   OUT/api   Ott.Api  (HTTP API; co-hosts a silo or is a cluster client)
#   OUT/silo  Ott.Silo (standalone silo)
#   OUT/cli   Ott.Cli  (load generator and demo; `demo` without --url starts OUT/api/Ott.Api.dll)
# The one list of publish commands: deploy/Dockerfile runs it (with --no-restore after its restore layer), and
# .ci/run runs it through deploy/publish-smoke.sh, which then starts what it published.
#
#   deploy/publish.sh [OUT] [extra dotnet publish arguments...]      (OUT defaults to ./out)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=${1:-out}
[ "$#" -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"

for project in Api Silo Cli; do
    folder=$(printf '%s' "$project" | tr '[:upper:]' '[:lower:]')
    dotnet publish "$root/Ott.$project/Ott.$project.csproj" -c Release -nologo -o "$out/$folder" "$@"
done
