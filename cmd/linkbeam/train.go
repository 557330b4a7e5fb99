package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/linkbeam/linkbeam/internal/train"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func trainCmd(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	pairsFlag := fs.String("pairs", "", "comma-separated labelled pair files, a dataset each: CSV over the config's sources, or WDC gold-standard JSON lines (.json)")
	cfgPath := fs.String("config", "", "job config whose sources hold the records of CSV pairs (and, with --truth, a catalogue to train on)")
	left := fs.String("left", "", "source of ltable_id in DeepMatcher-style pairs")
	right := fs.String("right", "", "source of rtable_id in DeepMatcher-style pairs")
	out := fs.String("out", "", "where to write model.json")
	features := fs.String("features", "", "comma-separated features; default: the default model's")
	holdout := fs.Float64("holdout", 0.3, "share of each dataset's pairs held out for the pairwise figures")
	seed := fs.Uint64("seed", 1, "seed of the holdout split, or of the random pairs with --unsupervised")
	trainedOn := fs.String("trained-on", "", "description of the training data, stored in the model")
	truthSample := fs.Float64("truth-sample", 1, "share of each catalogue's labelled candidate pairs to fit on (all of them calibrate the threshold)")
	truthPath := fs.String("truth", "", "truth over --config's sources: train on the candidate pairs its blocking produces (same as --catalogue CONFIG,TRUTH)")
	var catalogues, heldOut []catalogueSpec
	fs.Func("catalogue", "CONFIG,TRUTH[,LEFT,RIGHT]: a labelled catalogue to train on, its candidate pairs labelled by the truth (repeatable)", appendCatalogue(&catalogues))
	fs.Func("held-out", "CONFIG,TRUTH[,LEFT,RIGHT]: a catalogue the final model is scored on end to end, never trained on (repeatable)", appendCatalogue(&heldOut))
	leaveOneOut := fs.Bool("leave-one-out", false, "first train on every dataset but one and score the one left out, for each in turn")
	unsupervised := fs.Bool("unsupervised", false, "no labels: estimate a Fellegi-Sunter model (u from random pairs, m by EM over the candidate pairs) from the records of --config")
	randomPairs := fs.Int("random-pairs", 1_000_000, "with --unsupervised: record pairs drawn at random (with --seed) to estimate u")
	candidateU := fs.Bool("candidate-u", false, "with --unsupervised: re-estimate u by EM over the candidate pairs too, not only from random pairs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unsupervised {
		if *pairsFlag != "" || *truthPath != "" || len(catalogues) > 0 || *cfgPath == "" || *out == "" {
			return errors.New("--unsupervised needs --config and --out, and takes no --pairs, --truth or --catalogue")
		}
		return trainUnsupervised(context.Background(), *cfgPath, *out, *trainedOn,
			train.UnsupervisedOptions{RandomPairs: *randomPairs, Seed: *seed, EM: matchers.EMOptions{CandidateU: *candidateU}})
	}
	if *truthPath != "" {
		if *cfgPath == "" {
			return errors.New("--truth needs --config with the sources it describes")
		}
		catalogues = append(catalogues, catalogueSpec{config: *cfgPath, truth: *truthPath})
	}
	if (*pairsFlag == "" && len(catalogues) == 0) || *out == "" {
		return errors.New("--out and --pairs, --catalogue or --config with --truth are required")
	}
	ctx := context.Background()
	var datasets []train.Dataset
	for _, c := range catalogues {
		d, err := c.load(ctx, *truthSample)
		if err != nil {
			return err
		}
		datasets = append(datasets, d)
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
		var ps []train.LabelledPair
		if strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonl") {
			ps, err = train.ReadWDCPairs(f)
		} else {
			if records == nil {
				if records, err = loadAll(ctx, *cfgPath); err != nil {
					f.Close()
					return err
				}
			}
			ps, err = train.ReadPairsCSV(f, records, *left, *right)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		datasets = append(datasets, train.Dataset{Name: path, Pairs: ps})
	}
	opts := train.Options{Holdout: *holdout, Seed: *seed, TrainedOn: *trainedOn}
	if *features != "" {
		opts.Features = strings.Split(*features, ",")
	}
	if opts.TrainedOn == "" {
		names := make([]string, len(datasets))
		for i, d := range datasets {
			names[i] = d.Name
		}
		opts.TrainedOn = strings.Join(names, " + ")
	}
	if *leaveOneOut {
		rows, err := train.LeaveOneOut(datasets, opts)
		if err != nil {
			return err
		}
		fmt.Println("leave one dataset out (each row: a model trained on the other datasets):")
		if err := train.WriteHeldOut(os.Stdout, rows); err != nil {
			return err
		}
	}
	res, err := train.Model(datasets, opts)
	if err != nil {
		return err
	}
	fmt.Println(res)
	if len(heldOut) > 0 {
		var rows []train.HeldOut
		for _, c := range heldOut {
			d, err := c.load(ctx, 1)
			if err != nil {
				return err
			}
			h, err := train.EvaluateHeldOut(res.Model, d)
			if err != nil {
				return err
			}
			rows = append(rows, h)
		}
		fmt.Println("held-out catalogues, scored by the trained model:")
		if err := train.WriteHeldOut(os.Stdout, rows); err != nil {
			return err
		}
	}
	return writeModel(*out, res.Model)
}

// trainUnsupervised fits a Fellegi-Sunter model on the records of the
// config's sources, blocked with its blocking rules, and writes it.
func trainUnsupervised(ctx context.Context, cfgPath, out, trainedOn string, opts train.UnsupervisedOptions) error {
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return err
	}
	all, err := pipelines.LoadSources(ctx, cfg, cfg.SourceNames())
	if err != nil {
		return err
	}
	opts.TrainedOn = trainedOn
	if opts.TrainedOn == "" {
		opts.TrainedOn = "unsupervised (Fellegi-Sunter EM, no labels) on the records of " + cfgPath
	}
	res, err := train.Unsupervised(all, cfg.Matching.Blocking, opts)
	if err != nil {
		return err
	}
	fmt.Println(res)
	return writeModel(out, res.Model)
}

// catalogueSpec is a --catalogue or --held-out value.
type catalogueSpec struct{ config, truth, left, right string }

func appendCatalogue(dst *[]catalogueSpec) func(string) error {
	return func(v string) error {
		parts := strings.Split(v, ",")
		if len(parts) != 2 && len(parts) != 4 {
			return fmt.Errorf("%q: want CONFIG,TRUTH or CONFIG,TRUTH,LEFT,RIGHT", v)
		}
		c := catalogueSpec{config: parts[0], truth: parts[1]}
		if len(parts) == 4 {
			c.left, c.right = parts[2], parts[3]
		}
		*dst = append(*dst, c)
		return nil
	}
}

func (c catalogueSpec) load(ctx context.Context, sample float64) (train.Dataset, error) {
	return train.LoadCatalogue(ctx, c.config, c.config, c.truth, c.left, c.right, sample)
}

func loadAll(ctx context.Context, cfgPath string) (map[string]schemas.Product, error) {
	if cfgPath == "" {
		return nil, errors.New("CSV pairs need --config with the sources of their records")
	}
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	all, err := pipelines.LoadSources(ctx, cfg, cfg.SourceNames())
	if err != nil {
		return nil, err
	}
	records := make(map[string]schemas.Product, len(all))
	for _, p := range all {
		records[p.Key()] = p
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
