#!/usr/bin/env bash
# runners/portable/test.sh: `make test-portable`.
#
# Runs the demo job through a Beam portable job service, the way it runs on
# Flink, without Flink: Beam's prism runner started as a standalone job
# server speaks the same Job API (JobService + artifact staging over gRPC)
# that the Beam Flink job server serves. The job binary submits with
#   --runner=universal --endpoint=127.0.0.1:PORT --environment_type=LOOPBACK
# then with --runner=flink (the SDK's flink runner is the same universal
# client), and then, on linux/amd64, with --runner=flink
# --environment_type=PROCESS --worker_binary=..., where the worker runs in
# its own process as on a cluster. Each job is waited for and its output
# checked; all runs must report the same counts.
#
# Isolation: prism (v2.77.0) listens on ":PORT", every interface, and has no
# flag to bind to loopback. When possible (root, or unprivileged user
# namespaces) the server and the jobs run in a private network namespace
# whose only interface is lo, so nothing is reachable from outside, and in a
# PID namespace that the kernel empties when the script ends, even on
# SIGKILL. Otherwise the server listens on a kernel-chosen port on all
# interfaces for the length of the test and the script says so. Either way
# the server and any worker processes are stopped by a trap, and the server
# shuts itself down after --idle_shutdown_timeout if all else fails.
#
# Environment:
#   GO=go                     Go command
#   CONFIG=testdata/demo.yaml job config
#   RUNNERS="universal flink" runners to submit with (LOOPBACK)
#   PROCESS=auto              also the PROCESS run: auto = on linux/amd64 hosts, 0 = off, 1 = on
#   WORKER_BINARY=bin/linkbeam  --worker_binary of the PROCESS run (a linux/amd64
#                             linkbeam of the same build, e.g. bin/linux_amd64/linkbeam)
#   JOB_TIMEOUT=900           seconds per job
#   ISOLATE=auto              auto | yes (fail if no private netns) | no
#   KEEP_TMP=0                1 keeps the work directory (logs, outputs)
#   SKIP_BUILD=0              1 uses an existing bin/linkbeam as it is
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SELF="$ROOT/runners/portable/test.sh"

GO=${GO:-go}
CONFIG=${CONFIG:-testdata/demo.yaml}
RUNNERS=${RUNNERS:-universal flink}
PROCESS=${PROCESS:-auto}
WORKER_BINARY=${WORKER_BINARY:-bin/linkbeam}
JOB_TIMEOUT=${JOB_TIMEOUT:-900}
ISOLATE=${ISOLATE:-auto}
KEEP_TMP=${KEEP_TMP:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
BEAM_MOD=github.com/apache/beam/sdks/v2

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# build_beam_tool BIN PACKAGE: go build PACKAGE (in the Beam module) into
# BIN unless BIN was built from go.mod's Beam version already.
build_beam_tool() {
  local bin=$1 pkg=$2 want have=""
  want=$("$GO" list -m -f '{{.Version}}' "$BEAM_MOD")
  if [[ -x "$bin" ]]; then
    have=$("$GO" version -m "$bin" 2>/dev/null | awk -v m="$BEAM_MOD" '($1 == "dep" || $1 == "mod") && $2 == m { print $3 }')
  fi
  if [[ "$have" == "$want" ]]; then
    say "reusing $bin ($BEAM_MOD $have)"
  else
    say "building $bin ($BEAM_MOD/$pkg $want)"
    "$GO" build -o "$bin" "$BEAM_MOD/$pkg"
  fi
}

# ---------------------------------------------------------------- phase 1
# Builds (with the network the module proxy may need), then re-enters this
# script inside a private network namespace when that is possible.
if [[ -z "${LINKBEAM_PORTABLE_INNER:-}" ]]; then
  mkdir -p bin
  if [[ "$SKIP_BUILD" == 1 && -x bin/linkbeam ]]; then
    say "SKIP_BUILD=1: using the existing bin/linkbeam"
  else
    say "building bin/linkbeam"
    "$GO" build -o bin/linkbeam ./cmd/linkbeam
  fi
  build_beam_tool bin/prism go/cmd/prism
  if [[ "$PROCESS" == auto ]]; then
    if [[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]]; then PROCESS=1; else PROCESS=0; fi
  fi
  if [[ "$PROCESS" == 1 ]]; then
    build_beam_tool bin/beam-boot go/container # the Go SDK boot loader
  fi
  export PROCESS

  if [[ "$ISOLATE" != no ]]; then
    # A private network namespace, and a PID namespace whose processes the
    # kernel kills when this script ends, however it ends (--kill-child).
    ns=()
    nsflags=(--net --pid --fork --kill-child --mount-proc)
    if [[ "$(id -u)" == 0 ]] && unshare "${nsflags[@]}" true 2>/dev/null; then
      ns=(unshare "${nsflags[@]}")
    elif unshare "${nsflags[@]}" --map-root-user true 2>/dev/null; then
      ns=(unshare "${nsflags[@]}" --map-root-user)
    fi
    if [[ ${#ns[@]} -gt 0 ]] && command -v ip >/dev/null; then
      say "entering a private network namespace (${ns[*]}): loopback only"
      LINKBEAM_PORTABLE_INNER=isolated exec "${ns[@]}" bash "$SELF" "$@"
    fi
    [[ "$ISOLATE" == yes ]] && die "ISOLATE=yes but no private network namespace is available (unshare, ip)"
  fi
  LINKBEAM_PORTABLE_INNER=shared exec bash "$SELF" "$@"
fi

# ---------------------------------------------------------------- phase 2
[[ -x bin/linkbeam && -x bin/prism ]] || die "bin/linkbeam or bin/prism missing"

if [[ "$LINKBEAM_PORTABLE_INNER" == isolated ]]; then
  ip link set lo up
  # ip asks the kernel about this namespace (/sys/class/net would show the
  # namespace that mounted /sys).
  ifaces=$(ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')
  [[ "$ifaces" == "lo " ]] || die "private namespace has interfaces other than lo: $ifaces"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/linkbeam-portable.XXXXXX")
# The SDK leaves a beamloopbackworker-* temp file per LOOPBACK submission.
export TMPDIR="$WORK"
PRISM_PID=""

# The PROCESS run's boot loaders run in their own process groups (see
# boot.sh below), listed in $WORK/boot.groups: prism kills only boot.sh when
# a job ends, and the boot loader does not stop the worker it started. Stop
# each group, and remove the worker copy the boot loader puts in /tmp/bin*
# (a fixed location in go/container/boot.go).
stop_boot_groups() {
  local g pid exe dirs=()
  [[ -s "$WORK/boot.groups" ]] || return 0
  while read -r g; do
    for pid in $(pgrep -g "$g" 2>/dev/null); do
      exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
      [[ "$exe" == /tmp/bin*/worker ]] && dirs+=("$(dirname "$exe")")
    done
    kill -- "-$g" 2>/dev/null || true
    for _ in $(seq 30); do pgrep -g "$g" >/dev/null 2>&1 || break; sleep 0.1; done
    kill -9 -- "-$g" 2>/dev/null || true
  done <"$WORK/boot.groups"
  : >"$WORK/boot.groups"
  [[ ${#dirs[@]} -eq 0 ]] || rm -rf "${dirs[@]}"
}

cleanup() {
  local rc=$?
  stop_boot_groups
  if [[ -n "$PRISM_PID" ]] && kill -0 "$PRISM_PID" 2>/dev/null; then
    kill "$PRISM_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PRISM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PRISM_PID" 2>/dev/null || true
    wait "$PRISM_PID" 2>/dev/null || true
    say "job server stopped (pid $PRISM_PID)"
  fi
  if [[ $rc -ne 0 || "$KEEP_TMP" == 1 ]]; then
    say "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --job_port=0: the kernel picks a free port, no race between choosing and
# binding; the server logs the port it got.
say "starting the prism job server"
bin/prism --job_port=0 --serve_http=false --idle_shutdown_timeout=20m --log_kind=text --log_level=info \
  >"$WORK/prism.log" 2>&1 &
PRISM_PID=$!

PORT=""
for _ in $(seq 300); do
  kill -0 "$PRISM_PID" 2>/dev/null || { cat "$WORK/prism.log" >&2; die "job server exited"; }
  PORT=$(sed -n 's/.*Serving JobManagement.*endpoint=[^ ]*:\([0-9][0-9]*\).*/\1/p' "$WORK/prism.log" | head -1)
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { cat "$WORK/prism.log" >&2; die "job server did not report its port"; }

listening=0
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then listening=1; break; fi
  sleep 0.1
done
[[ $listening == 1 ]] || die "nothing accepts connections on 127.0.0.1:$PORT"

bound=$(ss -Hltn "sport = :$PORT" 2>/dev/null | awk '{ print $4 }' | tr '\n' ' ' || true)
if [[ "$LINKBEAM_PORTABLE_INNER" == isolated ]]; then
  say "job server on 127.0.0.1:$PORT (bound ${bound:-?}; private namespace, only lo exists)"
else
  say "WARNING: job server bound ${bound:-*:$PORT} on every interface of this host (prism has no bind-address flag);" \
    "it is stopped when this script ends"
fi
ENDPOINT="127.0.0.1:$PORT"

check_output() { # name out stdout
  local name=$1 out=$2 stdout=$3 d
  [[ -f "$out/_SUCCESS" ]] || die "$name: $out/_SUCCESS missing"
  for d in masters links; do
    [[ -d "$out/$d" ]] || die "$name: $out/$d/ missing"
    [[ -n "$(find "$out/$d" -type f -size +0 | head -1)" ]] || die "$name: $out/$d/ has no non-empty file"
  done
  [[ -d "$out/rejected" ]] || die "$name: $out/rejected/ missing"
  [[ -z "$(find "$out" -maxdepth 1 -name '.staging-*' | head -1)" ]] || die "$name: staging folder left in $out"
  grep -Eq '^source +read +accepted +rejected +superseded +linked' "$stdout" || die "$name: no summary table on stdout"
  grep -Eq '^total +[0-9]+' "$stdout" || die "$name: no total row in the summary"
  grep -Eq '^masters [0-9]+' "$stdout" || die "$name: no masters line in the summary"
}

# submit NAME RUNNER [FLAG...]: one run of the demo job, checked. With
# COMPARE=0 its counts are not compared with the first run's.
first=""
submit() {
  local name=$1 runner=$2 out="$WORK/out-$1" start rc=0 job
  shift 2
  say "$name: linkbeam run --runner=$runner --endpoint=$ENDPOINT $*"
  start=$(date +%s)
  timeout "$JOB_TIMEOUT" bin/linkbeam run --config "$CONFIG" --output "$out" \
    --runner="$runner" --endpoint="$ENDPOINT" "$@" \
    >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 40 "$WORK/$name.stderr" >&2
    grep -v 'pipeline is running' "$WORK/prism.log" | tail -n 20 >&2
    [[ $rc -eq 124 ]] && die "$name: job still running after ${JOB_TIMEOUT}s"
    die "$name: linkbeam run exited with status $rc"
  fi
  # The job must have gone through the job server at ENDPOINT (the
  # universal client logs the id the server gave it).
  job=$(sed -n 's/.*Submitted job: *\([^ "]*\).*/\1/p' "$WORK/$name.stderr" | head -1)
  [[ -n "$job" ]] || die "$name: the client did not report a submitted job"
  grep -q -- "$job" "$WORK/prism.log" || die "$name: job $job not in the job server's log"
  check_output "$name" "$out" "$WORK/$name.stdout"
  say "$name: job $job done in $(($(date +%s) - start))s; output and summary OK"
  cat "$WORK/$name.stdout"
  [[ "${COMPARE:-1}" == 1 ]] || return 0
  # Every run must report the same counts (the wall time differs).
  grep -v '^wall time' "$WORK/$name.stdout" >"$WORK/$name.counts"
  if [[ -z "$first" ]]; then
    first=$name
  elif ! diff -u "$WORK/$first.counts" "$WORK/$name.counts" >&2; then
    die "$name and $first report different counts"
  fi
}

cases=()
for runner in $RUNNERS; do
  submit "$runner" "$runner" --environment_type=LOOPBACK
  cases+=("$runner/LOOPBACK")
done

# The worker in its own process, as on a cluster: the job server starts the
# Go SDK's boot loader (go/container, what apache/beam_go_sdk runs), which
# fetches --worker_binary from the job server's artifact service and starts
# it with --worker flags only. prism v2.77.0 passes --id='ID' with literal
# quotes (exec, no shell), so boot.sh strips them; it also points the boot
# loader's files (default /tmp/staged) into the work directory and starts
# the boot loader in a process group of its own (see stop_boot_groups).
if [[ "$PROCESS" == 1 ]]; then
  [[ -x bin/beam-boot ]] || die "bin/beam-boot missing"
  worker="$(cd "$(dirname "$WORKER_BINARY")" && pwd)/$(basename "$WORKER_BINARY")"
  [[ -x "$worker" ]] || die "WORKER_BINARY=$WORKER_BINARY missing"
  mkdir -p "$WORK/semi"
  {
    printf '#!/bin/sh\nboot=%q\nsemi=%q\ngroups=%q\n' "$ROOT/bin/beam-boot" "$WORK/semi" "$WORK/boot.groups"
    cat <<'BOOT'
id=${1#--id=}; id=${id#\'}; id=${id%\'}; shift
cd "$semi" || exit 1 # the boot loader writes pipeline_options.json into its working directory
setsid "$boot" --id="$id" --semi_persist_dir="$semi" "$@" &
echo $! >>"$groups"
wait $!
BOOT
  } >"$WORK/boot.sh"
  chmod +x "$WORK/boot.sh"
  submit flink-process flink --environment_type=PROCESS \
    --environment_config="{\"command\": \"$WORK/boot.sh\"}" --worker_binary="$worker"
  [[ -n "$(find "$WORK/semi/staged" -type f -size +0 2>/dev/null | head -1)" ]] ||
    die "flink-process: the boot loader fetched no worker binary"
  stop_boot_groups
  cases+=("flink/PROCESS")
  # An incremental rerun on the same input, the worker in its own process:
  # the change marks' join and the id plan's side input, and no change.
  COMPARE=0 submit flink-process-previous flink --environment_type=PROCESS \
    --environment_config="{\"command\": \"$WORK/boot.sh\"}" --worker_binary="$worker" \
    --previous="$WORK/out-flink-process"
  grep -q '^changes since the previous run: 0 created, 0 updated, 0 merged, 0 split, 0 retired$' "$WORK/flink-process-previous.stdout" ||
    die "flink-process-previous: a rerun on the same input changed masters"
  grep -Eq '^candidate pairs 0, scored 0, matched 0, [0-9]+ previous edges kept' "$WORK/flink-process-previous.stdout" ||
    die "flink-process-previous: a rerun on the same input paired records"
  stop_boot_groups
  cases+=("flink/PROCESS --previous")
fi

kill -0 "$PRISM_PID" 2>/dev/null || die "the job server died during the test"
say "test-portable: OK (${cases[*]} via $ENDPOINT)"
