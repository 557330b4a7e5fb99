// Package runners documents which Beam runners linkbeam supports and which
// flags each one needs, and checks a command line against that before a
// job is submitted, so a misconfigured submission fails at once with every
// missing flag named, instead of one at a time (or, for an unknown runner,
// with the SDK's log.Exit).
//
// The flags themselves are registered by the Beam Go SDK on flag.CommandLine
// (see runners/README.md for where each comes from); this package only reads
// their values. It holds no pipeline logic.
//
// `linkbeam run` and `linkbeam validate` call Validate and Warnings after
// flag.CommandLine.Parse and before loading the config (checkRunner in
// cmd/linkbeam/run.go).
package runners

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Default is the runner used when --runner is empty (x/beamx's default).
const Default = "prism"

// Runner describes one runner that linkbeam supports.
type Runner struct {
	// Name is the canonical --runner value.
	Name string
	// Aliases are the other names the SDK registers for the same runner.
	Aliases []string
	// Summary says what the runner is for.
	Summary string
	// Required lists the flags that must be set (non-empty).
	Required []Requirement
	// Deprecated marks runners kept only for tests.
	Deprecated bool
}

// Requirement is a flag that must be set, or an environment variable that
// the SDK reads instead.
type Requirement struct {
	Flag string
	Env  string // when set, a non-empty environment variable also satisfies the requirement
	Help string // what to pass, e.g. "gs://BUCKET/staging"
}

// Supported lists the runners linkbeam supports, default first. The names
// and aliases are those the Beam Go SDK v2.77.0 registers
// (beam.RegisterRunner in go/pkg/beam/runners/*); the runner registry is
// case-sensitive.
var Supported = []Runner{
	{
		Name:    "prism",
		Aliases: []string{"PrismRunner"},
		Summary: "Beam's local runner; with no --endpoint it starts in-process with a LOOPBACK environment (the default)",
	},
	{
		Name:    "universal",
		Aliases: []string{"portable", "PortableRunner"},
		Summary: "any Beam portable job service (Job API over gRPC): Flink's or Spark's job server, a standalone prism",
		Required: []Requirement{
			{Flag: "endpoint", Help: "HOST:PORT of the job service"},
		},
	},
	{
		Name:    "flink",
		Aliases: []string{"FlinkRunner"},
		Summary: "Apache Flink through the Beam Flink job server; the same code path as universal",
		Required: []Requirement{
			{Flag: "endpoint", Help: "HOST:PORT of the Beam Flink job server (default port 8099)"},
		},
	},
	{
		Name:    "dataflow",
		Aliases: []string{"DataflowRunner"},
		Summary: "Google Cloud Dataflow (Runner v2)",
		Required: []Requirement{
			{Flag: "project", Help: "Google Cloud project ID"},
			{Flag: "region", Env: "CLOUDSDK_COMPUTE_REGION", Help: "Dataflow regional endpoint, e.g. europe-west1"},
			{Flag: "staging_location", Help: "gs://BUCKET/staging (the SDK requires it even when --temp_location is set)"},
		},
	},
	{
		Name:       "direct",
		Aliases:    []string{"DirectRunner"},
		Summary:    "the SDK's deprecated in-process runner; kept for `make test-direct` only",
		Deprecated: true,
	},
}

// Lookup returns the supported runner called name (canonical name or
// alias); "" is the default runner.
func Lookup(name string) (Runner, bool) {
	if name == "" {
		name = Default
	}
	for _, r := range Supported {
		if r.Name == name {
			return r, true
		}
		for _, a := range r.Aliases {
			if a == name {
				return r, true
			}
		}
	}
	return Runner{}, false
}

// Names returns every accepted --runner value, canonical names first.
func Names() []string {
	var names, aliases []string
	for _, r := range Supported {
		names = append(names, r.Name)
		aliases = append(aliases, r.Aliases...)
	}
	return append(names, aliases...)
}

// environment types accepted by the universal runners (jobopts.GetEnvironmentUrn
// lower-cases the flag).
var envTypes = []string{"LOOPBACK", "EXTERNAL", "DOCKER", "PROCESS"}

var flexRSGoals = []string{"FLEXRS_UNSPECIFIED", "FLEXRS_SPEED_OPTIMIZED", "FLEXRS_COST_OPTIMIZED"}

// Validate checks that flags (flag name → value, e.g. from FlagValues) carry
// what runner needs, and that the values the SDK would otherwise reject
// late (or panic on) are valid. It reports every problem at once, joined
// with errors.Join; nil means the submission can proceed.
//
// It is stricter than the SDK in one place on purpose: Dataflow needs an
// explicit --project (the SDK would otherwise take the project of whatever
// default credentials it finds, which sends scheduled jobs to the wrong
// project more often than it helps).
func Validate(runner string, flags map[string]string) error {
	r, ok := Lookup(runner)
	if !ok {
		return fmt.Errorf("unknown runner %q: linkbeam supports %s", runner, strings.Join(Names(), ", "))
	}
	var errs []error
	for _, req := range r.Required {
		if flags[req.Flag] != "" || (req.Env != "" && os.Getenv(req.Env) != "") {
			continue
		}
		msg := fmt.Sprintf("--runner=%s needs --%s (%s)", r.Name, req.Flag, req.Help)
		if req.Env != "" {
			msg += " or $" + req.Env
		}
		errs = append(errs, errors.New(msg))
	}
	env := strings.ToUpper(flags["environment_type"])
	if env != "" && !contains(envTypes, env) {
		errs = append(errs, fmt.Errorf("--environment_type=%s: want one of %s", flags["environment_type"], strings.Join(envTypes, ", ")))
	}
	switch r.Name {
	case "universal", "flink":
		if ep := flags["endpoint"]; ep != "" {
			if err := checkHostPort(ep); err != nil {
				errs = append(errs, fmt.Errorf("--endpoint=%s: %v", ep, err))
			}
		}
		if (env == "EXTERNAL" || env == "PROCESS") && flags["environment_config"] == "" {
			what := "the worker pool address HOST:PORT"
			if env == "PROCESS" {
				what = `a JSON object {"command": "/path/to/boot"}`
			}
			errs = append(errs, fmt.Errorf("--environment_type=%s needs --environment_config (%s)", env, what))
		}
	case "prism":
		if ep := flags["endpoint"]; ep != "" {
			if err := checkHostPort(ep); err != nil {
				errs = append(errs, fmt.Errorf("--endpoint=%s: %v", ep, err))
			}
		}
	case "dataflow":
		// getContainerImage in runners/dataflow panics on anything but DOCKER.
		if env != "" && env != "DOCKER" {
			errs = append(errs, fmt.Errorf("--environment_type=%s: Dataflow runs the SDK harness in a container; leave it unset or DOCKER", flags["environment_type"]))
		}
		for _, name := range []string{"staging_location", "temp_location"} {
			if v := flags[name]; v != "" && !strings.HasPrefix(v, "gs://") {
				errs = append(errs, fmt.Errorf("--%s=%s: Dataflow needs a gs:// location", name, v))
			}
		}
		if g := flags["flexrs_goal"]; g != "" && !contains(flexRSGoals, g) {
			errs = append(errs, fmt.Errorf("--flexrs_goal=%s: want one of %s", g, strings.Join(flexRSGoals, ", ")))
		}
		if a := flags["autoscaling_algorithm"]; a != "" && a != "NONE" && a != "THROUGHPUT_BASED" {
			errs = append(errs, fmt.Errorf("--autoscaling_algorithm=%s: want NONE or THROUGHPUT_BASED", a))
		}
		for _, name := range []string{"num_workers", "max_num_workers"} {
			if v := flags[name]; v != "" {
				if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
					errs = append(errs, fmt.Errorf("--%s=%s: want a non-negative integer", name, v))
				}
			}
		}
		if flags["num_workers"] != "" && flags["max_num_workers"] != "" {
			n, err1 := strconv.ParseInt(flags["num_workers"], 10, 64)
			m, err2 := strconv.ParseInt(flags["max_num_workers"], 10, 64)
			if err1 == nil && err2 == nil && m > 0 && n > m {
				errs = append(errs, fmt.Errorf("--num_workers=%d is above --max_num_workers=%d", n, m))
			}
		}
	}
	return errors.Join(errs...)
}

// Warnings returns advice that does not block a submission: today, that a
// remote runner without --worker_binary makes the SDK cross-compile the job
// with `go build` at submission time (runnerlib.BuildTempWorkerBinary),
// which needs the Go toolchain and the source tree. Build one with
// `make worker` and pass it.
func Warnings(runner string, flags map[string]string) []string {
	r, ok := Lookup(runner)
	if !ok || flags["worker_binary"] != "" {
		return nil
	}
	remote := false
	switch r.Name {
	case "dataflow":
		remote = flags["dry_run"] != "true"
	case "universal", "flink":
		env := strings.ToUpper(flags["environment_type"])
		remote = env != "LOOPBACK" // "" is DOCKER in the SDK
	}
	if !remote {
		return nil
	}
	return []string{fmt.Sprintf("--runner=%s without --worker_binary: the SDK will cross-compile this program with `go build` "+
		"at submission (needs Go and the source tree); build bin/linux_amd64/linkbeam with `make worker` and pass --worker_binary", r.Name)}
}

// CommitAfterRun reports whether the launching process, rather than the
// job's last step, should publish the job's output once the job has
// succeeded (pipelines.Options.CommitInJob is its negation). It does on
// the runners beam.Run waits on: prism, direct, universal and flink,
// unless --async. prism (v2.77.0) drops the elements of a failed bundle
// and advances the watermarks (FailBundle in
// runners/prism/internal/engine/elementmanager.go), so later stages, a
// commit step among them, can run on partial data before the job fails.
// Dataflow retries a failing bundle and then fails the job, and its
// launches (Flex Templates) return once the job is submitted: the job
// commits itself there.
func CommitAfterRun(runner string, flags map[string]string) bool {
	r, ok := Lookup(runner)
	if !ok || flags["async"] == "true" {
		return false
	}
	switch r.Name {
	case "prism", "direct", "universal", "flink":
		return true
	}
	return false
}

// FlagValues returns the value of every flag in fs whose value is not
// empty, keyed by flag name, ready for Validate.
func FlagValues(fs *flag.FlagSet) map[string]string {
	m := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if v := f.Value.String(); v != "" {
			m[f.Name] = v
		}
	})
	return m
}

// Selected returns the --runner value in fs ("" when the flag is absent or
// empty, which Validate and beamx treat as the default, prism).
func Selected(fs *flag.FlagSet) string {
	if f := fs.Lookup("runner"); f != nil {
		return f.Value.String()
	}
	return ""
}

// RequiredFlags returns the flags runner needs, sorted, for help text.
func RequiredFlags(runner string) []string {
	r, ok := Lookup(runner)
	if !ok {
		return nil
	}
	var out []string
	for _, req := range r.Required {
		out = append(out, "--"+req.Flag)
	}
	sort.Strings(out)
	return out
}

func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("want HOST:PORT")
	}
	if host == "" {
		return fmt.Errorf("want HOST:PORT, host is empty")
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return fmt.Errorf("port %q is not in 1..65535", port)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
