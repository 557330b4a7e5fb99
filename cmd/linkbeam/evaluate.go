package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func evaluateCmd(args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	output := fs.String("output", "", "a committed linkbeam output directory")
	truthPath := fs.String("truth", "", "ground truth: source,source_id,entity_id or two id columns")
	left := fs.String("left", "", "source of the first id column, for id-pair truth")
	right := fs.String("right", "", "source of the second id column, for id-pair truth")
	cfgPath := fs.String("config", "", "the run's config: the clustering rule of the threshold sweep, and the report's records")
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
	truth, err := pipelines.ReadTruth(f, *left, *right)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var cfg *schemas.Config
	model, err := pipelines.LoadModel(ctx, *modelPath)
	if err != nil {
		return err
	}
	var opts matchers.ClusterOptions
	if *cfgPath != "" {
		if cfg, model, err = pipelines.Prepare(ctx, *cfgPath, *modelPath); err != nil {
			return err
		}
		opts.MaxClusterSize = cfg.Matching.Clustering.MaxClusterSize
		opts.OnePerSource = cfg.Matching.Clustering.OnePerSource
	}
	links, err := pipelines.ReadLinks(ctx, *output)
	if err != nil {
		return err
	}
	fmt.Printf("pairwise %s\n", pipelines.EvaluateLinks(links, truth))

	pairs, err := pipelines.ReadPairs(ctx, *output)
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		fmt.Println("no pairs/ in the output (set output.write_pairs) : no blocking recall or threshold sweep")
	} else {
		fmt.Printf("candidate pairs %d, blocking recall %.4f\n", len(pairs), pipelines.BlockingRecall(pairs, truth))
		fmt.Println("threshold sweep (clusters rebuilt at each threshold):")
		for _, p := range pipelines.Sweep(pairs, truth, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, opts) {
			fmt.Printf("  %.2f  %s\n", p.Threshold, p.PairMetrics)
		}
	}
	if *reportPath == "" {
		return nil
	}

	th := *threshold
	if th <= 0 {
		th = pipelines.MatchThreshold(cfg, model)
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
	in := pipelines.ReportInput{Links: links, Pairs: pairs, Truth: truth, Threshold: th, Cluster: opts,
		About: []pipelines.Fact{{Label: "output", Value: *output}, {Label: "truth", Value: truthText},
			{Label: "config", Value: *cfgPath}, {Label: "model", Value: modelText}}}
	if cfg != nil {
		if in.Corpus, err = pipelines.LoadCorpus(ctx, cfg, pipelines.LinkedSources(links)); err != nil {
			return err
		}
		in.Model = model
	}
	report, err := pipelines.BuildReport(in)
	if err != nil {
		return err
	}
	out, err := os.Create(*reportPath)
	if err != nil {
		return err
	}
	if err := report.WriteHTML(out); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Printf("report: %s\n", *reportPath)
	return nil
}
