package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/linkbeam/linkbeam/pipelines"
)

func evaluateCmd(args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	output := fs.String("output", "", "a committed linkbeam output directory")
	truthPath := fs.String("truth", "", "ground truth: source,source_id,entity_id or two id columns")
	left := fs.String("left", "", "source of the first id column, for id-pair truth")
	right := fs.String("right", "", "source of the second id column, for id-pair truth")
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
	links, err := pipelines.ReadLinks(context.Background(), *output)
	if err != nil {
		return err
	}
	m := pipelines.EvaluateLinks(links, truth)
	fmt.Printf("pairwise %s\n", m)
	return nil
}
