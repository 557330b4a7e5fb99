package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// run and validate check the runner flags with runners.Validate before
// loading or submitting anything: errors fail the command with every
// problem named, warnings go to stderr and do not block.
func TestRunnerFlagsChecked(t *testing.T) {
	config := filepath.Join("..", "..", "schemas", "testdata", "valid_full.yaml")
	output := t.TempDir()
	for _, tc := range []struct {
		name       string
		args       []string
		fails      bool
		wantStderr []string
	}{
		{"validate, default runner", []string{"validate", "--config", config}, false, nil},
		{"validate, flink without endpoint", []string{"validate", "--config", config, "--runner=flink"}, true,
			[]string{"--runner=flink needs --endpoint"}},
		{"validate, runner name in the wrong case", []string{"validate", "--config", config, "--runner=Flink"}, true,
			[]string{`unknown runner "Flink"`}},
		{"validate, flink without worker binary", []string{"validate", "--config", config, "--runner=flink", "--endpoint=localhost:8099"}, false,
			[]string{"warning: --runner=flink without --worker_binary"}},
		{"run, flink with a bad endpoint", []string{"run", "--config", config, "--output", output, "--runner=flink", "--endpoint=localhost"}, true,
			[]string{"linkbeam run: --endpoint=localhost:"}},
		{"run, dataflow missing every required flag", []string{"run", "--config", config, "--output", output, "--runner=dataflow", "--staging_location=/tmp/staging"}, true,
			[]string{"needs --project", "needs --region", "--staging_location=/tmp/staging: Dataflow needs a gs:// location"}},
	} {
		cmd := linkbeamCmd(t, tc.args...)
		cmd.Env = append(cmd.Env, "CLOUDSDK_COMPUTE_REGION=") // the last value wins
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if failed := err != nil; failed != tc.fails {
			t.Errorf("%s: failed = %v, want %v\nstdout: %s\nstderr: %s", tc.name, failed, tc.fails, &stdout, &stderr)
			continue
		}
		for _, want := range tc.wantStderr {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%s: stderr lacks %q:\n%s", tc.name, want, &stderr)
			}
		}
		if len(tc.wantStderr) == 0 && stderr.Len() > 0 {
			t.Errorf("%s: unexpected stderr:\n%s", tc.name, &stderr)
		}
		if !tc.fails && !strings.Contains(stdout.String(), config+": ok") {
			t.Errorf("%s: stdout = %q, want %q", tc.name, &stdout, config+": ok")
		}
	}
}
