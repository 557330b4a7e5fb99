package dataflow_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // Prepare reads testdata/demo.yaml
	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
	beamdataflow "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	"google.golang.org/protobuf/proto"

	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/runners"
)

// stages are the named scopes pipelines.Build opens, in pipeline order.
var stages = []string{
	"linkbeam.Read", "linkbeam.Harmonize", "linkbeam.Dedupe", "linkbeam.Block",
	"linkbeam.Score", "linkbeam.Cluster", "linkbeam.Survive",
	"linkbeam.WriteMasters", "linkbeam.WriteRejects", "linkbeam.Commit",
}

// wiring is the data flow between stages that README.md describes: for
// each pair, something the first stage produces must reach the second
// (as main or side input), directly or through transforms outside the
// stages (pipelines.Build flattens the written files before the commit).
var wiring = [][2]string{
	{"linkbeam.Read", "linkbeam.Harmonize"},
	{"linkbeam.Harmonize", "linkbeam.Dedupe"},
	{"linkbeam.Dedupe", "linkbeam.Block"},
	{"linkbeam.Block", "linkbeam.Score"},
	{"linkbeam.Score", "linkbeam.Cluster"},
	{"linkbeam.Cluster", "linkbeam.Survive"},
	{"linkbeam.Survive", "linkbeam.WriteMasters"},
	{"linkbeam.Harmonize", "linkbeam.WriteRejects"},
	{"linkbeam.WriteMasters", "linkbeam.Commit"},
	{"linkbeam.WriteRejects", "linkbeam.Commit"},
}

const (
	project = "linkbeam-test"
	region  = "europe-west1"
	staging = "gs://linkbeam-test-staging/staging"
	temp    = "gs://linkbeam-test-temp/tmp"
)

// demoPipeline builds the whole job on testdata/demo.yaml for Dataflow
// exactly as the CLI does (pipelines.LoadJob, then pipelines.Build with
// the commit runners.CommitAfterRun chooses), writing to gs://.
func demoPipeline(t *testing.T, flags map[string]string) *beam.Pipeline {
	t.Helper()
	cfg, model, err := pipelines.LoadJob(context.Background(), filepath.Join("..", "..", "testdata", "demo.yaml"), "")
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	p, s := beam.NewPipelineWithRoot()
	staged, err := pipelines.Build(s, cfg, pipelines.Options{
		Output:      "gs://linkbeam-test-output/demo",
		RunID:       "dryrun",
		Model:       model,
		CommitInJob: !runners.CommitAfterRun("dataflow", flags),
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if staged != nil {
		t.Fatal("Build left the commit to the launcher: a Dataflow launch returns once the job is submitted")
	}
	return p
}

func TestDataflowDryRun(t *testing.T) {
	worker := filepath.Join(t.TempDir(), "linkbeam-worker-that-does-not-exist")
	flags := map[string]string{
		"project":             project,
		"region":              region,
		"staging_location":    staging,
		"temp_location":       temp,
		"worker_binary":       worker,
		"job_name":            "linkbeam-dryrun",
		"num_workers":         "2",
		"max_num_workers":     "8",
		"worker_machine_type": "n2-standard-4",
		"flexrs_goal":         "FLEXRS_COST_OPTIMIZED",
	}
	if err := runners.Validate("dataflow", flags); err != nil {
		t.Fatalf("runners.Validate refuses flags the SDK accepts: %v", err)
	}
	r := dryRun(t, demoPipeline(t, flags), flags)

	t.Run("stages", func(t *testing.T) {
		ids := compositeIDs(r.Model)
		for _, st := range stages {
			switch n := len(ids[st]); n {
			case 1:
			case 0:
				t.Errorf("stage %s is missing from the Dataflow model", st)
			default:
				t.Errorf("stage %s appears %d times", st, n)
			}
		}
		if t.Failed() {
			var names []string
			for n := range ids {
				names = append(names, n)
			}
			slices.Sort(names)
			t.Logf("composite transforms in the model: %q", names)
			return
		}
		byName := map[string]string{}
		for _, st := range stages {
			byName[st] = ids[st][0]
		}
		for _, w := range wiring {
			if !feeds(r.Model, byName, w[0], w[1]) {
				t.Errorf("no PCollection flows from %s to %s", w[0], w[1])
			}
		}
	})

	t.Run("environment", func(t *testing.T) {
		image := "gcr.io/cloud-dataflow/v1beta3/beam_go_sdk:" + core.SdkVersion
		var found bool
		for id, env := range r.Model.GetComponents().GetEnvironments() {
			var payload pipepb.DockerPayload
			if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
				t.Errorf("environment %s: %v", id, err)
				continue
			}
			if env.GetUrn() == "beam:env:docker:v1" && payload.GetContainerImage() == image {
				found = true
			}
		}
		if !found {
			t.Errorf("no docker environment with the Dataflow Go SDK image %s", image)
		}
		if got := r.Job.Environment.WorkerPools[0].WorkerHarnessContainerImage; got != image {
			t.Errorf("worker harness image = %q; want %q", got, image)
		}
	})

	t.Run("job", func(t *testing.T) {
		job := r.Job
		if job.ProjectId != project || job.Name != "linkbeam-dryrun" || job.Type != "JOB_TYPE_BATCH" {
			t.Errorf("job project/name/type = %q/%q/%q", job.ProjectId, job.Name, job.Type)
		}
		env := job.Environment
		if env.TempStoragePrefix != temp {
			t.Errorf("tempStoragePrefix = %q; want %q", env.TempStoragePrefix, temp)
		}
		if env.FlexResourceSchedulingGoal != "FLEXRS_COST_OPTIMIZED" {
			t.Errorf("flexResourceSchedulingGoal = %q", env.FlexResourceSchedulingGoal)
		}
		for _, x := range []string{"beam_fn_api", "use_runner_v2", "use_unified_worker", "use_portable_job_submission"} {
			if !slices.Contains(env.Experiments, x) {
				t.Errorf("experiment %s not set: %q", x, env.Experiments)
			}
		}
		if len(env.WorkerPools) != 1 {
			t.Fatalf("%d worker pools", len(env.WorkerPools))
		}
		pool := env.WorkerPools[0]
		if pool.MachineType != "n2-standard-4" || pool.NumWorkers != 2 || pool.AutoscalingSettings.MaxNumWorkers != 8 {
			t.Errorf("worker pool machine/num/max = %q/%d/%d", pool.MachineType, pool.NumWorkers, pool.AutoscalingSettings.MaxNumWorkers)
		}
		// The worker binary would be staged here; a dry run stages nothing
		// (no hash) and never opened --worker_binary, which does not exist.
		if len(pool.Packages) == 0 || pool.Packages[0].Name != "worker" ||
			!strings.HasPrefix(pool.Packages[0].Location, staging+"/") || !strings.HasSuffix(pool.Packages[0].Location, "/worker") {
			t.Errorf("worker package = %+v", pool.Packages)
		} else if pool.Packages[0].Sha256 != "" {
			t.Errorf("worker package has a hash %q: was it staged?", pool.Packages[0].Sha256)
		}
		if _, err := os.Stat(flags["worker_binary"]); !os.IsNotExist(err) {
			t.Errorf("--worker_binary %s exists (%v); the test relies on it not existing", flags["worker_binary"], err)
		}
		var opts struct {
			Options struct {
				PipelineURL string `json:"pipelineUrl"`
				Region      string `json:"region"`
			} `json:"options"`
		}
		if err := json.Unmarshal(env.SdkPipelineOptions, &opts); err != nil {
			t.Fatalf("sdkPipelineOptions: %v", err)
		}
		if !strings.HasPrefix(opts.Options.PipelineURL, staging+"/") || !strings.HasSuffix(opts.Options.PipelineURL, "/model") || opts.Options.Region != region {
			t.Errorf("sdkPipelineOptions.options = %+v", opts.Options)
		}
	})

	t.Run("network", func(t *testing.T) {
		// Only the soft-delete checks of the two buckets: no upload, no job.
		want := []string{"GET /storage/v1/b/linkbeam-test-staging", "GET /storage/v1/b/linkbeam-test-temp"}
		got := slices.Clone(r.GCS)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("GCS requests = %q; want %q", got, want)
		}
	})

	if t.Failed() {
		t.Logf("job JSON:\n%s", r.JobJSON)
	}
}

// The SDK and runners.Validate agree on what a Dataflow submission needs:
// without --staging_location both refuse, before anything is contacted.
func TestDataflowNeedsStagingLocation(t *testing.T) {
	flags := map[string]string{"project": project, "region": region, "temp_location": temp}
	err := runners.Validate("dataflow", flags)
	if err == nil || !strings.Contains(err.Error(), "--staging_location") {
		t.Errorf("runners.Validate = %v; want it to ask for --staging_location", err)
	}
	for name, value := range map[string]string{"dry_run": "true", "project": project, "region": region, "temp_location": temp, "staging_location": ""} {
		f := flag.Lookup(name)
		old := f.Value.String()
		if err := f.Value.Set(value); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Value.Set(old) })
	}
	p, s := beam.NewPipelineWithRoot()
	beam.Impulse(s)
	if _, err := beamdataflow.Execute(context.Background(), p); err == nil || !strings.Contains(err.Error(), "staging_location") {
		t.Errorf("SDK Execute without --staging_location = %v; want an error naming it", err)
	}
}
