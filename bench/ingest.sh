#!/usr/bin/env bash
# Ingest load test on 127.0.0.1 with wrk (apt: wrk). Runs, in one process and one run, the no-op ingest
# endpoints (HTTP + JSON + validation, no cluster) next to the real ones (through the ingest grain, the
# stream and the user grains), single events and batches, and reports each with the real/no-op ratio.
# For the real runs it also drains: "assessed/s" counts from the first request to the last assessment.
# Bounded: each wrk run lasts DURATION seconds; the API is stopped at the end.
#
#   bench/ingest.sh                 # defaults: DURATION=20 CONNECTIONS=64 BATCH=500 THREADS=2
#   DURATION=30 BATCH=1000 bench/ingest.sh
#   STORAGE=Memory bench/ingest.sh  # default Sqlite (the embedded default), in a fresh throwaway file
#   RUNS="real-batch" bench/ingest.sh   # only some of: noop-single real-single decisions noop-batch real-batch shadow backtest
#   RUNS=million bench/ingest.sh        # 1,000,000 events over 100,000 users: RSS after, bytes allocated per event
#
# shadow: the real batch run again with a shadow policy on (docs/policies.md, "Shadow"), then once more with it off;
#   the ratio is the shadow run's assessed/s against the mean of the two runs without (bar >= 0.75).
# backtest: replays the real batch run's period under that policy and the live one (Ott:Backtest:MaxCpuShare=1 here,
#   so the replay's own speed shows), and compares its events/s per core with the live pipeline's assessed/s per core.
#
# Each real run also reports the bytes the process allocated per accepted event (GC.GetTotalAllocatedBytes, read from
# /bench/process before and after). The closing lines print every ratio the bars are stated in: single and decisions
# against the no-op single run (req/s and p99), the real batch's assessed events/s against the no-op batch's events/s.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-8}
THREADS=${THREADS:-2}
BATCH=${BATCH:-500}
USERS=${USERS:-10000}
PORT=${PORT:-5099}
STORAGE=${STORAGE:-Sqlite}
RUNS=${RUNS:-noop-single real-single decisions noop-batch real-batch shadow backtest}
SQLITE_DIR=$(mktemp -d)
BASE="http://127.0.0.1:$PORT"
OUT=bench/results
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

dotnet build Ott.Api -c Release -v q -nologo >/dev/null
dotnet Ott.Api/bin/Release/net10.0/Ott.Api.dll --urls "$BASE" --environment Production --Ott:OrleansDashboard:Enabled=false \
    --Ott:Storage="$STORAGE" --ConnectionStrings:Sqlite="Data Source=$SQLITE_DIR/bench.db" \
    --Ott:Api:NoopIngestEndpoints=true --Ott:SiloPort=11191 --Ott:GatewayPort=30091 --Ott:Backtest:MaxCpuShare=1 \
    --Ott:Security:RateLimits:IngestPerMinute=2000000000 --Ott:Security:RateLimits:IngestBurst=100000000 \
    --Ott:Security:Users:0:Username=bench --Ott:Security:Users:0:Password=bench-only-password --Ott:Security:Users:0:Roles:0=admin \
    --Logging:LogLevel:Default=Warning > "$OUT/api.log" 2>&1 &
API=$!
trap 'kill $API 2>/dev/null || true; wait $API 2>/dev/null || true; rm -rf "$SQLITE_DIR"' EXIT

for _ in $(seq 1 120); do
    curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fs "$BASE/health/ready" >/dev/null || { echo "API did not become ready; see $OUT/api.log" >&2; exit 1; }

TOKEN=$(curl -fs -X POST "$BASE/token" -d username=bench -d password=bench-only-password | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
AUTH="Authorization: Bearer $TOKEN"

rss_mb() { echo $(( $(ps -o rss= -p "$API") / 1024 )); }
allocated() { curl -fs -H "$AUTH" "$BASE/bench/process" | sed -n 's/.*"allocated_bytes":\([0-9]*\).*/\1/p'; }

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$API/stat"; }   # the API process's user + system CPU seconds

declare -a ROWS
declare -A RPS P99 ASSESSED CORES
run() { # name script path connections args...   (name may carry a suffix after '+' that RUNS does not need to list)
    local name=$1 script=$2 path=$3 conns=$4; shift 4
    [[ " $RUNS " == *" ${name%%+*} "* ]] || return 0
    name=${name/+/-}
    local before_stats after_stats start end line accepted drained alloc_before alloc_per_event cpu_before cores
    before_stats=$(curl -fs -H "$AUTH" "$BASE/stats/summary")
    alloc_before=$(allocated)
    cpu_before=$(cpu_s)
    start=$(date +%s.%N)
    line=$(wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 10s -s "bench/$script" "$BASE$path" -- "$@" | tee "$OUT/$name.txt" | grep '^RESULT')
    if [[ $path != /bench/* ]]; then
        drained=$(curl -fs -H "$AUTH" -X POST "$BASE/process/drain?timeout_seconds=120")
        end=$(date +%s.%N)
        after_stats=$(curl -fs -H "$AUTH" "$BASE/stats/summary")
        accepted=$(( $(sed -n 's/.*"enqueued":\([0-9]*\).*/\1/p' <<<"$after_stats") - $(sed -n 's/.*"enqueued":\([0-9]*\).*/\1/p' <<<"$before_stats") ))
        assessed_rate=$(awk -v n="$accepted" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
        alloc_per_event=$(awk -v a="$alloc_before" -v b="$(allocated)" -v n="$accepted" 'BEGIN { printf "%.0f", (n > 0 ? (b - a) / n : 0) }')
        echo "$name drain: $drained" >> "$OUT/$name.txt"
    else
        accepted="-"; assessed_rate="-"; alloc_per_event="-"
        end=$(date +%s.%N)
    fi
    cores=$(awk -v c0="$cpu_before" -v c1="$(cpu_s)" -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (c1 - c0) / (e - s) }')
    local rps p50 p99 errs
    rps=$(field rps "$line"); p50=$(field p50_ms "$line"); p99=$(field p99_ms "$line")
    errs=$(( $(field errors_status "$line") + $(field errors_other "$line") ))
    ROWS+=("$name|$rps|$p50|$p99|$errs|$accepted|$assessed_rate|$alloc_per_event|$cores|$(rss_mb)")
    RPS[$name]=$rps; P99[$name]=$p99; ASSESSED[$name]=$assessed_rate; CORES[$name]=$cores
    echo "$name: req/s=$rps p50=${p50}ms p99=${p99}ms errors=$errs accepted=$accepted assessed/s=$assessed_rate bytes/event=$alloc_per_event cores=$cores rss=$(rss_mb)MB"
}

# Warm-up (JIT, grain activations), not reported.
wrk -t1 -c8 -d3s -s bench/event.lua "$BASE/events" -- "$USERS" >/dev/null
curl -fs -H "$AUTH" -X POST "$BASE/process/drain?timeout_seconds=60" >/dev/null

run noop-single event.lua /bench/noop/events "$CONNECTIONS" "$USERS"
run real-single event.lua /events "$CONNECTIONS" "$USERS"
run decisions event.lua /api/v1/decisions "$CONNECTIONS" "$USERS"
run noop-batch batch.lua /bench/noop/events/batch "$BATCH_CONNECTIONS" "$BATCH" "$USERS"
BT_FROM=$(date -u -d '-2 seconds' +%FT%TZ)
run real-batch batch.lua /events/batch "$BATCH_CONNECTIONS" "$BATCH" "$USERS"
BT_TO=$(date -u -d '+2 seconds' +%FT%TZ)

# A candidate policy for the shadow and backtest runs: the stricter example of docs/policies.md.
CANDIDATE=""
if [[ " $RUNS " == *" shadow "* || " $RUNS " == *" backtest "* ]]; then
    CANDIDATE=$(curl -fs -H "$AUTH" -H 'content-type: application/json' -X POST "$BASE/api/v1/policies" -d '{"description":"bench: stricter consent",
        "scoring":{"eu_no_consent_points":7},"alerts":{"min_level":"medium"},
        "rules":[{"id":"block-consentless-export","when":{"event_types":["export","bulk_download"],"compliance_rules":["consent"]},"action":"block"},
                 {"id":"review-ring-members","when":{"in_fraud_ring":true},"action":"review"}]}' | sed -n 's/.*"version":\([0-9]*\).*/\1/p')
fi

if [[ " $RUNS " == *" shadow "* ]]; then
    curl -fs -H "$AUTH" -X POST "$BASE/api/v1/policies/$CANDIDATE/shadow" >/dev/null
    sleep 2   # every silo follows the registry within Ott:Policies:Refresh (1 s)
    run shadow+on batch.lua /events/batch "$BATCH_CONNECTIONS" "$BATCH" "$USERS"
    curl -fs -H "$AUTH" "$BASE/api/v1/policies/shadow" > "$OUT/shadow-report.json"
    curl -fs -H "$AUTH" -X DELETE "$BASE/api/v1/policies/shadow" >/dev/null
    sleep 2
    run shadow+off batch.lua /events/batch "$BATCH_CONNECTIONS" "$BATCH" "$USERS"
fi

if [[ " $RUNS " == *" backtest "* ]]; then
    cpu_before=$(cpu_s); bt_start=$(date +%s.%N)
    location=$(curl -fs -D - -o /dev/null -H "$AUTH" -H 'content-type: application/json' -X POST "$BASE/api/v1/policies/$CANDIDATE/backtests" \
        -d "{\"from\":\"$BT_FROM\",\"to\":\"$BT_TO\"}" | sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p')
    for _ in $(seq 1 1200); do
        bt=$(curl -fs -H "$AUTH" "$BASE$location")
        [[ $bt == *'"status":"running"'* ]] || break
        sleep 0.5   # the backtest runs in the cluster; this polls its progress
    done
    bt_end=$(date +%s.%N)
    echo "$bt" > "$OUT/backtest.json"
    BT_EVENTS=$(sed -n 's/.*"report":{"events":\([0-9]*\).*/\1/p' <<<"$bt")
    BT_RATE=$(sed -n 's/.*"events_per_second":\([0-9.]*\).*/\1/p' <<<"$bt")
    BT_CORES=$(awk -v c0="$cpu_before" -v c1="$(cpu_s)" -v s="$bt_start" -v e="$bt_end" 'BEGIN { printf "%.2f", (c1 - c0) / (e - s) }')
    echo "backtest: events=$BT_EVENTS events/s=$BT_RATE (each under two policies) cores=$BT_CORES status=$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$bt")"
fi

# RUNS=million: 1,000,000 events over 100,000 users in batches (bench/Ott.Benchmarks MillionEvents), then RSS and
# bytes allocated per event. Not in the default set (it takes minutes).
if [[ " $RUNS " == *" million "* ]]; then
    dotnet run -c Release --project bench/Ott.Benchmarks -- million "$BASE" bench bench-only-password "${MILLION_EVENTS:-1000000}" "${MILLION_USERS:-100000}" \
        | tee "$OUT/million.txt"
fi

echo
echo "| run | req/s | p50 ms | p99 ms | errors | events accepted | assessed/s (end to end) | bytes allocated/event | cores | RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
if [[ -n ${RPS[noop-single]:-} && -n ${RPS[real-single]:-} ]]; then
    echo "real single: req/s $(ratio "${RPS[real-single]}" "${RPS[noop-single]}") x no-op single (bar >= 0.35), p99 $(ratio "${P99[real-single]}" "${P99[noop-single]}") x (bar <= 3)"
fi
if [[ -n ${RPS[noop-single]:-} && -n ${RPS[decisions]:-} ]]; then
    echo "decisions:   req/s $(ratio "${RPS[decisions]}" "${RPS[noop-single]}") x no-op single (bar >= 0.25), p99 $(ratio "${P99[decisions]}" "${P99[noop-single]}") x (bar <= 4)"
fi
if [[ -n ${RPS[noop-batch]:-} && -n ${ASSESSED[real-batch]:-} ]]; then
    noop_events=$(awk -v r="${RPS[noop-batch]}" -v n="$BATCH" 'BEGIN { printf "%.0f", r * n }')
    echo "real batch:  assessed/s ${ASSESSED[real-batch]} = $(ratio "${ASSESSED[real-batch]}" "$noop_events") x no-op batch events/s $noop_events (bar >= 0.20; batch of $BATCH)"
fi
if [[ -n ${ASSESSED[shadow-on]:-} && -n ${ASSESSED[real-batch]:-} && -n ${ASSESSED[shadow-off]:-} ]]; then
    without=$(awk -v a="${ASSESSED[real-batch]}" -v b="${ASSESSED[shadow-off]}" 'BEGIN { printf "%.0f", (a + b) / 2 }')
    echo "shadow:      assessed/s ${ASSESSED[shadow-on]} with a shadow policy = $(ratio "${ASSESSED[shadow-on]}" "$without") x the mean without ($without, runs before and after) (bar >= 0.75)"
fi
if [[ -n ${BT_RATE:-} && -n ${ASSESSED[real-batch]:-} && -n ${CORES[real-batch]:-} ]]; then
    live_per_core=$(awk -v a="${ASSESSED[real-batch]}" -v c="${CORES[real-batch]}" 'BEGIN { printf "%.0f", (c > 0 ? a / c : 0) }')
    bt_per_core=$(awk -v a="$BT_RATE" -v c="$BT_CORES" 'BEGIN { printf "%.0f", (c > 0 ? a / c : 0) }')
    echo "backtest:    $BT_RATE events/s on $BT_CORES cores = $bt_per_core per core (each event judged twice) against the live pipeline's $live_per_core assessed/s per core = $(ratio "$bt_per_core" "$live_per_core") x"
fi
exit 0
