package pipelines

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// LabelledPair is one training example.
type LabelledPair struct {
	A, B  schemas.Product
	Match bool
}

// ReadPairsCSV reads labelled pairs of records from records (by record
// key) in one of two layouts, chosen by the header:
//   - left_source,left_id,right_source,right_id,label
//   - ltable_id,rtable_id,label (DeepMatcher), ids of sources left and right.
//
// label is 1/0 or true/false.
func ReadPairsCSV(r io.Reader, records map[string]schemas.Product, left, right string) ([]LabelledPair, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("pairs: reading header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	type layout struct{ ls, li, rs, ri int }
	var lay layout
	switch {
	case has(col, "left_source", "left_id", "right_source", "right_id", "label"):
		lay = layout{col["left_source"], col["left_id"], col["right_source"], col["right_id"]}
	case has(col, "ltable_id", "rtable_id", "label"):
		if left == "" || right == "" {
			return nil, fmt.Errorf("pairs: ltable_id/rtable_id need the left and right source names")
		}
		lay = layout{-1, col["ltable_id"], -1, col["rtable_id"]}
	default:
		return nil, fmt.Errorf("pairs: header %q: want left_source,left_id,right_source,right_id,label or ltable_id,rtable_id,label", header)
	}
	var out []LabelledPair
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("pairs: %w", err)
		}
		ls, rs := left, right
		if lay.ls >= 0 {
			ls, rs = rec[lay.ls], rec[lay.rs]
		}
		a, okA := records[schemas.RecordKey(ls, rec[lay.li])]
		b, okB := records[schemas.RecordKey(rs, rec[lay.ri])]
		if !okA || !okB {
			return nil, fmt.Errorf("pairs: line %d: record %s:%s or %s:%s not found in the sources", line, ls, rec[lay.li], rs, rec[lay.ri])
		}
		match, err := parseLabel(rec[col["label"]])
		if err != nil {
			return nil, fmt.Errorf("pairs: line %d: %w", line, err)
		}
		out = append(out, LabelledPair{A: a, B: b, Match: match})
	}
}

func has(col map[string]int, names ...string) bool {
	for _, n := range names {
		if _, ok := col[n]; !ok {
			return false
		}
	}
	return true
}

func parseLabel(s string) (bool, error) {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "1", "true", "yes", "match":
		return true, nil
	case "0", "false", "no", "non-match":
		return false, nil
	}
	return false, fmt.Errorf("label %q is not 1/0 or true/false", s)
}

// ReadWDCPairs reads the WDC LSPC gold-standard format: JSON lines, each a
// labelled pair with both offers inline (title, description, brand, price
// with _left and _right suffixes). Offers become records of sources
// "wdc_left" and "wdc_right".
func ReadWDCPairs(r io.Reader) ([]LabelledPair, error) {
	type side struct {
		ID          json.Number `json:"id"`
		Title       *string     `json:"title"`
		Description *string     `json:"description"`
		Brand       *string     `json:"brand"`
		Price       *string     `json:"price"`
	}
	var out []LabelledPair
	br := bufio.NewReaderSize(r, 1<<20)
	dec := json.NewDecoder(br)
	for line := 1; ; line++ {
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("wdc pairs: record %d: %w", line, err)
		}
		var sides [2]side
		for i, suffix := range []string{"_left", "_right"} {
			obj := map[string]json.RawMessage{}
			for k, v := range raw {
				if strings.HasSuffix(k, suffix) {
					obj[strings.TrimSuffix(k, suffix)] = v
				}
			}
			b, _ := json.Marshal(obj)
			if err := json.Unmarshal(b, &sides[i]); err != nil {
				return nil, fmt.Errorf("wdc pairs: record %d: %w", line, err)
			}
		}
		var label string
		if err := json.Unmarshal(raw["label"], &label); err != nil {
			return nil, fmt.Errorf("wdc pairs: record %d: label: %w", line, err)
		}
		match, err := parseLabel(label)
		if err != nil {
			return nil, fmt.Errorf("wdc pairs: record %d: %w", line, err)
		}
		var ps [2]schemas.Product
		for i, s := range sides {
			p := schemas.Product{Source: []string{"wdc_left", "wdc_right"}[i], SourceID: s.ID.String(),
				Title: wdcText(s.Title), Description: wdcText(s.Description), Brand: wdcText(s.Brand)}
			if price, cur, err := schemas.ParsePrice(wdcText(s.Price), ""); err == nil && wdcText(s.Price) != "" {
				p.Price, p.HasPrice, p.Currency = price, true, cur
			}
			ps[i] = p
		}
		out = append(out, LabelledPair{A: ps[0], B: ps[1], Match: match})
	}
}

// wdcText drops WDC's "null" placeholders: titles are "<a> , <b>" with a
// missing part written as the word null.
func wdcText(s *string) string {
	if s == nil {
		return ""
	}
	parts := strings.Split(*s, " , ")
	kept := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && p != "null" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// TrainOptions configure TrainModel.
type TrainOptions struct {
	Features  []string // default: the default model's features
	Holdout   float64  // share of pairs held out for evaluation; default 0.3
	Seed      uint64
	L2        float64
	TrainedOn string
	// Calibration, when set, chooses the threshold by the F1 of the
	// clusters the job would build on a whole labelled catalogue, instead
	// of pairwise F1 on the training pairs: the clustering rule (one
	// record per source, best first) already removes many false pairs,
	// so the best threshold end to end is lower.
	Calibration *Calibration
}

// Calibration is a labelled catalogue for choosing the threshold.
type Calibration struct {
	Pairs      []LabelledPair // every candidate pair blocking produces
	Truth      *Truth
	Clustering matchers.ClusterOptions
}

// calibrationThresholds are the thresholds tried end to end.
var calibrationThresholds = []float64{0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}

// TrainResult is a trained model with its held-out evaluation.
type TrainResult struct {
	Model    *matchers.Model
	Holdout  matchers.Metrics
	Train    matchers.Metrics
	EndToEnd PairMetrics // on the calibration catalogue, when given
}

// FeatureMatrix prepares the pairs' records (TF-IDF over every distinct
// record among them) and computes the named features for each pair.
func FeatureMatrix(pairs []LabelledPair, features []string) ([][]float64, []bool, error) {
	fs, err := matchers.NewFeatureSet(features)
	if err != nil {
		return nil, nil, err
	}
	brands := matchers.DefaultBrandIndex()
	prepared := map[string]*matchers.Prepared{}
	idf := &matchers.IDF{DF: map[string]int32{}}
	prep := func(p *schemas.Product) *matchers.Prepared {
		k := p.Key()
		if pp, ok := prepared[k]; ok {
			return pp
		}
		pp := transforms.Prepare(p, brands)
		prepared[k] = &pp
		idf.Add(pp.TitleTokens)
		return &pp
	}
	for i := range pairs {
		prep(&pairs[i].A)
		prep(&pairs[i].B)
	}
	for _, pp := range prepared {
		pp.TFIDF = idf.Vector(pp.TitleTokens)
	}
	X := make([][]float64, len(pairs))
	y := make([]bool, len(pairs))
	for i := range pairs {
		X[i] = fs.Compute(prepared[pairs[i].A.Key()], prepared[pairs[i].B.Key()], nil)
		y[i] = pairs[i].Match
	}
	return X, y, nil
}

// TrainModel fits the logistic match model on labelled pairs: it holds out
// a deterministic share of the pairs, fits on the rest, sets the threshold
// that maximises F1 on the training share and reports both.
func TrainModel(pairs []LabelledPair, opts TrainOptions) (TrainResult, error) {
	if len(opts.Features) == 0 {
		opts.Features = matchers.DefaultModel().Features
	}
	if opts.Holdout == 0 {
		opts.Holdout = 0.3
	}
	X, y, err := FeatureMatrix(pairs, opts.Features)
	if err != nil {
		return TrainResult{}, err
	}
	trainIdx, testIdx := matchers.SplitHoldout(len(X), opts.Holdout, opts.Seed)
	pick := func(idx []int) ([][]float64, []bool) {
		xs, ys := make([][]float64, len(idx)), make([]bool, len(idx))
		for i, j := range idx {
			xs[i], ys[i] = X[j], y[j]
		}
		return xs, ys
	}
	xTrain, yTrain := pick(trainIdx)
	xTest, yTest := pick(testIdx)
	m, err := matchers.Train(xTrain, yTrain, matchers.TrainOptions{FeatureNames: opts.Features, L2: opts.L2})
	if err != nil {
		return TrainResult{}, err
	}
	threshold, trainMetrics := matchers.BestThreshold(m.Predict(xTrain), yTrain)
	m.Threshold = threshold
	var endToEnd PairMetrics
	if c := opts.Calibration; c != nil {
		if m.Threshold, endToEnd, err = calibrate(m, c, opts.Features); err != nil {
			return TrainResult{}, err
		}
	}
	res := TrainResult{Model: m, Train: trainMetrics, Holdout: matchers.Evaluate(m, xTest, yTest), EndToEnd: endToEnd}
	m.TrainedOn = opts.TrainedOn
	m.Metrics = map[string]float64{}
	for k, v := range res.Train.Map("train_") {
		m.Metrics[k] = v
	}
	for k, v := range res.Holdout.Map("holdout_") {
		m.Metrics[k] = v
	}
	m.Metrics["pairs"] = float64(len(pairs))
	if opts.Calibration != nil {
		m.Metrics["calibration_precision"] = endToEnd.Precision
		m.Metrics["calibration_recall"] = endToEnd.Recall
		m.Metrics["calibration_f1"] = endToEnd.F1
	}
	return res, nil
}

// calibrate returns the threshold with the best end-to-end F1.
func calibrate(m *matchers.Model, c *Calibration, features []string) (float64, PairMetrics, error) {
	X, _, err := FeatureMatrix(c.Pairs, features)
	if err != nil {
		return 0, PairMetrics{}, err
	}
	scored := make([]schemas.PairRow, len(c.Pairs))
	for i, p := range c.Pairs {
		scored[i] = schemas.PairRow{LeftSource: p.A.Source, LeftID: p.A.SourceID,
			RightSource: p.B.Source, RightID: p.B.SourceID, MatchProbability: m.Probability(X[i])}
	}
	best := SweepPoint{Threshold: m.Threshold}
	for _, p := range Sweep(scored, c.Truth, calibrationThresholds, c.Clustering) {
		if p.F1 > best.F1 {
			best = p
		}
	}
	return best.Threshold, best.PairMetrics, nil
}

func formatMetrics(m matchers.Metrics) string {
	return "precision " + strconv.FormatFloat(m.Precision, 'f', 4, 64) +
		"  recall " + strconv.FormatFloat(m.Recall, 'f', 4, 64) +
		"  F1 " + strconv.FormatFloat(m.F1, 'f', 4, 64) +
		"  (n " + strconv.Itoa(m.N) + ")"
}

// String reports the evaluation for the train command.
func (r TrainResult) String() string {
	s := fmt.Sprintf("train:   %s\nholdout: %s (pairwise, at the pairwise-best threshold)",
		formatMetrics(r.Train), formatMetrics(r.Holdout))
	if r.EndToEnd.TruePositives > 0 {
		s += fmt.Sprintf("\ncalibration catalogue, clusters end to end: %s", r.EndToEnd)
	}
	return s + fmt.Sprintf("\nthreshold %.3f", r.Model.Threshold)
}

// UnsupervisedOptions configure TrainUnsupervised.
type UnsupervisedOptions struct {
	Comparisons []matchers.Comparison // default matchers.Comparisons
	// RandomPairs is how many record pairs u is estimated from, drawn
	// uniformly with Seed (every pair when there are fewer); default 1e6.
	RandomPairs int
	Seed        uint64
	EM          matchers.EMOptions
	TrainedOn   string
}

// UnsupervisedResult is a Fellegi-Sunter model estimated without labels.
type UnsupervisedResult struct {
	Model          *matchers.Model
	FS             *matchers.FellegiSunter
	Records        int
	CandidatePairs int
	RandomPairs    int
}

// TrainUnsupervised estimates a Fellegi-Sunter match model from the
// records alone, as Splink does: u from pairs drawn at random (nearly all
// non-matches), then m and the share of matches λ by EM over the candidate
// pairs the blocking produces, u fixed. Records are prepared and TF-IDF
// weighted over all of them, as the job does.
func TrainUnsupervised(records []schemas.Product, blocking schemas.BlockingConfig, opts UnsupervisedOptions) (UnsupervisedResult, error) {
	if opts.Comparisons == nil {
		opts.Comparisons = matchers.Comparisons
	}
	if opts.RandomPairs == 0 {
		opts.RandomPairs = 1_000_000
	}
	records = NewestPerKey(records)
	if len(records) < 2 {
		return UnsupervisedResult{}, fmt.Errorf("unsupervised training: %d records, want at least 2", len(records))
	}
	set, err := matchers.NewComparisonSet(opts.Comparisons)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	candidates, err := CandidatePairs(records, blocking)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	brands := matchers.DefaultBrandIndex()
	prepared := make([]matchers.Prepared, len(records))
	idf := &matchers.IDF{DF: map[string]int32{}}
	for i := range records {
		prepared[i] = transforms.Prepare(&records[i], brands)
		idf.Add(prepared[i].TitleTokens)
	}
	for i := range prepared {
		prepared[i].TFIDF = idf.Vector(prepared[i].TitleTokens)
	}
	var levels []uint8
	count := func(lc *matchers.LevelCounts, i, j int) {
		levels = set.Levels(&prepared[i], &prepared[j], levels[:0])
		lc.Add(levels, 1)
	}
	random := &matchers.LevelCounts{}
	drawn := randomPairs(len(records), opts.RandomPairs, opts.Seed, func(i, j int) { count(random, i, j) })
	blocked := &matchers.LevelCounts{}
	for _, p := range candidates {
		count(blocked, p[0], p[1])
	}
	u := matchers.EstimateU(opts.Comparisons, random, opts.EM)
	fs, err := matchers.EstimateM(opts.Comparisons, u, blocked, opts.EM)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	m := fs.Model()
	m.TrainedOn = opts.TrainedOn
	m.Metrics = map[string]float64{
		"records": float64(len(records)), "candidate_pairs": float64(len(candidates)),
		"random_pairs": float64(drawn), "lambda": fs.Lambda, "em_iterations": float64(fs.Iterations),
	}
	for c, comp := range opts.Comparisons {
		for l, level := range comp.Levels {
			if !level.Null {
				name := matchers.LevelFeature(comp, level)
				m.Metrics["m "+name], m.Metrics["u "+name] = fs.M[c][l], fs.U[c][l]
			}
		}
	}
	return UnsupervisedResult{Model: m, FS: fs, Records: len(records), CandidatePairs: len(candidates), RandomPairs: drawn}, nil
}

// randomPairs calls fn with want pairs of distinct indices below n drawn
// uniformly with seed, or with every pair once when there are no more
// than want; it returns how many pairs it gave.
func randomPairs(n, want int, seed uint64, fn func(i, j int)) int {
	if all := n * (n - 1) / 2; all <= want {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				fn(i, j)
			}
		}
		return all
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for k := 0; k < want; k++ {
		i := rng.IntN(n)
		j := rng.IntN(n - 1)
		if j >= i {
			j++ // uniform over the n-1 others
		}
		fn(i, j)
	}
	return want
}

// String reports the estimate for the train command.
func (r UnsupervisedResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d candidate pairs, %d random pairs\n", r.Records, r.CandidatePairs, r.RandomPairs)
	fmt.Fprintf(&b, "EM: %d iterations, converged %v; share of matches among candidate pairs λ %.4f\n", r.FS.Iterations, r.FS.Converged, r.FS.Lambda)
	fmt.Fprintf(&b, "%-28s %9s %9s %8s\n", "level", "m", "u", "ln(m/u)")
	for c, comp := range r.FS.Comparisons {
		for l, level := range comp.Levels {
			if !level.Null {
				fmt.Fprintf(&b, "%-28s %9.5f %9.5f %8.3f\n", matchers.LevelFeature(comp, level), r.FS.M[c][l], r.FS.U[c][l], math.Log(r.FS.M[c][l]/r.FS.U[c][l]))
			}
		}
	}
	fmt.Fprintf(&b, "threshold %.2f", r.Model.Threshold)
	return b.String()
}
