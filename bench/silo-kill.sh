#!/usr/bin/env bash
# The silo-kill reliability trials: each trial starts two Ott.Silo processes and an API client on Redis clustering
# and PostgreSQL (a fresh schema per trial), posts batches continuously, kill -9s one silo after 8 s, keeps posting
# for 12 s, waits for every logged event to be assessed, then checks: every acknowledged event_id has exactly one
# assessment, the assessed counter equals the assessments, and the log holds no event that was not acknowledged.
# It is the same test CI runs 3 times (Ott.Tests, SiloFailureTests), run TRIALS times, one line per trial.
#
#   bench/silo-kill.sh                # TRIALS=20; starts throwaway Redis/PostgreSQL via deploy/ci-services.sh
#                                       unless OTT_TEST_REDIS and OTT_TEST_POSTGRES are already set
#   TRIALS=5 bench/silo-kill.sh
#   OTT_KILL_SETTINGS="Ott__Membership__ProbeTimeout=00:00:02" TRIALS=5 bench/silo-kill.sh   # other membership timings
# Per trial: acked_after_kill = events acknowledged in the 12 s after the kill; stall_s = the longest time after the
# kill in which no batch was acknowledged (how long the load generator's 4 workers were all held); held_assessed_s =
# from the kill until every event logged before it is assessed (what the dead silo held is among them; "-" if not
# within 120 s).
# Output: bench/results/silo-kill.tsv (one row per trial) and a summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS=${TRIALS:-20}
OUT=bench/results
mkdir -p "$OUT"
report="$OUT/silo-kill.tsv"
: >"$report"

started_services=0
if [ -z "${OTT_TEST_REDIS:-}" ] || [ -z "${OTT_TEST_POSTGRES:-}" ]; then
    # shellcheck source=/dev/null
    source deploy/ci-services.sh || { echo "could not start Redis and PostgreSQL" >&2; exit 1; }
    started_services=1
fi
trap '[ "$started_services" = 1 ] && ci_services_stop' EXIT

dotnet build OttCompliance.sln -c Release -v q -nologo >/dev/null
OTT_KILL_TRIALS="$TRIALS" OTT_KILL_REPORT="$(pwd)/$report" OTT_REQUIRE_SERVICES=1 \
    dotnet test Ott.Tests -c Release --no-build --filter "FullyQualifiedName~SiloFailureTests.KillingASilo" \
    --logger "console;verbosity=minimal" || true

echo
echo "trial acked unacked logged assessed counted lost doubled logged-unacked retries recovery_s failures acked_after_kill stall_s held_assessed_s"
cat "$report"
awk -F'\t' '
    { n++; acked += $2; lost += $7; doubled += $8; stray += $9; if ($7 == 0 && $8 == 0 && $9 == 0 && $3 == 0) ok++
      after += $13; stall += $14; if ($14 > maxstall) maxstall = $14
      if ($15 == "-") heldmissing++; else { held += $15; heldn++; if ($15 > maxheld) maxheld = $15 } }
    END { printf "\n%d trials, %d clean; acknowledged %d events in all; lost %d, doubled %d, unacknowledged-but-logged %d\n", n, ok, acked, lost, doubled, stray
          if (n > 0) printf "after the kill: %.0f events acknowledged per trial on average; longest stall %.1f s on average, %.1f s at most\n", after / n, stall / n, maxstall
          if (heldn > 0) printf "events logged before the kill all assessed %.1f s after it on average, %.1f s at most (%d trials not within 120 s)\n", held / heldn, maxheld, heldmissing
          exit (n > 0 && ok == n) ? 0 : 1 }' "$report"
