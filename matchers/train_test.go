package matchers

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// trSynthetic draws n rows of d standard-normal features (a fixed seed) and
// labels from the logistic model with weights w and bias b.
func trSynthetic(n int, w []float64, b float64, seed uint64) ([][]float64, []bool) {
	rng := rand.New(rand.NewPCG(seed, 99))
	X := make([][]float64, n)
	y := make([]bool, n)
	for i := range X {
		X[i] = make([]float64, len(w))
		z := b
		for j := range w {
			X[i][j] = rng.NormFloat64()*1.5 + 0.3 // not standard: exercises standardisation
			z += w[j] * X[i][j]
		}
		y[i] = rng.Float64() < logistic(z)
	}
	return X, y
}

// trRawWeights maps a standardised model back to weights on raw features.
func trRawWeights(m *Model) ([]float64, float64) {
	if len(m.Std) == 0 {
		return m.Weights, m.Bias
	}
	w := make([]float64, len(m.Weights))
	b := m.Bias
	for j := range w {
		w[j] = m.Weights[j] / m.Std[j]
		b -= w[j] * m.Mean[j]
	}
	return w, b
}

func TestTrainRecoversWeights(t *testing.T) {
	wantW, wantB := []float64{2, -1, 0.5, 0}, -0.5
	X, y := trSynthetic(40000, wantW, wantB, 1)
	for _, opts := range []TrainOptions{{}, {NoStandardize: true}} {
		m, err := Train(X, y, opts)
		if err != nil {
			t.Fatal(err)
		}
		w, b := trRawWeights(m)
		t.Logf("%+v: weights %.3f bias %.3f after %v iterations", opts, w, b, m.Metrics["iterations"])
		for j := range w {
			if math.Abs(w[j]-wantW[j]) > 0.06 {
				t.Errorf("%+v: weight %d = %.3f, want %.3f", opts, j, w[j], wantW[j])
			}
		}
		if math.Abs(b-wantB) > 0.06 {
			t.Errorf("%+v: bias %.3f, want %.3f", opts, b, wantB)
		}
		if m.Metrics["converged"] != 1 || m.Metrics["iterations"] > 12 {
			t.Errorf("%+v: metrics %v: want convergence within 12 Newton steps", opts, m.Metrics)
		}
		if !slices.Equal(m.Features, []string{"f0", "f1", "f2", "f3"}) || m.Threshold != 0.5 || m.Version != ModelVersion {
			t.Errorf("%+v: model %+v", opts, m)
		}
	}
}

// TestTrainHandChecked: with one binary feature the maximum-likelihood fit
// is the log-odds of each group: x=0 has 1 match in 4, x=1 has 3 in 4, so
// bias = logit(1/4) = -ln 3 and weight = logit(3/4) - logit(1/4) = 2 ln 3.
func TestTrainHandChecked(t *testing.T) {
	X := [][]float64{{0}, {0}, {0}, {0}, {1}, {1}, {1}, {1}}
	y := []bool{true, false, false, false, true, true, true, false}
	m, err := Train(X, y, TrainOptions{L2: 1e-12, NoStandardize: true, FeatureNames: []string{"gtin_equal"}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Bias+math.Log(3)) > 1e-6 || math.Abs(m.Weights[0]-2*math.Log(3)) > 1e-6 {
		t.Errorf("bias %v weight %v, want %v and %v", m.Bias, m.Weights[0], -math.Log(3), 2*math.Log(3))
	}
	if got := m.Probability([]float64{1}); math.Abs(got-0.75) > 1e-6 {
		t.Errorf("P(x=1) = %v, want 0.75", got)
	}
	// Log-loss at the optimum: every row is predicted 1/4 or 3/4.
	wantLoss := -(math.Log(0.75)*6 + math.Log(0.25)*2) / 8
	if math.Abs(m.Metrics["train_log_loss"]-wantLoss) > 1e-6 {
		t.Errorf("train_log_loss %v, want %v", m.Metrics["train_log_loss"], wantLoss)
	}

	// Balanced weights make both groups' classes weigh the same in total:
	// 4 matches and 4 non-matches already, so nothing changes.
	mb, err := Train(X, y, TrainOptions{L2: 1e-12, NoStandardize: true, Balanced: true})
	if err != nil || math.Abs(mb.Bias-m.Bias) > 1e-6 {
		t.Errorf("balanced: %v, %v", mb, err)
	}
	// Weighting matches 3x turns the odds 1:3 into 3:3 at x=0: bias 0.
	mw, err := Train(X, y, TrainOptions{L2: 1e-12, NoStandardize: true, PositiveWeight: 3})
	if err != nil || math.Abs(mw.Bias) > 1e-6 || math.Abs(mw.Weights[0]-2*math.Log(3)) > 1e-6 {
		t.Errorf("positive weight 3: %+v, %v", mw, err)
	}
}

func TestTrainSeparableStaysFinite(t *testing.T) {
	// An exact-GTIN-like feature separates the classes perfectly; the
	// default penalty keeps the weights finite.
	X := [][]float64{{1, 0.9}, {1, 0.8}, {0, 0.85}, {0, 0.1}, {1, 0.95}, {0, 0.2}}
	y := []bool{true, true, false, false, true, false}
	m, err := Train(X, y, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Probability([]float64{1, 0.9}) < 0.99 || m.Probability([]float64{0, 0.85}) > 0.01 {
		t.Errorf("separable data not fitted: %+v", m)
	}
}

func TestTrainDeterministic(t *testing.T) {
	X, y := trSynthetic(3000, []float64{1, 1, -2}, 0.2, 5)
	a, err := Train(X, y, TrainOptions{L2: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Train(X, y, TrainOptions{L2: 0.01})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs differ:\n%+v\n%+v", a, b)
	}
	// More penalty, smaller weights.
	c, _ := Train(X, y, TrainOptions{L2: 1})
	if math.Abs(c.Weights[2]) >= math.Abs(a.Weights[2]) {
		t.Errorf("L2=1 weight %v not smaller than L2=0.01 weight %v", c.Weights[2], a.Weights[2])
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		X    [][]float64
		y    []bool
		opts TrainOptions
		want string
	}{
		{"empty", nil, nil, TrainOptions{}, "0 feature rows for 0 labels"},
		{"label count", [][]float64{{1}}, []bool{true, false}, TrainOptions{}, "1 feature rows for 2 labels"},
		{"no features", [][]float64{{}, {}}, []bool{true, false}, TrainOptions{}, "no features"},
		{"ragged", [][]float64{{1}, {1, 2}}, []bool{true, false}, TrainOptions{}, "row 1 has 2 features, row 0 has 1"},
		{"NaN", [][]float64{{1}, {math.NaN()}}, []bool{true, false}, TrainOptions{}, "X[1][0] is NaN"},
		{"one class", [][]float64{{1}, {2}}, []bool{true, true}, TrainOptions{}, "need both matches and non-matches, got 2 of 2"},
		{"names", [][]float64{{1}, {2}}, []bool{true, false}, TrainOptions{FeatureNames: []string{"a", "b"}}, "2 feature names for 1 features"},
		{"negative L2", [][]float64{{1}, {2}}, []bool{true, false}, TrainOptions{L2: -1}, "negative or NaN option"},
	}
	for _, tt := range tests {
		_, err := Train(tt.X, tt.y, tt.opts)
		if err == nil || !errors.Is(err, ErrTrain) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrTrain containing %q", tt.name, err, tt.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	m := &Model{Version: 1, Features: []string{"x"}, Weights: []float64{1}, Threshold: 0.5}
	// Logits ln 9, ln 3, 0, -ln 3, -ln 9: probabilities .9 .75 .5 .25 .1.
	X := [][]float64{{math.Log(9)}, {math.Log(3)}, {0}, {-math.Log(3)}, {-math.Log(9)}}
	y := []bool{true, false, true, false, true}
	got := Evaluate(m, X, y)
	// At 0.5: predicted .9 .75 .5 → TP 2 (.9 .5), FP 1 (.75); FN 1 (.1), TN 1 (.25).
	wantLoss := -(math.Log(.9) + math.Log(.25) + math.Log(.5) + math.Log(.75) + math.Log(.1)) / 5
	want := Metrics{Threshold: .5, N: 5, TP: 2, FP: 1, TN: 1, FN: 1,
		Precision: 2.0 / 3, Recall: 2.0 / 3, F1: 2.0 / 3, Accuracy: 3.0 / 5, LogLoss: wantLoss}
	if math.Abs(got.LogLoss-want.LogLoss) > 1e-12 {
		t.Errorf("log loss %v, want %v", got.LogLoss, want.LogLoss)
	}
	got.LogLoss = want.LogLoss
	if got != want {
		t.Errorf("Evaluate =\n%+v, want\n%+v", got, want)
	}
	if mp := got.Map("holdout_"); mp["holdout_f1"] != 2.0/3 || mp["holdout_tp"] != 2 || len(mp) != 11 {
		t.Errorf("Map = %v", mp)
	}
	// Zero denominators give 0, not NaN, so metrics always encode.
	none := EvaluateProbabilities([]float64{0.1, 0.2}, []bool{false, false}, 0.5)
	if none.Precision != 0 || none.Recall != 0 || none.F1 != 0 || none.Accuracy != 1 {
		t.Errorf("no positives: %+v", none)
	}
	if nan := EvaluateProbabilities([]float64{math.NaN()}, []bool{true}, 0.5); nan.FN != 1 || math.Abs(nan.LogLoss-34.538776394910684) > 1e-9 {
		t.Errorf("NaN probability: %+v", nan)
	}
	if empty := EvaluateProbabilities(nil, nil, 0.5); empty != (Metrics{Threshold: 0.5}) {
		t.Errorf("empty: %+v", empty)
	}
	// Saturated probabilities are clipped: the loss is large but finite.
	if sat := EvaluateProbabilities([]float64{0, 1}, []bool{true, false}, 0.5); math.Abs(sat.LogLoss-34.538776394910684) > 1e-9 {
		t.Errorf("clipped log loss %v, want -ln(1e-15)", sat.LogLoss)
	}
}

func TestBestThreshold(t *testing.T) {
	tests := []struct {
		name    string
		p       []float64
		y       []bool
		wantThr float64
		wantF1  float64
	}{
		// Cut below .8: TP 2 FP 0 FN 1 → F1 .8; below .3: TP 3 FP 1 → .857; below .2: TP 3 FP 2 → .75.
		{"midpoint of the best cut", []float64{.9, .8, .3, .3, .2}, []bool{true, true, true, false, false}, .25, 6.0 / 7},
		{"ties broken towards precision", []float64{.9, .6, .4, .2}, []bool{true, false, false, true}, .75, 2.0 / 3},
		{"all positive", []float64{.7, .6}, []bool{true, true}, .3, 1},
		{"empty", nil, nil, DefaultThreshold, 0},
		{"NaN probabilities are never cut", []float64{math.NaN(), .6, .4}, []bool{false, true, false}, .5, 1},
	}
	for _, tt := range tests {
		thr, m := BestThreshold(tt.p, tt.y)
		if math.Abs(thr-tt.wantThr) > 1e-12 || math.Abs(m.F1-tt.wantF1) > 1e-12 || m.Threshold != thr {
			t.Errorf("%s: threshold %v F1 %v, want %v and %v", tt.name, thr, m.F1, tt.wantThr, tt.wantF1)
		}
	}
}

func TestSplitHoldout(t *testing.T) {
	train, test := SplitHoldout(10, 0.3, 42)
	if len(test) != 3 || len(train) != 7 || !slices.IsSorted(test) || !slices.IsSorted(train) {
		t.Fatalf("split %v / %v", train, test)
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train), test...)))
	for i, v := range all {
		if v != i {
			t.Fatalf("not a partition of 0..9: %v", all)
		}
	}
	tr2, te2 := SplitHoldout(10, 0.3, 42)
	if !slices.Equal(tr2, train) || !slices.Equal(te2, test) {
		t.Error("same seed, different split")
	}
	// Pinned so that a stored holdout is reproducible across releases.
	if _, te := SplitHoldout(20, 0.25, 7); !slices.Equal(te, trGoldenSplit) {
		t.Errorf("SplitHoldout(20, 0.25, 7) test = %#v", te)
	}
	differ := false
	for seed := uint64(0); seed < 5 && !differ; seed++ {
		_, te := SplitHoldout(10, 0.3, seed)
		differ = !slices.Equal(te, test)
	}
	if !differ {
		t.Error("seed does not matter")
	}
	for _, tt := range []struct {
		n            int
		frac         float64
		ntrain, ntst int
	}{{0, 0.5, 0, 0}, {5, 0, 5, 0}, {5, 1, 0, 5}, {3, 0.5, 1, 2}} {
		tr, te := SplitHoldout(tt.n, tt.frac, 1)
		if len(tr) != tt.ntrain || len(te) != tt.ntst {
			t.Errorf("SplitHoldout(%d, %v): %d/%d", tt.n, tt.frac, len(tr), len(te))
		}
	}
	// Each index lands in the test set about frac of the time.
	counts := make([]int, 8)
	for seed := uint64(0); seed < 4000; seed++ {
		_, te := SplitHoldout(8, 0.25, seed)
		for _, i := range te {
			counts[i]++
		}
	}
	for i, c := range counts {
		if c < 850 || c > 1150 {
			t.Errorf("index %d in the test set %d times of 4000, want about 1000", i, c)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("frac 1.5 did not panic")
		}
	}()
	SplitHoldout(3, 1.5, 0)
}

var trGoldenSplit = []int{2, 10, 14, 17, 18}

// signData: f0 argues for a match; f1 is more common among non-matches,
// so an unconstrained fit gives it a negative weight.
func signData() ([][]float64, []bool) {
	var X [][]float64
	var y []bool
	add := func(n int, f0, f1 float64, match bool) {
		for range n {
			X = append(X, []float64{f0, f1})
			y = append(y, match)
		}
	}
	add(6, 1, 0, true)
	add(2, 1, 1, true)
	add(2, 0, 0, true)
	add(6, 0, 1, false)
	add(2, 0, 0, false)
	add(2, 1, 1, false)
	return X, y
}

func TestTrainSigns(t *testing.T) {
	X, y := signData()
	free, err := Train(X, y, TrainOptions{NoStandardize: true})
	if err != nil {
		t.Fatal(err)
	}
	if !(free.Weights[0] > 0 && free.Weights[1] < 0) {
		t.Fatalf("unconstrained weights %v, want f0 > 0 > f1", free.Weights)
	}
	m, err := Train(X, y, TrainOptions{NoStandardize: true, Signs: []int{+1, +1}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Weights[1] != 0 || !(m.Weights[0] > 0) {
		t.Fatalf("constrained weights %v, want f0 > 0 and f1 exactly 0", m.Weights)
	}
	// With f1 held at 0 the fit is the one-feature fit on f0: rows with
	// f0 = 1 match 8 times in 10, rows with f0 = 0 twice in 10, so the
	// (lightly penalised) weight is near ln(4) - ln(1/4) = 2.77 and the bias near -ln 4.
	if math.Abs(m.Weights[0]-2.77) > 0.05 || math.Abs(m.Bias+1.386) > 0.05 {
		t.Fatalf("weights %v bias %v, want about 2.77 and -1.39", m.Weights, m.Bias)
	}
	// A sign the data already keeps changes nothing.
	same, err := Train(X, y, TrainOptions{NoStandardize: true, Signs: []int{+1, -1}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(same.Weights, free.Weights) || same.Bias != free.Bias {
		t.Fatalf("inactive constraint changed the fit: %v %v, free %v %v", same.Weights, same.Bias, free.Weights, free.Bias)
	}
	if _, err := Train(X, y, TrainOptions{Signs: []int{1}}); !errors.Is(err, ErrTrain) {
		t.Fatalf("one sign for two features: err %v", err)
	}
}

func TestTrainRowWeights(t *testing.T) {
	X, y := signData()
	// Doubling every row of one half is the same as giving it weight 2.
	var X2 [][]float64
	var y2 []bool
	w := make([]float64, len(X))
	for i := range X {
		w[i] = 1
		X2, y2 = append(X2, X[i]), append(y2, y[i])
		if i%3 == 0 {
			w[i] = 2
			X2, y2 = append(X2, X[i]), append(y2, y[i])
		}
	}
	a, err := Train(X, y, TrainOptions{NoStandardize: true, RowWeights: w})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(X2, y2, TrainOptions{NoStandardize: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		if d := math.Abs(a.Logit(x) - b.Logit(x)); d > 1e-9 {
			t.Fatalf("logit at %v: weighted %v, duplicated %v", x, a.Logit(x), b.Logit(x))
		}
	}
	if _, err := Train(X, y, TrainOptions{RowWeights: []float64{1}}); !errors.Is(err, ErrTrain) {
		t.Fatalf("one row weight for %d rows: err %v", len(X), err)
	}
}

// TestTrainPrior: a prior holds in proportion to λ. A strong prior keeps
// its weights and standardisation whatever the rows say; a weak one gives
// way to them, and a few rows move it only part of the way.
func TestTrainPrior(t *testing.T) {
	pX, pY := trSynthetic(20000, []float64{0.2, 2}, 0, 1)
	prior, err := Train(pX, pY, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	X, y := trSynthetic(20000, []float64{2, 0.2}, 0, 2) // the new data says the opposite
	strong, err := Train(X, y, TrainOptions{Prior: prior, L2: 1e4})
	if err != nil {
		t.Fatal(err)
	}
	for j, w := range strong.Weights {
		if math.Abs(w-prior.Weights[j]) > 1e-3 || strong.Mean[j] != prior.Mean[j] || strong.Std[j] != prior.Std[j] {
			t.Errorf("strong prior: weight %d %.4f, mean %.3f std %.3f; prior %.4f, %.3f, %.3f",
				j, w, strong.Mean[j], strong.Std[j], prior.Weights[j], prior.Mean[j], prior.Std[j])
		}
	}
	weak, err := Train(X, y, TrainOptions{Prior: prior, L2: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := trRawWeights(weak); math.Abs(w[0]-2) > 0.1 || math.Abs(w[1]-0.2) > 0.1 {
		t.Errorf("weak prior: raw weights %.3f, want the data's [2 0.2]", w)
	}
	few, err := Train(X[:200], y[:200], TrainOptions{Prior: prior, L2: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := trRawWeights(few)
	if pw, _ := trRawWeights(prior); !(w[0] > pw[0]+0.2 && w[0] < 2 && w[1] < pw[1]-0.2 && w[1] > 0.2) {
		t.Errorf("200 rows, λ 0.05: raw weights %.3f, want between the prior's %.3f and the data's [2 0.2]", w, pw)
	}
	if _, err := Train(X, y, TrainOptions{Prior: prior, FeatureNames: []string{"a", "b"}}); !errors.Is(err, ErrTrain) {
		t.Errorf("prior with other feature names: err %v", err)
	}
}
