package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/internal/train"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func labelCmd(args []string) error {
	fs := flag.NewFlagSet("label", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "the job config (YAML) whose sources to label")
	labelsPath := fs.String("labels", "", "CSV of your answers: read first (those pairs are never asked again) and appended to as you answer")
	out := fs.String("out", "", "where to write the fine-tuned model, for matching.model or run --model")
	modelPath := fs.String("model", "", "the model to start from; default the config's matching.model")
	rounds := fs.Int("rounds", 5, "rounds of questions; the model is fine-tuned after each")
	perRound := fs.Int("per-round", 10, "pairs asked per round")
	priorWeight := fs.Float64("prior-weight", 100, "how many labelled pairs the starting model counts as")
	truthSpec := fs.String("truth", "", "TRUTH[,LEFT,RIGHT]: answer from a ground-truth file instead of asking, and print end-to-end F1 before and after: how many answers a catalogue needs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cfgPath == "" || *labelsPath == "" || *out == "" || *rounds < 1 || *perRound < 1 {
		return errors.New("--config, --labels and --out are required; --rounds and --per-round must be positive")
	}
	ctx := context.Background()
	cfg, prior, err := pipelines.LoadJob(ctx, *cfgPath, *modelPath)
	if err != nil {
		return err
	}
	all, err := pipelines.LoadSources(ctx, cfg, cfg.SourceNames())
	if err != nil {
		return err
	}
	corpus := replay.New(all)
	labels, err := readLabelsFile(*labelsPath)
	if err != nil {
		return err
	}
	file, saved, err := openLabelsFile(*labelsPath)
	if err != nil {
		return err
	}
	defer file.Close()
	save := func(l train.Label) error {
		if err := saved.Write(l.Record()); err != nil {
			return err
		}
		saved.Flush() // an answer is kept even if the session is cut short
		return saved.Error()
	}

	ask := promptLabeller(corpus, os.Stdin, os.Stdout)
	var truth *evaluate.Truth
	var catalogue train.Dataset
	if *truthSpec != "" {
		parts := append(strings.Split(*truthSpec, ","), "", "")
		if catalogue, err = train.LoadCatalogue(ctx, *cfgPath, *cfgPath, parts[0], parts[1], parts[2], 1); err != nil {
			return err
		}
		truth = catalogue.Calibration.Truth
		ask = func(_ int, p schemas.PairRow) (train.Answer, error) {
			if truth.Pairs[p.PairKey()] {
				return train.Yes, nil
			}
			return train.No, nil
		}
	}
	opts := train.ActiveOptions{Rounds: *rounds, PerRound: *perRound, PriorWeight: *priorWeight,
		Threshold: replay.MatchThreshold(cfg, prior)}
	model, labels, err := train.ActiveLearning(corpus, cfg, prior, labels, opts, ask, save)
	if err != nil {
		return err
	}
	if truth != nil {
		before, err := train.EvaluateHeldOut(withThreshold(prior, opts.Threshold), catalogue)
		if err != nil {
			return err
		}
		after, err := train.EvaluateHeldOut(model, catalogue)
		if err != nil {
			return err
		}
		fmt.Printf("end to end at threshold %.2f: F1 %.3f (P %.3f, R %.3f) before, %.3f (P %.3f, R %.3f) after %d labels\n",
			opts.Threshold, before.At.F1, before.At.Precision, before.At.Recall, after.At.F1, after.At.Precision, after.At.Recall, len(labels))
	}
	fmt.Printf("%d labels in %s; model written to %s\n", len(labels), *labelsPath, *out)
	return writeModel(*out, model)
}

// withThreshold is a copy of m merging at threshold.
func withThreshold(m *matchers.Model, threshold float64) *matchers.Model {
	c := *m
	c.Threshold = threshold
	return &c
}

// readLabelsFile reads earlier answers; a missing file is no answers yet.
func readLabelsFile(path string) ([]train.Label, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	labels, err := train.ReadLabels(f, "", "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return labels, nil
}

// openLabelsFile opens path to append answers, writing the header first
// when the file is new or empty.
func openLabelsFile(path string) (*os.File, *csv.Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	w := csv.NewWriter(f)
	st, err := f.Stat()
	if err == nil && st.Size() == 0 {
		w.Write(train.LabelHeader)
		w.Flush()
		err = w.Error()
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, w, nil
}

// promptLabeller shows a pair's two records on out and reads the answer
// from in: y, n, u (unsure, skip) or q (quit); end of input quits.
func promptLabeller(c *replay.Corpus, in io.Reader, out io.Writer) func(int, schemas.PairRow) (train.Answer, error) {
	lines := bufio.NewScanner(in)
	return func(n int, p schemas.PairRow) (train.Answer, error) {
		fmt.Fprintf(out, "\n#%d  match probability %.3f\n", n, p.MatchProbability)
		left, right := p.Keys()
		for _, key := range []string{left, right} {
			r, _ := c.Product(key)
			fmt.Fprintf(out, "  %-24s %s\n", key, r.Title)
			var facts []string
			for _, f := range []struct{ name, value string }{{"brand", r.Brand}, {"model", r.ModelNumber}, {"gtin", r.GTIN}, {"category", r.Category}} {
				if f.value != "" {
					facts = append(facts, f.name+" "+f.value)
				}
			}
			if r.HasPrice {
				facts = append(facts, fmt.Sprintf("price %g %s", r.Price, r.Currency))
			}
			if len(facts) > 0 {
				fmt.Fprintf(out, "  %-24s %s\n", "", strings.Join(facts, " | "))
			}
		}
		for {
			fmt.Fprint(out, "same product? [y]es [n]o [u]nsure [q]uit: ")
			if !lines.Scan() {
				fmt.Fprintln(out)
				return train.Quit, lines.Err()
			}
			switch strings.ToLower(strings.TrimSpace(lines.Text())) {
			case "y", "yes":
				return train.Yes, nil
			case "n", "no":
				return train.No, nil
			case "u", "unsure", "":
				return train.Unsure, nil
			case "q", "quit":
				return train.Quit, nil
			}
		}
	}
}
