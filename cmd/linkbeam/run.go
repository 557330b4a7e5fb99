package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"

	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/runners"
	"github.com/linkbeam/linkbeam/schemas"
)

// Job flags live on flag.CommandLine beside Beam's own, so one parse
// serves both and Beam ships them to remote workers with the options.
var (
	configFlag    = flag.String("config", "", "job config (YAML): local path, gs:// or s3:// URL")
	outputFlag    = flag.String("output", "", "output directory: local path, gs:// or s3:// URL")
	modelFlag     = flag.String("model", "", "match model (model.json); overrides matching.model in the config")
	thresholdFlag = flag.Float64("threshold", 0, "match probability threshold; overrides the config and the model")
	sourcesFlag   = flag.String("sources", "", "comma-separated sources to read; default all. With --previous the others' records are reused from it")
	previousFlag  = flag.String("previous", "", "a previous run's output directory (local, gs://, s3://; usually --output itself): keep its master ids, write changes/")
	blockShards   = flag.Int("block_shards", 0, "shards candidates are scored in; 0: 1 on the embedded prism and direct runners, 8 elsewhere")
	cpuProfile    = flag.String("cpuprofile", "", "write a CPU profile of this process (the whole job on prism) to this file")
	memProfile    = flag.String("memprofile", "", "write a heap profile of this process to this file when the job ends")
	metricsFile   = flag.String("metrics_file", "", "when the job ends, write its Prometheus metrics to this local file (text format, replaced atomically; for node_exporter's textfile collector, name it *.prom)")
	metricsPush   = flag.String("metrics_pushgateway", "", "when the job ends, push its Prometheus metrics to this Pushgateway URL (job linkbeam, grouped by config name)")
	metricsAddr   = flag.String("metrics_addr", "", "serve Prometheus /metrics on this address (host:port) while the command runs: process metrics during the job, the job's metrics once it ends")
)

func runCmd(args []string) error {
	if err := flag.CommandLine.Parse(args); err != nil {
		return err
	}
	beam.Init()
	if *configFlag == "" || *outputFlag == "" {
		return errors.New("--config and --output are required")
	}
	runner, runnerFlags, err := checkRunner(flag.CommandLine)
	if err != nil {
		return err
	}
	ctx := context.Background()
	cfg, model, err := pipelines.LoadJob(ctx, *configFlag, *modelFlag)
	if err != nil {
		return err
	}
	if *thresholdFlag > 0 {
		cfg.Matching.Threshold = *thresholdFlag
	}
	opts := pipelines.Options{
		Output: strings.TrimRight(*outputFlag, "/"),
		RunID:  time.Now().UTC().Format("20060102T150405.000000000"),
		Model:  model,
	}
	embedded := runners.Embedded(runner, runnerFlags)
	opts.BlockShards = *blockShards
	if opts.BlockShards == 0 && embedded {
		// Shards on one machine would only copy records to several of them.
		opts.BlockShards = 1
	}
	if embedded && os.Getenv("GOMEMLIMIT") == "" {
		if limit := runners.DefaultMemoryLimit(); limit > 0 {
			debug.SetMemoryLimit(limit)
		}
	}
	if *sourcesFlag != "" {
		opts.Sources = strings.Split(*sourcesFlag, ",")
		if *previousFlag == "" {
			fmt.Fprintf(os.Stderr, "note: --sources without --previous: the masters will cover %s only\n", *sourcesFlag)
		}
	}
	opts.Previous = strings.TrimRight(*previousFlag, "/")
	opts.CommitInJob = !runners.CommitAfterRun(runner, runnerFlags)
	p, s := beam.NewPipelineWithRoot()
	staged, err := pipelines.Build(s, cfg, opts)
	if err != nil {
		return err
	}
	outputs := metricsOutputs{File: *metricsFile, Pushgateway: *metricsPush, Config: configName(*configFlag)}
	if *metricsAddr != "" {
		srv, err := serveMetrics(*metricsAddr)
		if err != nil {
			return err
		}
		defer srv.close()
		fmt.Fprintf(os.Stderr, "serving metrics on http://%s/metrics\n", srv.addr)
		outputs.Server = srv
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := beamx.RunWithMetrics(ctx, p)
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	if err != nil {
		return fmt.Errorf("job failed; previous output left unchanged: %w", err)
	}
	if res == nil || *jobopts.Async { // submitted (--async, Dataflow): the job commits itself
		fmt.Fprintln(os.Stderr, "job submitted")
		return nil
	}
	if staged != nil {
		if err := staged.Commit(ctx); err != nil {
			return fmt.Errorf("job succeeded, publishing its output failed: %w", err)
		}
	}
	all := res.Metrics().AllMetrics()
	sum := pipelines.Summarize(all)
	sum.Wall = time.Since(start)
	sum.Write(os.Stdout)
	checkErr := sum.Check()
	var success time.Time
	if checkErr == nil {
		success = time.Now()
	}
	return errors.Join(checkErr, outputs.publish(ctx, all, sum.Wall, success))
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// validateCmd takes run's command line, so the exact flags of a launch
// can be checked: the config and the runner flags, without building or
// submitting anything.
func validateCmd(args []string) error {
	if err := flag.CommandLine.Parse(args); err != nil {
		return err
	}
	if *configFlag == "" {
		return errors.New("--config is required")
	}
	_, _, runnerErr := checkRunner(flag.CommandLine)
	if _, err := schemas.Load(*configFlag); err != nil || runnerErr != nil {
		return errors.Join(err, runnerErr)
	}
	fmt.Printf("%s: ok\n", *configFlag)
	return nil
}

// checkRunner checks the runner flags on fs before anything is built or
// submitted (the SDK would report some late, exit on an unknown runner,
// or panic), failing on every problem at once and printing advice that
// does not block to stderr.
func checkRunner(fs *flag.FlagSet) (runner string, flags map[string]string, err error) {
	runner, flags = runners.Selected(fs), runners.FlagValues(fs)
	if err := runners.Validate(runner, flags); err != nil {
		return "", nil, err
	}
	for _, w := range runners.Warnings(runner, flags) {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	return runner, flags, nil
}
