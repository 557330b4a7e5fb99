#!/usr/bin/env bash
# runners/dataflow/template.sh: `make template`.
#
# Builds the linkbeam Flex Template: the launcher image (Dockerfile, with the
# cross-compiled bin/linux_amd64/linkbeam from `make worker`) and the
# template spec file on Cloud Storage (gcloud dataflow flex-template build,
# with metadata.json).
#
#   PROJECT=my-project REGION=europe-west1 REPOSITORY=linkbeam \
#   TEMPLATE=gs://my-linkbeam/templates/linkbeam.json make template
#
# Environment:
#   PROJECT, REGION       Google Cloud project and region (required to build)
#   REPOSITORY            Artifact Registry Docker repository in REGION
#   TEMPLATE              gs:// path of the template spec file to write
#   TAG                   image tag (default: git short hash, or a timestamp)
#   IMAGE                 full image name (default: REGION-docker.pkg.dev/PROJECT/REPOSITORY/linkbeam:TAG)
#   BUILDER               docker | cloudbuild (default: docker when a Docker daemon answers)
#   PRINT_ONLY=1          only print the commands
#
# Without gcloud, without the required variables, or with PRINT_ONLY=1 it
# prints the commands it would run and exits 0; when gcloud is installed it
# also has gcloud check metadata.json offline (flex-template build
# --print-only).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

WORKER=bin/linux_amd64/linkbeam
METADATA=runners/dataflow/metadata.json
TAG=${TAG:-$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}
IMAGE=${IMAGE:-${REGION:-REGION}-docker.pkg.dev/${PROJECT:-PROJECT}/${REPOSITORY:-REPOSITORY}/linkbeam:$TAG}
TEMPLATE=${TEMPLATE:-gs://BUCKET/templates/linkbeam.json}

print_only=${PRINT_ONLY:-0}
missing=()
for v in PROJECT REGION REPOSITORY; do [[ -n "${!v:-}" ]] || missing+=("$v"); done
[[ "$TEMPLATE" == gs://BUCKET/* ]] && missing+=(TEMPLATE)
if ! command -v gcloud >/dev/null; then
  echo "gcloud is not installed: printing the commands only." >&2
  print_only=1
elif [[ ${#missing[@]} -gt 0 ]]; then
  echo "not set: ${missing[*]}: printing the commands only." >&2
  print_only=1
fi

builder=${BUILDER:-}
if [[ -z "$builder" ]]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then builder=docker; else builder=cloudbuild; fi
fi

build_cmd=(gcloud dataflow flex-template build "$TEMPLATE"
  --image="$IMAGE" --sdk-language=GO --metadata-file="$METADATA")
[[ -n "${PROJECT:-}" ]] && build_cmd+=(--project="$PROJECT")

if [[ "$print_only" == 1 ]]; then
  cat <<EOF
# 1. cross-compile the worker (also the launcher's binary):
make worker
# 2. build and push the launcher image (build context: the repository root):
docker build --platform=linux/amd64 -f runners/dataflow/Dockerfile -t $IMAGE .
docker push $IMAGE
#    or, without Docker: gcloud builds submit with a cloudbuild.yaml running the same docker build
# 3. write the template spec:
${build_cmd[*]}
# 4. launch it (or schedule it: runners/dataflow/schedule/):
gcloud dataflow flex-template run "linkbeam-\$(date -u +%Y%m%d-%H%M%S)" --project=${PROJECT:-PROJECT} --region=${REGION:-REGION} \\
  --template-file-gcs-location=$TEMPLATE \\
  --temp-location=gs://BUCKET/tmp --staging-location=gs://BUCKET/staging \\
  --parameters=config=gs://BUCKET/config/catalogue.yaml,output=gs://BUCKET/out
EOF
  if command -v gcloud >/dev/null; then
    echo "# checking $METADATA with gcloud (offline, --print-only)" >&2
    if CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=true CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=true \
      "${build_cmd[@]}" --print-only >/dev/null; then
      echo "# gcloud accepts $METADATA" >&2
    else
      echo "# gcloud refused $METADATA" >&2
      exit 1
    fi
  fi
  exit 0
fi

[[ -x "$WORKER" ]] || { echo "$WORKER missing: run make worker first" >&2; exit 1; }
if command -v file >/dev/null && ! file "$WORKER" | grep -q 'ELF 64-bit.*x86-64'; then
  echo "warning: $WORKER does not look like a linux/amd64 binary" >&2
fi

# A minimal build context: the binary, the Dockerfile and launch.sh.
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin/linux_amd64" "$ctx/runners/dataflow"
cp "$WORKER" "$ctx/bin/linux_amd64/"
cp runners/dataflow/Dockerfile runners/dataflow/launch.sh "$ctx/runners/dataflow/"

case "$builder" in
docker)
  docker build --platform=linux/amd64 -f "$ctx/runners/dataflow/Dockerfile" -t "$IMAGE" "$ctx"
  docker push "$IMAGE"
  ;;
cloudbuild)
  cat >"$ctx/cloudbuild.yaml" <<EOF
steps:
- name: gcr.io/cloud-builders/docker
  args: [build, --platform=linux/amd64, -f, runners/dataflow/Dockerfile, -t, '$IMAGE', .]
images: ['$IMAGE']
EOF
  gcloud builds submit --project="$PROJECT" --region="$REGION" --config="$ctx/cloudbuild.yaml" "$ctx"
  ;;
*)
  echo "BUILDER=$builder: want docker or cloudbuild" >&2
  exit 1
  ;;
esac

"${build_cmd[@]}"
echo "template: $TEMPLATE (image $IMAGE)"
