package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/linkbeam/linkbeam/internal/synth"
)

func generateCmd(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	records := fs.Int("records", 100000, "raw input rows across the three sources")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same files")
	out := fs.String("out", "", "output directory")
	files := fs.Int("files", 4, "files per source")
	noCodes := fs.Bool("no-codes", false, "write no model numbers or GTINs: titles, brands and prices are the only evidence")
	changeTitles := fs.Float64("change-titles", 0, "with --change-source: the next day's feed, this share of the source's titles changed (same seed, same catalogue otherwise), for incremental runs")
	changeSource := fs.String("change-source", "partner", "the source whose titles --change-titles changes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is required")
	}
	sum, err := synth.Generate(synth.Options{Records: *records, Seed: *seed, Out: *out, FilesPerSource: *files, NoCodes: *noCodes,
		ChangeTitles: *changeTitles, ChangeSource: *changeSource})
	if err != nil {
		return err
	}
	fmt.Printf("%+v\n", sum)
	return nil
}
