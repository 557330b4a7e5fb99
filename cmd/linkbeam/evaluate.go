package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/internal/report"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func evaluateCmd(args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	output := fs.String("output", "", "a committed linkbeam output directory")
	truthPath := fs.String("truth", "", "ground truth: source,source_id,entity_id or two id columns")
	left := fs.String("left", "", "source of the first id column, for id-pair truth")
	right := fs.String("right", "", "source of the second id column, for id-pair truth")
	cfgPath := fs.String("config", "", "the run's config: the clustering rule of the threshold sweep, the report's records and, when the output has no pairs/, "+
		"the candidate pairs, blocked and scored again in memory from its sources (evaluate takes 0.4 s on Abt-Buy and 20 s on a 100k-record catalogue, 12 s of it the sweep)")
	reportPath := fs.String("report", "", "also write a self-contained HTML report to this file (with --config: titles and features of the worst pairs)")
	modelPath := fs.String("model", "", "the match model the run used, for the report; default the config's matching.model")
	threshold := fs.Float64("threshold", 0, "the run's threshold, if --threshold overrode it; default the config's or the model's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *output == "" || *truthPath == "" {
		return errors.New("--output and --truth are required")
	}
	f, err := os.Open(*truthPath)
	if err != nil {
		return err
	}
	defer f.Close()
	truth, err := evaluate.ReadTruth(f, *left, *right)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var cfg *schemas.Config
	model, err := pipelines.LoadModel(ctx, *modelPath)
	if err != nil {
		return err
	}
	links, err := pipelines.ReadLinks(ctx, *output)
	if err != nil {
		return err
	}
	// The sweep clusters as the run did: by the config's rule, else by
	// the default rule for the sources the run linked.
	opts := replay.ClusterOptions(schemas.DefaultClustering(len(replay.LinkedSources(links))))
	if *cfgPath != "" {
		if cfg, model, err = pipelines.LoadJob(ctx, *cfgPath, *modelPath); err != nil {
			return err
		}
		opts = replay.ClusterOptions(cfg.Matching.Clustering)
	}
	fmt.Printf("pairwise %s\n", evaluate.Links(links, truth))

	th := *threshold
	if th <= 0 {
		th = replay.MatchThreshold(cfg, model)
	}
	pairs, err := pipelines.ReadPairs(ctx, *output)
	if err != nil {
		return err
	}
	var corpus *replay.Corpus
	if cfg != nil && (len(pairs) == 0 || *reportPath != "") {
		records, err := pipelines.LoadSources(ctx, cfg, replay.LinkedSources(links))
		if err != nil {
			return err
		}
		corpus = replay.New(records)
	}
	pairsFrom := "pairs/"
	if len(pairs) == 0 && corpus != nil {
		if pairs, err = corpus.ScoreCandidates(cfg, model); err != nil {
			return err
		}
		pairsFrom = "recomputed from the config's sources: the output has no pairs/"
	}
	if len(pairs) == 0 {
		fmt.Println("no pairs/ in the output and no --config to recompute them: no blocking recall or threshold sweep")
	} else {
		fmt.Printf("candidate pairs %d, blocking recall %.4f (%s)\n", len(pairs), evaluate.BlockingRecall(pairs, truth), pairsFrom)
		writeSweep(os.Stdout, evaluate.SweepWithRun(pairs, truth, th, opts), th)
	}
	if *reportPath == "" {
		return nil
	}

	truthText := *truthPath
	if *left != "" {
		truthText += fmt.Sprintf(" (%s, %s)", *left, *right)
	}
	modelText := *modelPath
	if modelText == "" && cfg != nil {
		modelText = cfg.Matching.Model
	}
	if modelText == "" {
		modelText = "default"
	}
	if model.TrainedOn != "" {
		modelText += ", trained on " + model.TrainedOn
	}
	in := report.Input{Links: links, Pairs: pairs, Truth: truth, Threshold: th, Cluster: opts,
		About: []report.Fact{{Label: "output", Value: *output}, {Label: "truth", Value: truthText},
			{Label: "config", Value: *cfgPath}, {Label: "model", Value: modelText}, {Label: "scored pairs", Value: pairsFrom}}}
	if corpus != nil {
		in.Corpus, in.Model = corpus, model
	}
	page, err := report.Build(in)
	if err != nil {
		return err
	}
	out, err := os.Create(*reportPath)
	if err != nil {
		return err
	}
	if err := page.WriteHTML(out); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Printf("report: %s\n", *reportPath)
	return nil
}

// writeSweep prints the best point and the run's point of a threshold
// sweep in 0.01 steps, then every fifth step: all 99 would bury them.
func writeSweep(w io.Writer, points []evaluate.SweepPoint, run float64) {
	best := evaluate.BestSweepPoint(points)
	fmt.Fprintln(w, "threshold sweep, clusters rebuilt at each threshold (0.01 steps; every 0.05 shown):")
	fmt.Fprintf(w, "  best %.2f  %s\n", best.Threshold, best.PairMetrics)
	for _, p := range points {
		if p.Threshold == run {
			fmt.Fprintf(w, "  run  %.2f  %s\n", p.Threshold, p.PairMetrics)
		}
	}
	for _, p := range points {
		if h := math.Round(p.Threshold * 100); math.Abs(h-p.Threshold*100) < 1e-6 && int(h)%5 == 0 {
			fmt.Fprintf(w, "       %.2f  %s\n", p.Threshold, p.PairMetrics)
		}
	}
}
