#!/bin/sh
# Flex Template entry point (FLEX_TEMPLATE_GO_BINARY in the Dockerfile).
#
# The Go template launcher starts this with flags only: the template
# parameters (--config=..., --output=..., see metadata.json) and the Dataflow
# options of the launch (--runner, --project, --region, --staging_location,
# --temp_location, --job_name, ...). linkbeam wants a command first: with
# flags only it behaves as a Beam worker. So:
#   - `run` goes first;
#   - --runner=dataflow, in case the launcher does not pass --runner (the
#     CLI's default is prism, which would run the job inside the launcher);
#   - --worker_binary is the binary itself: the SDK (v2.77.0) never reuses
#     the running binary as the worker and would otherwise try to
#     `go build` the program inside the launcher, which has no Go toolchain;
#   - --execute_async: the launcher must return once the job is submitted,
#     not when it finishes.
# Flags given later win, so the launcher's own options take precedence.
set -eu
bin=${LINKBEAM_BINARY:-/template/linkbeam}
exec "$bin" run --runner=dataflow --worker_binary="$bin" --execute_async "$@"
