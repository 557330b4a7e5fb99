package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func trainCmd(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	pairsFlag := fs.String("pairs", "", "comma-separated labelled pair files: CSV over the config's sources, or WDC gold-standard JSON lines (.json)")
	cfgPath := fs.String("config", "", "job config whose sources hold the records of CSV pairs")
	left := fs.String("left", "", "source of ltable_id in DeepMatcher-style pairs")
	right := fs.String("right", "", "source of rtable_id in DeepMatcher-style pairs")
	out := fs.String("out", "", "where to write model.json")
	features := fs.String("features", "", "comma-separated features; default: the default model's")
	holdout := fs.Float64("holdout", 0.3, "share of pairs held out for evaluation")
	seed := fs.Uint64("seed", 1, "seed of the holdout split")
	trainedOn := fs.String("trained-on", "", "description of the training data, stored in the model")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pairsFlag == "" || *out == "" {
		return errors.New("--pairs and --out are required")
	}
	ctx := context.Background()
	var pairs []pipelines.LabelledPair
	var records map[string]schemas.Product
	for _, path := range strings.Split(*pairsFlag, ",") {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		var ps []pipelines.LabelledPair
		if strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonl") {
			ps, err = pipelines.ReadWDCPairs(f)
		} else {
			if records == nil {
				if records, err = loadAll(ctx, *cfgPath); err != nil {
					f.Close()
					return err
				}
			}
			ps, err = pipelines.ReadPairsCSV(f, records, *left, *right)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pairs = append(pairs, ps...)
	}
	opts := pipelines.TrainOptions{Holdout: *holdout, Seed: *seed, TrainedOn: *trainedOn}
	if *features != "" {
		opts.Features = strings.Split(*features, ",")
	}
	if opts.TrainedOn == "" {
		opts.TrainedOn = *pairsFlag
	}
	res, err := pipelines.TrainModel(pairs, opts)
	if err != nil {
		return err
	}
	fmt.Println(res)
	return writeModel(*out, res.Model)
}

func loadAll(ctx context.Context, cfgPath string) (map[string]schemas.Product, error) {
	if cfgPath == "" {
		return nil, errors.New("CSV pairs need --config with the sources of their records")
	}
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	records := map[string]schemas.Product{}
	for _, name := range cfg.SourceNames() {
		ps, _, err := pipelines.LoadRecords(ctx, cfg, name)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			records[p.Key()] = p
		}
	}
	return records, nil
}

func writeModel(path string, m *matchers.Model) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := m.Save(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
