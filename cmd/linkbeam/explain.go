package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/linkbeam/linkbeam/internal/explain"
	"github.com/linkbeam/linkbeam/pipelines"
)

func explainCmd(args []string) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "the run's job config (YAML): its sources are read again to recompute features and blocking")
	output := fs.String("output", "", "the run's committed output directory")
	record := fs.String("record", "", "the record to explain, SOURCE:ID: why it is in its master")
	// --pair takes two values, which package flag cannot parse: it is
	// taken out of args before parsing and declared here for -h.
	fs.String("pair", "", "explain a pair instead of a record: --pair SOURCE:ID SOURCE:ID, and the stage that decided it "+
		"(not blocked, below threshold, refused by clustering, matched directly or through other records)")
	modelPath := fs.String("model", "", "the match model the run used; default the config's matching.model")
	threshold := fs.Float64("threshold", 0, "the threshold the run used, if --threshold overrode it; default the config's or the model's")
	pair, args, err := cutPair(args)
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *cfgPath == "" || *output == "" || (*record == "") == (pair == nil) {
		return errors.New("--config, --output and one of --record or --pair are required")
	}
	ctx := context.Background()
	cfg, model, err := pipelines.LoadJob(ctx, *cfgPath, *modelPath)
	if err != nil {
		return err
	}
	dir := strings.TrimRight(*output, "/")
	if pair != nil {
		d, err := explain.Pair(ctx, cfg, model, explain.PairOptions{
			Output: dir, Pair: *pair, Threshold: *threshold})
		if err != nil {
			return err
		}
		return d.WriteText(os.Stdout)
	}
	e, err := explain.Record(ctx, cfg, model, explain.RecordOptions{Output: dir, Record: *record, Threshold: *threshold})
	if err != nil {
		return err
	}
	return e.WriteText(os.Stdout)
}

// cutPair takes "--pair A B" (or "-pair A B") out of args and returns the
// two records and the other arguments; nil when args have no --pair.
func cutPair(args []string) (*[2]string, []string, error) {
	for i, a := range args {
		if a == "--" {
			break
		}
		if a != "--pair" && a != "-pair" {
			continue
		}
		if i+2 >= len(args) || strings.HasPrefix(args[i+1], "-") || strings.HasPrefix(args[i+2], "-") {
			return nil, nil, errors.New("--pair takes two records: --pair SOURCE:ID SOURCE:ID")
		}
		rest := append(append([]string(nil), args[:i]...), args[i+3:]...)
		return &[2]string{args[i+1], args[i+2]}, rest, nil
	}
	return nil, args, nil
}
