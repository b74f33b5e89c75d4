#!/usr/bin/env bash
# Publish smoke test (run by .ci/run): publishes with deploy/publish.sh (the Dockerfile's commands) into a temporary
# folder, then checks what a container would run:
#   1. no output folder holds another project's appsettings (the CLI has none; the silo's and the API's are their own);
#   2. the published API starts (embedded profile, SQLite in the folder) and /health/ready answers 200;
#   3. the published silo starts and /health/ready answers 200;
#   4. the published CLI sends events to the published API (generate), and `demo --only 6` without --url starts the
#      published API beside it (../api) by itself.
# Everything listens on 127.0.0.1 and is stopped at the end. Exit code 0 when every check passed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/ott-publish.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    [ "${OTT_KEEP_PUBLISH:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "publish-smoke: FAILED: $*" >&2; for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }; done; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url seconds
    for _ in $(seq 1 $(( $2 * 2 ))); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health/ready")" = 200 ] && return 0
        sleep 0.5
    done
    return 1
}

echo "publish-smoke: deploy/publish.sh $work/out"
"$root/deploy/publish.sh" "$work/out" > "$work/publish.log" 2>&1 || fail "dotnet publish (see publish.log)"

[ -e "$work/out/cli/appsettings.json" ] && fail "the CLI's output holds an appsettings.json (another project's)"
cmp -s "$work/out/api/appsettings.json" "$root/Ott.Api/appsettings.json" || fail "out/api/appsettings.json is not Ott.Api's"
cmp -s "$work/out/silo/appsettings.json" "$root/Ott.Silo/appsettings.json" || fail "out/silo/appsettings.json is not Ott.Silo's"
for f in "$work"/out/*/appsettings*.json; do
    project=$(basename "$(dirname "$f")")
    case "$project" in api) src=Ott.Api ;; silo) src=Ott.Silo ;; *) fail "$f in $project" ;; esac
    [ -f "$root/$src/$(basename "$f")" ] || fail "$f is not a file of $src"
done
echo "publish-smoke: ok: each output folder holds only its own appsettings"

api_port=$(free_port)
(cd "$work/out/api" && exec dotnet Ott.Api.dll --urls "http://127.0.0.1:$api_port" --Ott:SiloPort="$(free_port)" --Ott:GatewayPort="$(free_port)" \
    --Ott:OrleansDashboard:Enabled=false > "$work/api.log" 2>&1) &
pids+=($!)
wait_ready "http://127.0.0.1:$api_port" 120 || fail "the published API did not answer /health/ready within 120 s"
echo "publish-smoke: ok: published API ready: $(curl -s "http://127.0.0.1:$api_port/health/ready")"

silo_http=$(free_port)
(cd "$work/out/silo" && exec dotnet Ott.Silo.dll --urls "http://127.0.0.1:$silo_http" --Ott:SiloPort="$(free_port)" --Ott:GatewayPort="$(free_port)" \
    --Ott:ClusterId=publish-smoke-silo > "$work/silo.log" 2>&1) &
pids+=($!)
wait_ready "http://127.0.0.1:$silo_http" 120 || fail "the published silo did not answer /health/ready within 120 s"
echo "publish-smoke: ok: published silo ready: $(curl -s "http://127.0.0.1:$silo_http/health/ready")"

dotnet "$work/out/cli/Ott.Cli.dll" generate --events 200 --url "http://127.0.0.1:$api_port" > "$work/cli-generate.log" 2>&1 \
    || fail "the published CLI's generate against the published API failed (see cli-generate.log)"
grep -q "accepted" "$work/cli-generate.log" || fail "generate printed no summary"
echo "publish-smoke: ok: published CLI generate: $(grep -E 'accepted' "$work/cli-generate.log" | tail -n 1 | tr -s ' ')"

(cd "$work" && dotnet "$work/out/cli/Ott.Cli.dll" demo --only 6 > "$work/cli-demo.log" 2>&1) \
    || fail "the published CLI's demo (starting ../api itself) failed (see cli-demo.log)"
grep -q "API up at" "$work/cli-demo.log" || fail "demo did not start the published API"
echo "publish-smoke: ok: published CLI demo started the published API and ran scenario 6"
echo "publish-smoke: all checks passed"
