// Package dataflow holds linkbeam's Google Cloud Dataflow assets: the Flex
// Template image (Dockerfile, launch.sh), its parameters (metadata.json),
// scheduled launches (schedule/) and a test that builds the job's Dataflow
// graph with --dry_run, offline. See runners/README.md.
//
// The package has no code of its own: the job is submitted by the linkbeam
// binary with --runner=dataflow.
package dataflow
