package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"

	"github.com/linkbeam/linkbeam/pipelines"
)

func explainCmd(args []string) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "the run's job config (YAML): its sources are read again to recompute features")
	output := fs.String("output", "", "the run's committed output directory")
	record := fs.String("record", "", "the record to explain, SOURCE:ID")
	modelPath := fs.String("model", "", "the match model the run used; default the config's matching.model")
	threshold := fs.Float64("threshold", 0, "the threshold the run used, if --threshold overrode it; default the config's or the model's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cfgPath == "" || *output == "" || *record == "" {
		return errors.New("--config, --output and --record are required")
	}
	ctx := context.Background()
	cfg, model, err := pipelines.Prepare(ctx, *cfgPath, *modelPath)
	if err != nil {
		return err
	}
	e, err := pipelines.Explain(ctx, cfg, model, pipelines.ExplainOptions{
		Output: strings.TrimRight(*output, "/"), Record: *record, Threshold: *threshold})
	if err != nil {
		return err
	}
	return e.WriteText(os.Stdout)
}
