#!/usr/bin/env bash
# Alert burst: 10,000 high-risk events (100 users x 100 events, GDPR-area errors without consent) sent in 100
# batches of 100, next to 10,000 low-risk events sent the same way, against the Release API on 127.0.0.1.
# After a warm-up run of 10,000 low-risk events (not reported), reports ingest time and per-batch latency for both, and how many alerts the burst raised (deduplicated per user
# and top factor). Needs curl and python3. Bounded: 200 requests; the API is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5098}
BASE="http://127.0.0.1:$PORT"
OUT=bench/results
mkdir -p "$OUT/burst"

dotnet build Ott.Api -c Release -v q -nologo >/dev/null
dotnet Ott.Api/bin/Release/net10.0/Ott.Api.dll --urls "$BASE" --environment Production --Ott:OrleansDashboard:Enabled=false \
    --Ott:SiloPort=11193 --Ott:GatewayPort=30093 \
    --Ott:Security:RateLimits:IngestPerMinute=2000000000 --Ott:Security:RateLimits:IngestBurst=100000000 \
    --Ott:Security:RateLimits:AnalystPerMinute=100000 \
    --Ott:Security:Users:0:Username=bench --Ott:Security:Users:0:Password=bench-only-password --Ott:Security:Users:0:Roles:0=admin \
    --Logging:LogLevel:Default=Warning > "$OUT/burst-api.log" 2>&1 &
API=$!
trap 'kill $API 2>/dev/null || true; wait $API 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
TOKEN=$(curl -fs -X POST "$BASE/token" -d username=bench -d password=bench-only-password | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')

python3 - "$OUT/burst" <<'PY'
import json, sys, datetime, os
out = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc)
def event(kind, u, i):
    risky = kind == "risky"
    return {"event_id": f"{kind}-{os.getpid()}-{u}-{i}", "user_id": f"{kind}-user-{u}", "device_id": f"tv-{u}",
            "content_id": "c1", "event_type": "error" if risky else "play",
            "timestamp": (now - datetime.timedelta(seconds=100 - i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "DE" if risky else "US", "is_eu": risky, "has_consent": not risky, "ip_address": f"10.1.{u}.{i}"}
for kind in ("warmup", "benign", "risky"):
    for b in range(100):
        # batch b holds event b of every user, so each user's events arrive spread over the whole burst
        with open(f"{out}/{kind}-{b:03}.json", "w") as f:
            json.dump([event(kind, u, b) for u in range(100)], f)
PY

run() {
    local kind=$1 start end
    start=$(date +%s.%N)
    for f in "$OUT"/burst/"$kind"-*.json; do
        curl -s -o /dev/null -w '%{time_total}\n' -X POST "$BASE/events/batch" -H 'content-type: application/json' --data-binary "@$f"
    done > "$OUT/burst-$kind-latency.txt"
    end=$(date +%s.%N)
    curl -fs -H "Authorization: Bearer $TOKEN" -X POST "$BASE/process/drain?timeout_seconds=120" > "$OUT/burst-$kind-drain.json"
    local drained
    drained=$(date +%s.%N)
    sort -n "$OUT/burst-$kind-latency.txt" | awk -v k="$kind" -v s="$start" -v e="$end" -v d="$drained" \
        '{ a[NR] = $1 } END { printf "%s: 10000 events in %.2f s (%.0f events/s accepted), assessed after %.2f s, batch latency p50 %.1f ms p99 %.1f ms\n", k, e - s, 10000 / (e - s), d - s, a[int(NR * 0.5)] * 1000, a[int(NR * 0.99)] * 1000 }'
}

run warmup > /dev/null
run benign
run risky
# Repeat counts reach the store at the silo's next repeat flush (Ott:Alerts:RepeatFlushInterval, 1 s).
sleep 2
alerts=$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/alerts?limit=1000")
python3 - "$alerts" <<'PY'
import json, sys
alerts = [a for a in json.loads(sys.argv[1]) if a["user_id"] and a["user_id"].startswith("risky-user-")]
counts = [a["count"] for a in alerts]
print(f"alerts raised by the burst: {len(alerts)} (users 100); repeats folded in: {sum(counts) - len(alerts)}; "
      f"events covered: {sum(counts)}; top factors: {sorted(set(a['top_factor'] for a in alerts))}")
PY
