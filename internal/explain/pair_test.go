package explain

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/demojob"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// TestDiagnoseDemoPairs diagnoses pairs of the demo run, one per stage the
// demo reaches, and checks the recomputed candidate pairs against the
// run's pairs/.
func TestDiagnoseDemoPairs(t *testing.T) {
	ctx := context.Background()
	cfg, opts := demojob.RunWithPairs(t)
	model := opts.Model
	run, err := LoadRun(ctx, cfg, model, opts.Output, 0)
	if err != nil {
		t.Fatal(err)
	}
	threshold, links, pairs, corpus := run.Threshold, run.Links, run.Pairs, run.Corpus

	// testdata/demo/EXPECTED.md: SHP-1011 and 20411 share GTIN 194253869139;
	// SHP-1001 and SHP-1002 are the 55" and 65" Samsung Q80C, whose titles
	// differ in one token; the TCL TV SHP-1006 and the Canon compact camera
	// LP-0133 have nothing in common.
	for _, tc := range []struct {
		a, b      string
		stage     Stage
		sharedKey string // a key they must share, "" for none at all
	}{
		{"shop:SHP-1011", "marketplace:20411", StageMatchedDirectly, "gtin:00194253869139"},
		{"shop:SHP-1002", "shop:SHP-1001", StageBelowThreshold, ""},
		{"shop:SHP-1006", "legacy:LP-0133", StageNotBlocked, ""},
	} {
		d, err := PairIn(corpus, cfg, model, threshold, links, pairs, tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		name := tc.a + " ~ " + tc.b
		if d.Stage != tc.stage {
			var out bytes.Buffer
			_ = d.WriteText(&out)
			t.Errorf("%s: stage %q, want %q\n%s", name, d.Stage, tc.stage, out.String())
			continue
		}
		if d.A.Key > d.B.Key || (d.A.Key != tc.a && d.A.Key != tc.b) {
			t.Errorf("%s: records %s, %s: want both, in key order", name, d.A.Key, d.B.Key)
		}
		for _, r := range []DiagnosedRecord{d.A, d.B} {
			if r.Prepared.Title == "" || r.MasterID == "" || len(r.Blocking) != len(cfg.Matching.Blocking.Rules) {
				t.Errorf("%s: record %s: title %q, master %q, keys of %d rules", name, r.Key, r.Prepared.Title, r.MasterID, len(r.Blocking))
			}
		}
		// The run scored exactly the candidates, with the same probability.
		if !d.RunPairs || d.HasStored != d.Candidate {
			t.Errorf("%s: candidate %v, in pairs/ %v", name, d.Candidate, d.HasStored)
		}
		if d.HasStored && math.Abs(d.Stored-d.Probability) > 1e-9 {
			t.Errorf("%s: probability %v, the run scored %v", name, d.Probability, d.Stored)
		}
		sum := d.Bias
		for _, c := range d.Contributions {
			sum += c.Contribution
		}
		if len(d.Contributions) != len(model.Features) || math.Abs(sum-d.Logit) > 1e-9 {
			t.Errorf("%s: %d contributions adding up to %v, logit %v", name, len(d.Contributions), sum, d.Logit)
		}
		switch tc.stage {
		case StageMatchedDirectly:
			if d.A.MasterID != d.B.MasterID || d.Probability < threshold || !slices.Equal(d.Path, []string{d.A.Key, d.B.Key}) {
				t.Errorf("%s: masters %s %s, p %v, path %v", name, d.A.MasterID, d.B.MasterID, d.Probability, d.Path)
			}
			if !slices.ContainsFunc(d.Shared, func(s replay.SharedBlock) bool { return s.Key == tc.sharedKey && s.Paired && s.Rule == "gtin" }) {
				t.Errorf("%s: shared blocks %+v lack %s", name, d.Shared, tc.sharedKey)
			}
		case StageBelowThreshold:
			if !d.Candidate || d.Probability >= threshold || d.A.MasterID == d.B.MasterID {
				t.Errorf("%s: candidate %v, p %v, masters %s %s", name, d.Candidate, d.Probability, d.A.MasterID, d.B.MasterID)
			}
		case StageNotBlocked:
			if len(d.Shared) != 0 || d.Candidate {
				t.Errorf("%s: shared %+v", name, d.Shared)
			}
		}
		var out bytes.Buffer
		if err := d.WriteText(&out); err != nil {
			t.Fatal(err)
		}
		for _, want := range append([]string{"stage  " + string(tc.stage), d.A.Key, d.B.Key, d.A.Prepared.Title, "bias", "threshold"}, model.Features...) {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", name, want, out.String())
			}
		}
	}

	for _, bad := range [][2]string{{"shop:NO-SUCH", "shop:SHP-1011"}, {"shop:SHP-1011", "shop:SHP-1011"}} {
		if _, err := PairIn(corpus, cfg, model, threshold, links, pairs, bad[0], bad[1]); err == nil {
			t.Errorf("diagnosing %v: no error", bad)
		}
	}
	if _, err := Pair(ctx, cfg, model, PairOptions{Output: opts.Output, Pair: [2]string{"SHP-1011", "marketplace:20411"}}); err == nil || !strings.Contains(err.Error(), "want SOURCE:ID") {
		t.Errorf("a key without a source: err = %v", err)
	}

	// Without pairs/, evaluate scores the candidates again: the same pairs
	// with the same probabilities.
	scored, err := corpus.ScoreCandidates(cfg, model)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]float64{}
	for _, p := range pairs {
		want[p.PairKey()] = p.MatchProbability
	}
	if len(scored) != len(want) {
		t.Errorf("%d candidate pairs recomputed, the run scored %d", len(scored), len(want))
	}
	for _, p := range scored {
		k := p.PairKey()
		if run, ok := want[k]; !ok || math.Abs(run-p.MatchProbability) > 1e-9 {
			t.Errorf("%v: recomputed %v, run %v (scored %v)", k, p.MatchProbability, run, ok)
		}
	}
}

// clusteringCorpus is the records keys, all with the same title and model
// number, so that every pair among them is a candidate with the same, high
// probability, and two other records.
func clusteringCorpus(keys ...string) *replay.Corpus {
	records := []schemas.Product{
		{Source: "z", SourceID: "1", Title: "Panasonic Lumix S5 II mirrorless camera body"},
		{Source: "z", SourceID: "2", Title: "Philips 55PUS8808 Ambilight television"},
	}
	for _, k := range keys {
		s, id, _ := strings.Cut(k, ":")
		records = append(records, schemas.Product{Source: s, SourceID: id,
			Title: "Sony WH-1000XM4 Wireless Noise Cancelling Headphones", Brand: "Sony", ModelNumber: "WH1000XM4/B"})
	}
	return replay.New(records)
}

func TestDiagnoseClustering(t *testing.T) {
	model := matchers.DefaultModel()
	link := func(master, key string) schemas.LinkRow {
		s, id, _ := strings.Cut(key, ":")
		return schemas.LinkRow{MasterID: master, Source: s, SourceID: id}
	}
	for _, tc := range []struct {
		name       string
		clustering schemas.ClusteringConfig
		links      []schemas.LinkRow
		a, b       string
		stage      Stage
		refusal    string
		path       []string
	}{
		{
			// a:1 ~ b:1 comes first (same probability, smaller keys) and
			// makes a cluster of 2.
			name:       "max cluster size",
			clustering: schemas.ClusteringConfig{MaxClusterSize: 2},
			links:      []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m2", "c:1")},
			a:          "a:1", b: "c:1", stage: StageRefused, refusal: RefusedMaxClusterSize,
		},
		{
			name:       "one per source, across sources",
			clustering: schemas.ClusteringConfig{OnePerSource: true},
			links:      []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m2", "b:2")},
			a:          "b:2", b: "a:1", stage: StageRefused, refusal: RefusedOnePerSource,
		},
		{
			name:       "one per source, within a source",
			clustering: schemas.ClusteringConfig{OnePerSource: true},
			links:      []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m2", "b:2")},
			a:          "b:1", b: "b:2", stage: StageRefused, refusal: RefusedOnePerSource,
		},
		{
			name:  "matched directly",
			links: []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m1", "c:1")},
			a:     "c:1", b: "a:1", stage: StageMatchedDirectly, path: []string{"a:1", "c:1"},
		},
		{
			// a:1 ~ b:1 merge first; c:1 would join a cluster of two whose
			// cross pairs average below the default min_linkage 0.5.
			name:  "min linkage",
			links: []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m2", "c:1")},
			a:     "a:1", b: "c:1", stage: StageRefused, refusal: RefusedLinkage,
		},
		{
			// Nothing refuses a:1 ~ c:1 here: clustering did not run as
			// replayed, and the diagnosis says so.
			name:       "apart without a rule",
			clustering: schemas.ClusteringConfig{MinLinkage: new(0.0)},
			links:      []schemas.LinkRow{link("m1", "a:1"), link("m1", "b:1"), link("m2", "c:1")},
			a:          "a:1", b: "c:1", stage: StageRefused, refusal: "",
		},
	} {
		var keys []string
		for _, l := range tc.links {
			keys = append(keys, schemas.RecordKey(l.Source, l.SourceID))
		}
		corpus := clusteringCorpus(keys...)
		cfg := &schemas.Config{Matching: schemas.MatchingConfig{
			Blocking:   schemas.BlockingConfig{Rules: []schemas.BlockingRuleConfig{{Rule: "title_tokens"}}, MaxBlockSize: 20, Window: 6},
			Clustering: tc.clustering,
		}}
		d, err := PairIn(corpus, cfg, model, model.Threshold, tc.links, nil, tc.a, tc.b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d.Probability < model.Threshold || !d.Candidate {
			t.Fatalf("%s: fixture: probability %v below the threshold %v or not a candidate (%v)", tc.name, d.Probability, model.Threshold, d.Candidate)
		}
		if d.Stage != tc.stage || d.Refusal != tc.refusal || !slices.Equal(d.Path, tc.path) || d.RunPairs {
			t.Errorf("%s: stage %q, refusal %q (%s), path %v; want %q, %q, %v", tc.name, d.Stage, d.Refusal, d.RefusalDetail, d.Path, tc.stage, tc.refusal, tc.path)
		}
		if tc.stage == StageRefused && d.RefusalDetail == "" {
			t.Errorf("%s: no refusal detail", tc.name)
		}
	}
}

// Records a:1 and c:1 share no key but each shares one with b:1: one
// master through b:1.
func TestDiagnoseMatchedThrough(t *testing.T) {
	title := "Sony wireless noise cancelling headphones black"
	corpus := replay.New([]schemas.Product{
		{Source: "a", SourceID: "1", Title: title, GTIN: "4548735711205"},
		{Source: "b", SourceID: "1", Title: title, GTIN: "4548735711205", ModelNumber: "WH1000XM4B"},
		{Source: "c", SourceID: "1", Title: title, ModelNumber: "WH1000XM4B"},
		{Source: "z", SourceID: "1", Title: "Philips 55PUS8808 Ambilight television"},
	})
	cfg := &schemas.Config{Matching: schemas.MatchingConfig{Blocking: schemas.BlockingConfig{
		Rules: []schemas.BlockingRuleConfig{{Rule: "model_number"}, {Rule: "gtin"}}, MaxBlockSize: 20, Window: 6}}}
	links := []schemas.LinkRow{{MasterID: "m1", Source: "a", SourceID: "1"}, {MasterID: "m1", Source: "b", SourceID: "1"},
		{MasterID: "m1", Source: "c", SourceID: "1"}, {MasterID: "m2", Source: "z", SourceID: "1"}}
	model := matchers.DefaultModel()
	d, err := PairIn(corpus, cfg, model, model.Threshold, links, nil, "c:1", "a:1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Stage != StageMatchedThrough || d.Candidate || len(d.Shared) != 0 || !slices.Equal(d.Path, []string{"a:1", "b:1", "c:1"}) {
		t.Errorf("stage %q, candidate %v, shared %+v, path %v; want matched through a:1 ~ b:1 ~ c:1", d.Stage, d.Candidate, d.Shared, d.Path)
	}
	d, err = PairIn(corpus, cfg, model, model.Threshold, links, nil, "a:1", "z:1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Stage != StageNotBlocked {
		t.Errorf("a:1 ~ z:1: stage %q, want not blocked", d.Stage)
	}
}

// Five titles share the token "laptop": a block over the cap of 3, which
// pairs only neighbours in title order with window 1.
func TestOversizedBlock(t *testing.T) {
	var records []schemas.Product
	var links []schemas.LinkRow
	for i, name := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
		id := string(rune('1' + i))
		records = append(records, schemas.Product{Source: "s", SourceID: id, Title: name + " laptop"})
		links = append(links, schemas.LinkRow{MasterID: "m" + id, Source: "s", SourceID: id})
	}
	corpus := replay.New(records)
	cfg := &schemas.Config{Matching: schemas.MatchingConfig{Blocking: schemas.BlockingConfig{
		Rules: []schemas.BlockingRuleConfig{{Rule: "title_tokens"}}, MaxBlockSize: 3, Window: 1}}}
	model := matchers.DefaultModel()
	for _, tc := range []struct {
		a, b   string
		paired bool
	}{{"s:1", "s:2", true}, {"s:1", "s:3", false}, {"s:4", "s:5", true}} {
		d, err := PairIn(corpus, cfg, model, 2, links, nil, tc.a, tc.b) // threshold 2: never matched
		if err != nil {
			t.Fatal(err)
		}
		want := []replay.SharedBlock{{Rule: "title_tokens(min_len=3)", Key: "tt3:laptop", Size: 5, Oversized: true, Paired: tc.paired}}
		if !slices.Equal(d.Shared, want) || d.Candidate != tc.paired {
			t.Errorf("%s ~ %s: shared %+v, candidate %v; want %+v", tc.a, tc.b, d.Shared, d.Candidate, want)
		}
		wantStage := StageBelowThreshold
		if !tc.paired {
			wantStage = StageNotBlocked
		}
		var out bytes.Buffer
		if err := d.WriteText(&out); err != nil {
			t.Fatal(err)
		}
		if d.Stage != wantStage || (!tc.paired && !strings.Contains(out.String(), "oversized block whose sorted neighbourhood does not pair them")) {
			t.Errorf("%s ~ %s: stage %q, want %q:\n%s", tc.a, tc.b, d.Stage, wantStage, out.String())
		}
	}
	scored, err := corpus.ScoreCandidates(cfg, model)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range scored {
		got = append(got, p.LeftID+"-"+p.RightID)
	}
	if want := []string{"1-2", "2-3", "3-4", "4-5"}; !slices.Equal(got, want) {
		t.Errorf("candidate pairs %v, want %v", got, want)
	}
}
