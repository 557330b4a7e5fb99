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
	cfgPath := fs.String("config", "", "the run's config, for the clustering rule of the threshold sweep")
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
	links, err := pipelines.ReadLinks(ctx, *output)
	if err != nil {
		return err
	}
	fmt.Printf("pairwise %s\n", pipelines.EvaluateLinks(links, truth))

	pairs, err := pipelines.ReadPairs(ctx, *output)
	if err != nil || len(pairs) == 0 {
		fmt.Println("no pairs/ in the output (set output.write_pairs) : no blocking recall or threshold sweep")
		return nil
	}
	fmt.Printf("candidate pairs %d, blocking recall %.4f\n", len(pairs), pipelines.BlockingRecall(pairs, truth))
	var opts matchers.ClusterOptions
	if *cfgPath != "" {
		cfg, err := schemas.Load(*cfgPath)
		if err != nil {
			return err
		}
		opts.MaxClusterSize = cfg.Matching.Clustering.MaxClusterSize
		opts.OnePerSource = cfg.Matching.Clustering.OnePerSource
	}
	fmt.Println("threshold sweep (clusters rebuilt at each threshold):")
	for _, p := range pipelines.Sweep(pairs, truth, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, opts) {
		fmt.Printf("  %.2f  %s\n", p.Threshold, p.PairMetrics)
	}
	return nil
}
