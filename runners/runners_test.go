package runners

import (
	"flag"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for name, want := range map[string]string{
		"":               "prism",
		"prism":          "prism",
		"PrismRunner":    "prism",
		"universal":      "universal",
		"portable":       "universal",
		"PortableRunner": "universal",
		"flink":          "flink",
		"FlinkRunner":    "flink",
		"dataflow":       "dataflow",
		"DataflowRunner": "dataflow",
		"direct":         "direct",
	} {
		r, ok := Lookup(name)
		if !ok || r.Name != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, r.Name, ok, want)
		}
	}
	for _, name := range []string{"Flink", "spark", "dot", "samza", "DATAFLOW"} {
		if _, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) accepted an unsupported runner", name)
		}
	}
}

func TestValidateOK(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	for _, tc := range []struct {
		runner string
		flags  map[string]string
	}{
		{"", nil},
		{"prism", map[string]string{"endpoint": "localhost:8073"}},
		{"direct", nil},
		{"universal", map[string]string{"endpoint": "127.0.0.1:8099", "environment_type": "LOOPBACK"}},
		{"portable", map[string]string{"endpoint": "127.0.0.1:8099", "environment_type": "loopback"}},
		{"flink", map[string]string{"endpoint": "flink-jobserver:8099", "environment_type": "DOCKER", "environment_config": "apache/beam_go_sdk:2.77.0"}},
		{"flink", map[string]string{"endpoint": "[::1]:8099", "environment_type": "EXTERNAL", "environment_config": "localhost:50000"}},
		{"dataflow", map[string]string{
			"project": "p", "region": "europe-west1", "staging_location": "gs://b/staging",
			"temp_location": "gs://b/tmp", "flexrs_goal": "FLEXRS_COST_OPTIMIZED",
			"num_workers": "2", "max_num_workers": "10", "environment_type": "DOCKER",
		}},
	} {
		if err := Validate(tc.runner, tc.flags); err != nil {
			t.Errorf("Validate(%q, %v) = %v; want nil", tc.runner, tc.flags, err)
		}
	}
}

func TestValidateReportsEveryMissingFlag(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	err := Validate("dataflow", map[string]string{"temp_location": "gs://b/tmp"})
	if err == nil {
		t.Fatal("Validate(dataflow, {}) = nil")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not an errors.Join of the problems", err)
	}
	if n := len(joined.Unwrap()); n != 3 {
		t.Errorf("got %d errors, want 3 (project, region, staging_location):\n%v", n, err)
	}
	for _, want := range []string{"--project", "--region", "--staging_location", "$CLOUDSDK_COMPUTE_REGION"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestValidateRegionFromEnvironment(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "us-central1")
	if err := Validate("dataflow", map[string]string{"project": "p", "staging_location": "gs://b/s"}); err != nil {
		t.Errorf("region from $CLOUDSDK_COMPUTE_REGION not accepted: %v", err)
	}
}

func TestValidateErrors(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	dataflow := func(extra map[string]string) map[string]string {
		m := map[string]string{"project": "p", "region": "r", "staging_location": "gs://b/s"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		runner string
		flags  map[string]string
		want   []string // substrings of the error
	}{
		{"spark", nil, []string{`unknown runner "spark"`, "prism", "dataflow"}},
		{"universal", nil, []string{"--endpoint"}},
		{"flink", map[string]string{"environment_type": "LOOPBACK"}, []string{"--endpoint"}},
		{"flink", map[string]string{"endpoint": "8099"}, []string{"HOST:PORT"}},
		{"flink", map[string]string{"endpoint": "localhost:99999"}, []string{"1..65535"}},
		{"flink", map[string]string{"endpoint": "h:1", "environment_type": "EXTERNAL"}, []string{"--environment_config"}},
		{"flink", map[string]string{"endpoint": "h:1", "environment_type": "PROCESS"}, []string{"--environment_config", "command"}},
		{"universal", map[string]string{"endpoint": "h:1", "environment_type": "KUBERNETES"}, []string{"--environment_type=KUBERNETES"}},
		{"dataflow", dataflow(map[string]string{"environment_type": "LOOPBACK"}), []string{"DOCKER"}},
		{"dataflow", dataflow(map[string]string{"staging_location": "/tmp/staging"}), []string{"gs://"}},
		{"dataflow", dataflow(map[string]string{"temp_location": "s3://b/tmp"}), []string{"--temp_location", "gs://"}},
		{"dataflow", dataflow(map[string]string{"flexrs_goal": "CHEAP"}), []string{"FLEXRS_COST_OPTIMIZED"}},
		{"dataflow", dataflow(map[string]string{"autoscaling_algorithm": "BASIC"}), []string{"THROUGHPUT_BASED"}},
		{"dataflow", dataflow(map[string]string{"num_workers": "x"}), []string{"--num_workers"}},
		{"dataflow", dataflow(map[string]string{"num_workers": "9", "max_num_workers": "3"}), []string{"above"}},
	} {
		err := Validate(tc.runner, tc.flags)
		if err == nil {
			t.Errorf("Validate(%q, %v) = nil; want an error", tc.runner, tc.flags)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Validate(%q, %v) = %q; want it to mention %q", tc.runner, tc.flags, err, w)
			}
		}
	}
}

func TestWarnings(t *testing.T) {
	if w := Warnings("flink", map[string]string{"endpoint": "h:1", "environment_type": "LOOPBACK"}); len(w) != 0 {
		t.Errorf("LOOPBACK needs no worker binary; got %q", w)
	}
	if w := Warnings("flink", map[string]string{"endpoint": "h:1"}); len(w) != 1 || !strings.Contains(w[0], "make worker") {
		t.Errorf("DOCKER (the default) without --worker_binary: got %q", w)
	}
	if w := Warnings("dataflow", map[string]string{"worker_binary": "bin/linux_amd64/linkbeam"}); len(w) != 0 {
		t.Errorf("with --worker_binary: got %q", w)
	}
	if w := Warnings("dataflow", map[string]string{"dry_run": "true"}); len(w) != 0 {
		t.Errorf("dry run compiles nothing: got %q", w)
	}
	if w := Warnings("prism", nil); len(w) != 0 {
		t.Errorf("prism: got %q", w)
	}
}

// The helpers read a flag set the way the CLI does, with Beam-like flags
// registered; the runner-specific flags come in through Validate.
func TestFlagValuesAndSelected(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.String("runner", "", "")
	fs.String("endpoint", "", "")
	fs.String("environment_type", "", "")
	fs.Int64("num_workers", 0, "")
	if err := fs.Parse([]string{"--runner=flink", "--endpoint=127.0.0.1:8099"}); err != nil {
		t.Fatal(err)
	}
	if got := Selected(fs); got != "flink" {
		t.Errorf("Selected = %q", got)
	}
	vals := FlagValues(fs)
	if vals["endpoint"] != "127.0.0.1:8099" || vals["num_workers"] != "0" {
		t.Errorf("FlagValues = %v", vals)
	}
	if _, ok := vals["environment_type"]; ok {
		t.Errorf("empty flag reported: %v", vals)
	}
	if err := Validate(Selected(fs), vals); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got := Selected(flag.NewFlagSet("empty", flag.ContinueOnError)); got != "" {
		t.Errorf("Selected without a runner flag = %q", got)
	}
	if got := RequiredFlags("dataflow"); strings.Join(got, " ") != "--project --region --staging_location" {
		t.Errorf("RequiredFlags(dataflow) = %v", got)
	}
}

func TestCommitAfterRun(t *testing.T) {
	for _, tc := range []struct {
		runner string
		flags  map[string]string
		want   bool
	}{
		{"", nil, true},
		{"prism", map[string]string{"endpoint": "localhost:8073"}, true},
		{"PrismRunner", nil, true},
		{"direct", nil, true},
		{"universal", map[string]string{"endpoint": "127.0.0.1:8099"}, true},
		{"portable", nil, true},
		{"flink", map[string]string{"async": "false"}, true},
		{"flink", map[string]string{"async": "true"}, false}, // returns once submitted
		{"prism", map[string]string{"async": "true"}, false},
		{"dataflow", nil, false},
		{"DataflowRunner", nil, false},
		{"spark", nil, false},
	} {
		if got := CommitAfterRun(tc.runner, tc.flags); got != tc.want {
			t.Errorf("CommitAfterRun(%q, %v) = %v; want %v", tc.runner, tc.flags, got, tc.want)
		}
	}
}
