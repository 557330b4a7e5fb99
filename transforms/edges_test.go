package transforms

import (
	"testing"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// scoringInputs are ScoringHash's arguments.
type scoringInputs struct {
	model     matchers.Model
	threshold float64
	blocking  schemas.BlockingConfig
	cross     bool
}

func (in scoringInputs) hash() string {
	return ScoringHash(&in.model, in.threshold, in.blocking, in.cross)
}

func newScoringInputs() scoringInputs {
	return scoringInputs{
		model: matchers.Model{
			Version: matchers.ModelVersion, Features: []string{"gtin_match", "title_jaccard"},
			Weights: []float64{2, 3}, Bias: -1, Threshold: 0.5, Mean: []float64{0.1, 0.2}, Std: []float64{1, 1},
		},
		threshold: 0.5,
		blocking: schemas.BlockingConfig{
			Rules:        []schemas.BlockingRuleConfig{{Rule: "gtin"}, {Rule: "title_lsh", Bands: 8, Rows: 4}},
			MaxBlockSize: 20, Window: 6,
		},
	}
}

// The scoring hash changes with everything a decision depends on, and
// only with that.
func TestScoringHash(t *testing.T) {
	base := newScoringInputs().hash()
	same := newScoringInputs()
	same.model.TrainedOn, same.model.Metrics = "another split", map[string]float64{"f1": 0.9}
	same.model.Threshold = 0.7 // overridden by the run's threshold
	if same.hash() != base {
		t.Errorf("the model's provenance or own threshold changes the hash")
	}
	for name, change := range map[string]func(*scoringInputs){
		"weight":            func(in *scoringInputs) { in.model.Weights[1] = 3.0000001 },
		"bias":              func(in *scoringInputs) { in.model.Bias = -1.5 },
		"features":          func(in *scoringInputs) { in.model.Features[1] = "title_jaro_winkler" },
		"mean":              func(in *scoringInputs) { in.model.Mean[0] = 0 },
		"std":               func(in *scoringInputs) { in.model.Std[1] = 2 },
		"threshold":         func(in *scoringInputs) { in.threshold = 0.51 },
		"blocking rule":     func(in *scoringInputs) { in.blocking.Rules[1].Rows = 3 },
		"block size":        func(in *scoringInputs) { in.blocking.MaxBlockSize = 30 },
		"window":            func(in *scoringInputs) { in.blocking.Window = 5 },
		"cross-source only": func(in *scoringInputs) { in.cross = true },
	} {
		in := newScoringInputs()
		change(&in)
		if in.hash() == base {
			t.Errorf("another %s gives the same hash", name)
		}
	}
}
