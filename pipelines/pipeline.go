// Package pipelines assembles linkbeam's Beam graphs from the transforms.
// Build is the whole entity-resolution job; cmd/linkbeam and the tests call
// the same function.
package pipelines

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// Options are the run-time choices that are not part of the job config.
type Options struct {
	Output  string          // output directory: local path, gs:// or s3:// URL
	RunID   string          // names the staging folder of this run
	Model   *matchers.Model // the match model; see LoadModel
	Sources []string        // sources to read; empty means all
	// Previous is a previous run's committed output directory: master ids
	// persist from it, changes/ lists what changed, pairs of records
	// unchanged since keep its decisions (edges/), and with Sources the
	// other sources' records are reused from its records/ (README:
	// "Incremental runs").
	Previous string
	// RunDate is the run's date: the raw/ partition of the lake layout and
	// the BigQuery partition replaced. Zero means today (UTC) at launch.
	RunDate time.Time
	// BigQueryEndpoint replaces the BigQuery API for the sink, called
	// without credentials: a test server or an emulator.
	BigQueryEndpoint string
	// BlockShards is the number of shards candidates are scored in; 0
	// means transforms.DefaultShards. A record goes to every shard its
	// blocking keys fall in, so more shards spread scoring over more
	// workers at the price of copies: on one machine 1 is best.
	BlockShards int
	// CommitInJob makes the job's last steps publish its output and load
	// BigQuery, for launches that return before the job has ended
	// (Dataflow, its Flex Templates, --async); see Build. Left false, the
	// caller commits with the Staged output Build returns.
	CommitInJob bool
}

// Build adds the entity-resolution job to s:
//
//	Read → Harmonize → Dedupe → Block → Score → Cluster → Survive → Write → Commit
//	          └────────────── rejected ──────────────────────────→ Write ┘
//
// Output lands in opts.Output/{masters,links,rejected,records,changes,edges}
// (or the lake layout's folders, see transforms/lake.go) only when the
// whole job has succeeded; then the BigQuery sink, when configured (see
// resolveOutput), loads it. Who commits depends on opts.CommitInJob:
//
//   - false: the job writes its staging folder and the list of the files
//     in it (transforms.WriteManifest), and Build returns the Staged
//     output. The caller runs the job, waits for it, and calls
//     Staged.Commit only when it succeeded. This is for runners the
//     launcher waits on (prism, direct, portable): prism drops a failed
//     bundle's elements and runs later stages on the rest before the job
//     fails, so a commit step inside the job could publish a failed run.
//   - true: the job's last steps commit (transforms.CommitWith) and load
//     BigQuery, and Build returns nil. This is for Dataflow, whose launches
//     return once the job is submitted; it retries a failed bundle and
//     fails the job without running later steps on partial data.
func Build(s beam.Scope, cfg *schemas.Config, opts Options) (*Staged, error) {
	if opts.Model == nil {
		return nil, fmt.Errorf("pipelines: no model")
	}
	if opts.Output == "" {
		return nil, fmt.Errorf("pipelines: no output location")
	}
	names := opts.Sources
	if len(names) == 0 {
		names = cfg.SourceNames()
	}
	for _, n := range names {
		if _, ok := cfg.Sources[n]; !ok {
			return nil, fmt.Errorf("pipelines: unknown source %q", n)
		}
	}
	shards := cfg.Output.Shards
	if shards <= 0 {
		shards = autoShards(cfg)
	}
	threshold := cfg.Matching.Threshold
	if threshold <= 0 {
		threshold = opts.Model.Threshold
	}
	runDate := opts.RunDate.Format(time.DateOnly)
	if opts.RunDate.IsZero() {
		runDate = time.Now().UTC().Format(time.DateOnly)
	}
	out, bigQuery, err := resolveOutput(cfg, opts, runDate)
	if err != nil {
		return nil, err
	}
	staging := out + "/.staging-" + opts.RunID
	scoring := transforms.ScoringHash(opts.Model, threshold, cfg.Matching.Blocking, cfg.Matching.Clustering.OnePerSource)
	inc, err := newIncremental(cfg, opts, names, scoring)
	if err != nil {
		return nil, err
	}

	records := transforms.Read(s, cfg, names)
	accepted, rejected, tallies := transforms.Harmonize(s, cfg, records)
	accepted = inc.addReused(s, accepted)
	// Bulk batches cross the runner's shuffles as files (internal/spill),
	// in the staging folder so that they go with it.
	store := spill.Store{Dir: staging + "/" + spill.DirName}
	survivors := transforms.Dedupe(s, store, accepted, shards)
	blockShards := opts.BlockShards
	if blockShards <= 0 {
		blockShards = transforms.DefaultShards
	}
	candidates := transforms.Block(s, transforms.BlockOptions{
		Blocking: cfg.Matching.Blocking, Shards: blockShards, RecordShards: shards,
		Previous: inc.keptFrom(), Spill: store,
		TitleCounts: matchers.NeedsTitleCounts(opts.Model.Features),
	}, survivors)
	edges, pairs := transforms.Score(s, transforms.ScoreOptions{
		Model: *opts.Model, Threshold: threshold,
		MaxBlockSize: cfg.Matching.Blocking.MaxBlockSize, Window: cfg.Matching.Blocking.Window,
		WritePairs: cfg.Output.WritePairs, CrossSourceOnly: cfg.Matching.Clustering.OnePerSource,
		Previous: inc.keptFrom(), Spill: store,
	}, candidates)
	assignments := transforms.Cluster(s, transforms.ClusterOptions{
		Threshold: threshold, MaxClusterSize: cfg.Matching.Clustering.MaxClusterSize,
		OnePerSource: cfg.Matching.Clustering.OnePerSource, Shards: shards,
		MinLinkage: cfg.Matching.Clustering.Linkage(), ConfirmedFirst: cfg.Matching.Clustering.CodesFirst(),
		Spill: store,
	}, edges)
	priorities := map[string]int{}
	for name, src := range cfg.Sources {
		priorities[name] = src.Priority
	}
	masters := transforms.Survive(s, transforms.SurviveOptions{
		Survivorship: cfg.Survivorship, Priorities: priorities, Shards: shards, Spill: store,
	}, survivors, assignments)
	var written beam.PCollection
	plan := transforms.StandardPlan
	if cfg.Output.Layout == schemas.LayoutLake {
		written = transforms.WriteLake(s, transforms.LakeOptions{
			Dir: staging, Compression: cfg.Output.Compression, RunDate: runDate,
		}, records, survivors, masters)
		plan = transforms.LakePlan(names, runDate)
	} else {
		written = beam.Flatten(s, inc.writeMasters(s, store, staging, cfg.Output.Compression, masters),
			transforms.WriteRecords(s, staging, cfg.Output.Compression, survivors),
			transforms.WriteEdges(s, staging, cfg.Output.Compression, store, shards, scoring, edges))
	}
	written = beam.Flatten(s, written, transforms.WriteRejects(s, staging, cfg.Output.Compression, rejected))
	if cfg.Output.WritePairs {
		written = beam.Flatten(s, written, transforms.WritePairs(s, staging, cfg.Output.Compression, pairs))
	}
	maxRatio := map[string]float64{}
	for name, src := range cfg.Sources {
		maxRatio[name] = src.MaxRejectRatio
	}
	written = transforms.GuardRejects(s, maxRatio, tallies, written)
	if !opts.CommitInJob {
		transforms.WriteManifest(s, staging, written)
		return &Staged{dir: out, staging: staging, plan: plan, built: time.Now(), bigQuery: bigQuery}, nil
	}
	committed := transforms.CommitWith(s, out, staging, plan, written)
	if bigQuery != nil {
		transforms.LoadBigQuery(s, *bigQuery, committed)
	}
	return nil, nil
}

// autoShards is the shard count of a config that leaves output.shards
// unset, chosen from the size of its sources' files (transforms.ShardsFor)
// so that the stages holding one shard at a time stay within a bounded
// memory as the catalogue grows. A REST source, or a location that cannot
// be listed now (Read reports it), counts nothing.
func autoShards(cfg *schemas.Config) int {
	var total int64
	for _, src := range cfg.Sources {
		if src.Type == "rest_api" {
			continue
		}
		if n, err := transforms.SourceBytes(context.Background(), src.Location); err == nil {
			total += n
		}
	}
	return transforms.ShardsFor(total)
}
