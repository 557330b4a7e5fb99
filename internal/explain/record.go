// Package explain says why a run linked what it linked: why a record is
// in its master (Record), and which stage of the job decided a pair of
// records (Pair), feature by feature. It reads a run's committed output
// and replays its matching in memory (internal/replay).
package explain

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

// PairExplanation is one pair of records scored by the match model, broken
// down by feature: Logit = Bias + Σ Contributions[i].Contribution.
type PairExplanation struct {
	A, B           string // record keys, A < B (the order the job scores in)
	TitleA, TitleB string
	// Stored is the probability the run wrote to pairs/, when HasStored;
	// a difference from Probability means the model or the data changed
	// since the run.
	Stored    float64
	HasStored bool
	matchers.Explanation
}

// Score computes the model's features for records a and b of c as the
// job does and explains the model's probability for them.
func Score(c *replay.Corpus, m *matchers.Model, a, b string) (PairExplanation, error) {
	if a > b {
		a, b = b, a
	}
	x, err := c.Features(m.Features, a, b)
	if err != nil {
		return PairExplanation{}, err
	}
	return PairExplanation{A: a, B: b, TitleA: c.Title(a), TitleB: c.Title(b), Explanation: m.Explain(x)}, nil
}

// Member is one record of a master.
type Member struct {
	Key, Title string
	// MatchProbability is the record's probability in links/.
	MatchProbability float64
}

// RecordExplanation says why a record is in its master: the master's
// members and the scored pairs between the record and the other members.
type RecordExplanation struct {
	Record   string // record key
	MasterID string
	Members  []Member // every record of the master, by key
	// Pairs are the pairs of Record with another member, most probable
	// first. With FromPairs they are the pairs the run scored (pairs/);
	// members without one joined the master through other members.
	// Otherwise the run wrote no pairs and Pairs holds Record against every
	// other member, recomputed, whether blocking paired them or not.
	Pairs     []PairExplanation
	FromPairs bool
	Threshold float64
	Model     *matchers.Model
}

// RecordIn explains why the record with key is in its master, from a
// run's links and scored pairs (nil when the run wrote none), recomputing
// each pair's features from c.
func RecordIn(c *replay.Corpus, m *matchers.Model, threshold float64, links []schemas.LinkRow, pairs []schemas.PairRow, key string) (*RecordExplanation, error) {
	master := ""
	for _, l := range links {
		if schemas.RecordKey(l.Source, l.SourceID) == key {
			master = l.MasterID
			break
		}
	}
	if master == "" {
		return nil, fmt.Errorf("record %s is not in links/: it was not read, was rejected or superseded, or the key is wrong (want SOURCE:ID)", key)
	}
	e := &RecordExplanation{Record: key, MasterID: master, FromPairs: len(pairs) > 0, Threshold: threshold, Model: m}
	inMaster := map[string]bool{}
	for _, l := range links {
		if l.MasterID == master {
			k := schemas.RecordKey(l.Source, l.SourceID)
			inMaster[k] = true
			e.Members = append(e.Members, Member{Key: k, Title: c.Title(k), MatchProbability: l.MatchProbability})
		}
	}
	sort.Slice(e.Members, func(i, j int) bool { return e.Members[i].Key < e.Members[j].Key })

	stored := map[string]float64{} // other member -> probability in pairs/
	for _, p := range pairs {
		a, b := p.Keys()
		if b == key {
			a, b = b, a
		}
		if a == key && b != key && inMaster[b] {
			stored[b] = p.MatchProbability // a pair scored in two shards has one probability
		}
	}
	for _, mem := range e.Members {
		s, ok := stored[mem.Key]
		if mem.Key == key || (e.FromPairs && !ok) {
			continue
		}
		pe, err := Score(c, m, key, mem.Key)
		if err != nil {
			return nil, fmt.Errorf("explaining %s: %w", key, err)
		}
		pe.Stored, pe.HasStored = s, ok
		e.Pairs = append(e.Pairs, pe)
	}
	sort.SliceStable(e.Pairs, func(i, j int) bool { return e.Pairs[i].Probability > e.Pairs[j].Probability })
	return e, nil
}

// RecordOptions locate a run and a record for Record.
type RecordOptions struct {
	Output    string  // the run's committed output directory
	Record    string  // SOURCE:ID
	Threshold float64 // the run's threshold; 0 means replay.MatchThreshold
}

// Record reads a run's links/ and pairs/, loads the sources it read and
// explains one record.
func Record(ctx context.Context, cfg *schemas.Config, m *matchers.Model, opts RecordOptions) (*RecordExplanation, error) {
	if _, _, ok := strings.Cut(opts.Record, ":"); !ok {
		return nil, fmt.Errorf("record %q: want SOURCE:ID", opts.Record)
	}
	r, err := LoadRun(ctx, cfg, m, opts.Output, opts.Threshold)
	if err != nil {
		return nil, err
	}
	return RecordIn(r.Corpus, m, r.Threshold, r.Links, r.Pairs, opts.Record)
}

// WriteText prints the explanation for a terminal.
func (e *RecordExplanation) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "record\t%s\n", e.Record)
	fmt.Fprintf(tw, "master\t%s\t(%d members)\n", e.MasterID, len(e.Members))
	for _, m := range e.Members {
		note := fmt.Sprintf("link p %.4f", m.MatchProbability)
		if m.Key == e.Record {
			note += "  (this record)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", m.Key, m.Title, note)
	}
	model := "model"
	if e.Model.TrainedOn != "" {
		model += " trained on " + e.Model.TrainedOn
	}
	fmt.Fprintf(tw, "threshold\t%.4f\t(%s)\n", e.Threshold, model)
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case len(e.Members) == 1:
		fmt.Fprintln(w, "\nthe record is a master of its own: no other record matched it")
	case e.FromPairs:
		fmt.Fprintf(w, "\npairs of %s the run scored within the master (pairs/):\n", e.Record)
	default:
		fmt.Fprintf(w, "\nthe output has no pairs/ (set output.write_pairs): %s recomputed against every member\n", e.Record)
	}
	paired := map[string]bool{}
	for _, p := range e.Pairs {
		paired[p.A], paired[p.B] = true, true
		verdict := "below threshold"
		if p.Probability >= e.Threshold {
			verdict = "match"
		}
		fmt.Fprintf(w, "\n%s ~ %s\n  %q\n  %q\n  probability %.4f  %s", p.A, p.B, p.TitleA, p.TitleB, p.Probability, verdict)
		if p.HasStored {
			fmt.Fprintf(w, "  (run: %.4f)", p.Stored)
			if math.Abs(p.Stored-p.Probability) > StaleTolerance {
				fmt.Fprint(w, "  differs: the run used another model or other records")
			}
		}
		fmt.Fprintln(w)
		if err := writeContributions(tw, p); err != nil {
			return err
		}
	}
	if e.FromPairs && len(e.Members) > 1 {
		for _, m := range e.Members {
			if m.Key != e.Record && !paired[m.Key] {
				fmt.Fprintf(w, "\n%s: not scored against %s; joined through other members\n", m.Key, e.Record)
			}
		}
	}
	if len(e.Pairs) > 0 {
		fmt.Fprintln(w, "\nfeatures (contribution = weight × standardised value; logit = bias + Σ contributions, probability = 1/(1+e^-logit)):")
		for _, f := range e.Model.Features {
			fmt.Fprintf(tw, "  %s\t%s\n", f, FeatureDescription(f))
		}
		return tw.Flush()
	}
	return nil
}

// StaleTolerance is how far a recomputed probability may be from the
// run's before an explanation or report says the model or the data
// changed since the run.
const StaleTolerance = 1e-6

// FeatureDescription is the documentation of a model feature
// (matchers.Features), or "" for an unknown name.
func FeatureDescription(name string) string {
	for _, f := range matchers.Features {
		if f.Name == name {
			return f.Description
		}
	}
	return ""
}

// Run is what explanations read of a committed output: its links, its
// scored pairs when it wrote them (else nil), the records of the sources
// it read, and the threshold it ran at.
type Run struct {
	Links     []schemas.LinkRow
	Pairs     []schemas.PairRow
	Corpus    *replay.Corpus
	Threshold float64
}

// LoadRun reads output's links/ and pairs/ and the config's records of the
// linked sources; threshold 0 means the config's or the model's
// (replay.MatchThreshold).
func LoadRun(ctx context.Context, cfg *schemas.Config, m *matchers.Model, output string, threshold float64) (*Run, error) {
	links, err := pipelines.ReadLinks(ctx, output)
	if err != nil {
		return nil, err
	}
	pairs, err := pipelines.ReadPairs(ctx, output)
	if err != nil {
		return nil, err
	}
	records, err := pipelines.LoadSources(ctx, cfg, replay.LinkedSources(links))
	if err != nil {
		return nil, err
	}
	if threshold <= 0 {
		threshold = replay.MatchThreshold(cfg, m)
	}
	return &Run{Links: links, Pairs: pairs, Corpus: replay.New(records), Threshold: threshold}, nil
}

// writeContributions prints a pair's feature table, bias and logit and
// flushes tw.
func writeContributions(tw *tabwriter.Writer, p PairExplanation) error {
	fmt.Fprintln(tw, "  feature\tvalue\tweight\tcontribution\t")
	for _, c := range p.Contributions {
		fmt.Fprintf(tw, "  %s\t%.4f\t%+.4f\t%+.4f\t\n", c.Feature, c.Value, c.Weight, c.Contribution+0) // +0: no "-0.0000"
	}
	fmt.Fprintf(tw, "  bias\t\t\t%+.4f\t\n", p.Bias)
	fmt.Fprintf(tw, "  logit\t\t\t%+.4f\t\n", p.Logit)
	return tw.Flush()
}
