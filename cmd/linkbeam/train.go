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
	seed := fs.Uint64("seed", 1, "seed of the holdout split, or of the random pairs with --unsupervised")
	trainedOn := fs.String("trained-on", "", "description of the training data, stored in the model")
	truthSample := fs.Float64("truth-sample", 1, "share of the truth-labelled candidate pairs to train on (all of them calibrate the threshold)")
	truthPath := fs.String("truth", "", "entity truth (source,source_id,entity_id) over the config's sources: label the pairs the config's blocking produces")
	unsupervised := fs.Bool("unsupervised", false, "no labels: estimate a Fellegi-Sunter model (u from random pairs, m by EM over the candidate pairs) from the records of --config")
	randomPairs := fs.Int("random-pairs", 1_000_000, "with --unsupervised: record pairs drawn at random (with --seed) to estimate u")
	candidateU := fs.Bool("candidate-u", false, "with --unsupervised: re-estimate u by EM over the candidate pairs too, not only from random pairs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unsupervised {
		if *pairsFlag != "" || *truthPath != "" || *cfgPath == "" || *out == "" {
			return errors.New("--unsupervised needs --config and --out, and takes no --pairs or --truth")
		}
		return trainUnsupervised(context.Background(), *cfgPath, *out, *trainedOn,
			pipelines.UnsupervisedOptions{RandomPairs: *randomPairs, Seed: *seed, EM: matchers.EMOptions{CandidateU: *candidateU}})
	}
	if (*pairsFlag == "" && *truthPath == "") || *out == "" {
		return errors.New("--out and --pairs or --truth are required")
	}
	ctx := context.Background()
	var pairs []pipelines.LabelledPair
	var calibration *pipelines.Calibration
	if *truthPath != "" {
		var err error
		if calibration, err = labelFromTruth(ctx, *cfgPath, *truthPath); err != nil {
			return err
		}
		step := 1
		if *truthSample > 0 && *truthSample < 1 {
			step = int(1 / *truthSample)
		}
		for i := 0; i < len(calibration.Pairs); i += step {
			pairs = append(pairs, calibration.Pairs[i])
		}
	}
	var records map[string]schemas.Product
	for _, path := range strings.Split(*pairsFlag, ",") {
		if path == "" {
			continue
		}
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
	opts := pipelines.TrainOptions{Holdout: *holdout, Seed: *seed, TrainedOn: *trainedOn, Calibration: calibration}
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

// trainUnsupervised fits a Fellegi-Sunter model on the records of the
// config's sources, blocked with its blocking rules, and writes it.
func trainUnsupervised(ctx context.Context, cfgPath, out, trainedOn string, opts pipelines.UnsupervisedOptions) error {
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return err
	}
	var all []schemas.Product
	for _, name := range cfg.SourceNames() {
		ps, _, err := pipelines.LoadRecords(ctx, cfg, name)
		if err != nil {
			return err
		}
		all = append(all, ps...)
	}
	opts.TrainedOn = trainedOn
	if opts.TrainedOn == "" {
		opts.TrainedOn = "unsupervised (Fellegi-Sunter EM, no labels) on the records of " + cfgPath
	}
	res, err := pipelines.TrainUnsupervised(all, cfg.Matching.Blocking, opts)
	if err != nil {
		return err
	}
	fmt.Println(res)
	return writeModel(out, res.Model)
}

// labelFromTruth labels the candidate pairs the config's blocking makes
// of its sources with an entity truth.
func labelFromTruth(ctx context.Context, cfgPath, truthPath string) (*pipelines.Calibration, error) {
	if cfgPath == "" {
		return nil, errors.New("--truth needs --config with the sources it describes")
	}
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(truthPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entity, err := pipelines.ReadEntities(f)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	truth, err := pipelines.ReadTruth(f, "", "")
	if err != nil {
		return nil, err
	}
	var all []schemas.Product
	for _, name := range cfg.SourceNames() {
		ps, _, err := pipelines.LoadRecords(ctx, cfg, name)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
	}
	pairs, err := pipelines.LabelCandidates(pipelines.NewestPerKey(all), cfg.Matching.Blocking, entity)
	if err != nil {
		return nil, err
	}
	return &pipelines.Calibration{Pairs: pairs, Truth: truth, Clustering: matchers.ClusterOptions{
		MaxClusterSize: cfg.Matching.Clustering.MaxClusterSize, OnePerSource: cfg.Matching.Clustering.OnePerSource}}, nil
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
