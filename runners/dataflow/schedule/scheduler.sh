#!/usr/bin/env bash
# runners/dataflow/schedule/scheduler.sh: create or update one Cloud
# Scheduler job that launches the linkbeam Flex Template through the
# Dataflow REST API (POST .../flexTemplates:launch). The Terraform in
# terraform/ defines the same jobs declaratively.
#
#   scheduler.sh NAME CRON OUTPUT [SOURCES]
#
#   NAME     schedule name (lower case, digits, dashes); the Scheduler job is
#            linkbeam-NAME and so is the Dataflow job, so a launch while the
#            previous run of this schedule still runs is refused
#   CRON     unix-cron, e.g. "15 * * * *" (hourly), "30 2 * * *" (daily)
#   OUTPUT   gs:// output folder of this schedule (one per source set:
#            a run replaces the output with what it read)
#   SOURCES  comma-separated sources to read; empty = all
#
# Environment (required): PROJECT, REGION, TEMPLATE (gs://.../linkbeam.json),
#   CONFIG (gs://.../catalogue.yaml), TEMP_LOCATION, STAGING_LOCATION,
#   SCHEDULER_SA (calls the API), WORKER_SA (runs the job).
# Optional: SCHEDULER_REGION (default REGION), TIME_ZONE (Etc/UTC),
#   MAX_WORKERS (10), MODEL (gs://.../model.json), DRY_RUN=1 (print only),
#   INCREMENTAL=1: every run passes previous=OUTPUT (incremental runs: ids
#   persist, unchanged pairs are not scored again); OUTPUT must already
#   hold a committed run, see runners/README.md.
set -euo pipefail

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 3 && $# -le 4 ]] || usage
NAME=$1 CRON=$2 OUTPUT=$3 SOURCES=${4:-}

missing=()
for v in PROJECT REGION TEMPLATE CONFIG TEMP_LOCATION STAGING_LOCATION SCHEDULER_SA WORKER_SA; do
  [[ -n "${!v:-}" ]] || missing+=("$v")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ "${DRY_RUN:-0}" == 1 ]] || { echo "not set: ${missing[*]}" >&2; exit 2; }
  for v in "${missing[@]}"; do printf -v "$v" '%s' "${v}_VALUE"; done
fi
SCHEDULER_REGION=${SCHEDULER_REGION:-$REGION}
TIME_ZONE=${TIME_ZONE:-Etc/UTC}
MAX_WORKERS=${MAX_WORKERS:-10}
MODEL=${MODEL:-}
INCREMENTAL=${INCREMENTAL:-0}

# The values go into JSON and a URL: refuse anything that would need escaping.
check() { [[ "$2" =~ $3 ]] || { echo "$1=$2: does not match $3" >&2; exit 2; }; }
check NAME "$NAME" '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$'
check OUTPUT "$OUTPUT" '^gs://[^/[:space:]"\\]+(/[^[:space:]"\\]*)?$'
[[ -z "$SOURCES" ]] || check SOURCES "$SOURCES" '^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$'
[[ -z "$MODEL" ]] || check MODEL "$MODEL" '^gs://[^[:space:]"\\]+$'
check MAX_WORKERS "$MAX_WORKERS" '^[1-9][0-9]{0,3}$'
check INCREMENTAL "$INCREMENTAL" '^[01]$'
if [[ "${DRY_RUN:-0}" != 1 ]]; then
  for v in TEMPLATE CONFIG TEMP_LOCATION STAGING_LOCATION; do check "$v" "${!v}" '^gs://[^[:space:]"\\]+$'; done
  for v in SCHEDULER_SA WORKER_SA; do check "$v" "${!v}" '^[a-z0-9-]+@[a-z0-9.-]+$'; done
fi

job="linkbeam-$NAME"
uri="https://dataflow.googleapis.com/v1b3/projects/$PROJECT/locations/$REGION/flexTemplates:launch"
params="\"config\": \"$CONFIG\", \"output\": \"$OUTPUT\""
[[ -z "$SOURCES" ]] || params+=", \"sources\": \"$SOURCES\""
[[ -z "$MODEL" ]] || params+=", \"model\": \"$MODEL\""
[[ "$INCREMENTAL" == 0 ]] || params+=", \"previous\": \"$OUTPUT\""

body=$(mktemp)
trap 'rm -f "$body"' EXIT
cat >"$body" <<EOF
{
  "launchParameter": {
    "jobName": "$job",
    "containerSpecGcsPath": "$TEMPLATE",
    "parameters": { $params },
    "environment": {
      "tempLocation": "$TEMP_LOCATION",
      "stagingLocation": "$STAGING_LOCATION",
      "serviceAccountEmail": "$WORKER_SA",
      "maxWorkers": $MAX_WORKERS
    }
  }
}
EOF
if command -v jq >/dev/null; then jq -e . "$body" >/dev/null; fi

common=(--project="$PROJECT" --location="$SCHEDULER_REGION"
  --schedule="$CRON" --time-zone="$TIME_ZONE"
  --uri="$uri" --http-method=POST
  --message-body-from-file="$body"
  --oauth-service-account-email="$SCHEDULER_SA"
  --oauth-token-scope=https://www.googleapis.com/auth/cloud-platform
  --attempt-deadline=180s --max-retry-attempts=3 --min-backoff=60s --max-backoff=600s
  --description="Launch the linkbeam Flex Template ($NAME)")

if [[ "${DRY_RUN:-0}" == 1 ]]; then
  echo "# body.json:"
  cat "$body"
  printf '%q ' gcloud scheduler jobs create http "$job" "${common[@]/#--message-body-from-file=*/--message-body-from-file=body.json}" \
    --headers=Content-Type=application/json
  echo
  echo "# (when $job exists: gcloud scheduler jobs update http, with --update-headers instead of --headers)"
  exit 0
fi

if gcloud scheduler jobs describe "$job" --project="$PROJECT" --location="$SCHEDULER_REGION" >/dev/null 2>&1; then
  gcloud scheduler jobs update http "$job" "${common[@]}" --update-headers=Content-Type=application/json
else
  gcloud scheduler jobs create http "$job" "${common[@]}" --headers=Content-Type=application/json
fi
incremental=""
[[ "$INCREMENTAL" == 0 ]] || incremental=", incremental (previous = output)"
echo "scheduled $job: $CRON ($TIME_ZONE) -> $OUTPUT${SOURCES:+ (sources $SOURCES)}$incremental"
echo "run it now: gcloud scheduler jobs run $job --project=$PROJECT --location=$SCHEDULER_REGION"
