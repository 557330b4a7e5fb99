// Package train fits match models: the logistic model on labelled pairs
// and catalogues (Model), with leave-one-dataset-out and held-out figures,
// and the Fellegi-Sunter model from the records alone (Unsupervised).
package train

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
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
	labels, err := ReadLabels(r, left, right)
	if err != nil {
		return nil, err
	}
	out := make([]LabelledPair, len(labels))
	for i, l := range labels {
		a, okA := records[l.A]
		b, okB := records[l.B]
		if !okA || !okB {
			return nil, fmt.Errorf("pairs: line %d: record %s or %s not found in the sources", l.Line, l.A, l.B)
		}
		out[i] = LabelledPair{A: a, B: b, Match: l.Match}
	}
	return out, nil
}

// ReadLabels reads labelled pairs of record keys in ReadPairsCSV's
// layouts.
func ReadLabels(r io.Reader, left, right string) ([]Label, error) {
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
	var out []Label
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
		match, err := parseLabel(rec[col["label"]])
		if err != nil {
			return nil, fmt.Errorf("pairs: line %d: %w", line, err)
		}
		out = append(out, Label{A: schemas.RecordKey(ls, rec[lay.li]), B: schemas.RecordKey(rs, rec[lay.ri]), Match: match, Line: line})
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

// LabelCandidates labels the candidate pairs of records with a truth and
// reports which labels the truth vouches for: not a pair with a record
// the truth does not mention (entity truth), nor two records of one source
// when the truth lists matching id pairs across two sources. Those are
// labelled non-matches; they stay, since the job scores and clusters them
// too.
func LabelCandidates(records []schemas.Product, cfg schemas.BlockingConfig, t *evaluate.Truth) (pairs []LabelledPair, judged []bool, err error) {
	idx, err := replay.CandidatePairs(records, cfg)
	if err != nil {
		return nil, nil, err
	}
	pairs, judged = make([]LabelledPair, len(idx)), make([]bool, len(idx))
	for n, p := range idx {
		a, b := records[p[0]], records[p[1]]
		ka, kb := a.Key(), b.Key()
		judged[n] = t.Judges(ka, kb) && (t.CrossSources[0] != "" || t.Records[ka] && t.Records[kb])
		pairs[n] = LabelledPair{A: a, B: b, Match: judged[n] && t.Pairs[schemas.PairKey(ka, kb)]}
	}
	return pairs, judged, nil
}

// Dataset is one labelled training source: pairs to fit on and, for a
// whole catalogue, the candidate pairs its blocking produces with the
// truth, to choose the threshold by the clusters the job would build.
type Dataset struct {
	Name        string
	Pairs       []LabelledPair
	Calibration *Calibration // nil for a set of pairs without its catalogue
}

// titles is the catalogue's records per title, nil for a set of pairs.
func (d Dataset) titles() matchers.TitleCounts {
	if d.Calibration == nil {
		return nil
	}
	return d.Calibration.Titles
}

// Options configure Model.
type Options struct {
	Features  []string // default: the default model's features
	Holdout   float64  // share of each dataset's pairs held out for evaluation; default 0.3
	Seed      uint64
	L2        float64
	TrainedOn string
}

// Calibration is a labelled catalogue for choosing the threshold.
type Calibration struct {
	Pairs      []LabelledPair // every candidate pair blocking produces
	Truth      *evaluate.Truth
	Clustering matchers.ClusterOptions
	// Titles counts every record of the catalogue per normalised title,
	// as the job does; nil counts the records of the pairs.
	Titles matchers.TitleCounts
	// Confirmed tells, per pair, whether the records' identifiers agree
	// (matchers.IdentifiersAgree), for clustering.confirmed_first; nil
	// means none do.
	Confirmed []bool
	// TextSimilarity is, per pair, the similarity of the records' text
	// sketches (matchers.TextSketch), which orders equally scored pairs
	// in clustering as the job does; nil reads as 0.
	TextSimilarity []float32
}

// Result is a trained model with its held-out evaluation.
type Result struct {
	Model    *matchers.Model
	Holdout  matchers.Metrics
	Train    matchers.Metrics
	EndToEnd evaluate.PairMetrics // mean over the calibration catalogues, when given
}

// FeatureMatrix prepares the pairs' records (TF-IDF and title counts over
// every distinct record among them) and computes the named features for
// each pair.
func FeatureMatrix(pairs []LabelledPair, features []string) ([][]float64, []bool, error) {
	return featureMatrix(pairs, features, nil)
}

// featureMatrix is FeatureMatrix with the records per title counted over
// a whole catalogue, as the job counts them, when titles is not nil.
func featureMatrix(pairs []LabelledPair, features []string, titles matchers.TitleCounts) ([][]float64, []bool, error) {
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
		pp := transforms.MatchView(p, brands)
		prepared[k] = &pp
		idf.Add(pp.TitleTokens)
		if titles == nil {
			idf.AddTitle(pp.TitleTokens)
		}
		return &pp
	}
	for i := range pairs {
		prep(&pairs[i].A)
		prep(&pairs[i].B)
	}
	if titles != nil {
		idf.Titles = titles
	}
	for _, pp := range prepared {
		idf.Weigh(pp)
	}
	X := make([][]float64, len(pairs))
	y := make([]bool, len(pairs))
	for i := range pairs {
		X[i] = fs.Compute(prepared[pairs[i].A.Key()], prepared[pairs[i].B.Key()], nil)
		y[i] = pairs[i].Match
	}
	return X, y, nil
}

// Model fits the logistic match model on labelled datasets. Each
// dataset weighs the same in the fit however many pairs it has, so a
// large synthetic catalogue does not drown a small real one, and every
// feature keeps its declared sign (matchers.Feature.Sign). A
// deterministic share of each dataset is held out for the pairwise
// figures. The threshold is chosen for catalogues the model has not seen
// (see crossValidatedThreshold) when there are two datasets or more and
// one of them is a whole catalogue; otherwise it is the best end-to-end F1
// on the one catalogue, or the best pairwise F1 on the training pairs.
func Model(datasets []Dataset, opts Options) (Result, error) {
	if len(opts.Features) == 0 {
		opts.Features = matchers.DefaultModel().Features
	}
	if opts.Holdout == 0 {
		opts.Holdout = 0.3
	}
	f, err := fit(datasets, opts)
	if err != nil {
		return Result{}, err
	}
	m := f.model
	threshold, trainMetrics := matchers.BestThreshold(m.Predict(f.xTrain), f.yTrain)
	m.Threshold = threshold
	var calibrations []*Calibration
	for _, d := range datasets {
		if d.Calibration != nil {
			calibrations = append(calibrations, d.Calibration)
		}
	}
	switch {
	case len(calibrations) > 0 && len(datasets) > 1:
		if m.Threshold, err = crossValidatedThreshold(datasets, opts); err != nil {
			return Result{}, err
		}
	case len(calibrations) > 0:
		if m.Threshold, err = bestMeanF1([]*matchers.Model{m}, datasets); err != nil {
			return Result{}, err
		}
	}
	var endToEnd evaluate.PairMetrics
	for _, c := range calibrations {
		points, err := sweepModel(m, c, opts.Features, []float64{m.Threshold})
		if err != nil {
			return Result{}, err
		}
		endToEnd.Precision += points[0].Precision / float64(len(calibrations))
		endToEnd.Recall += points[0].Recall / float64(len(calibrations))
		endToEnd.F1 += points[0].F1 / float64(len(calibrations))
	}
	res := Result{Model: m, Train: trainMetrics, EndToEnd: endToEnd}
	if len(f.xTest) > 0 {
		res.Holdout = matchers.Evaluate(m, f.xTest, f.yTest)
	}
	m.TrainedOn = opts.TrainedOn
	m.Metrics = map[string]float64{}
	for k, v := range res.Train.Map("train_") {
		m.Metrics[k] = v
	}
	for k, v := range res.Holdout.Map("holdout_") {
		m.Metrics[k] = v
	}
	m.Metrics["pairs"] = float64(f.pairs)
	if len(calibrations) > 0 {
		m.Metrics["calibration_precision"] = endToEnd.Precision
		m.Metrics["calibration_recall"] = endToEnd.Recall
		m.Metrics["calibration_f1"] = endToEnd.F1
	}
	return res, nil
}

// fitted is a model fitted on the training share of datasets, with the
// feature rows of both shares.
type fitted struct {
	model         *matchers.Model
	xTrain, xTest [][]float64
	yTrain, yTest []bool
	pairs         int
}

func fit(datasets []Dataset, opts Options) (fitted, error) {
	var f fitted
	var weights []float64
	for _, d := range datasets {
		X, y, err := featureMatrix(d.Pairs, opts.Features, d.titles())
		if err != nil {
			return f, err
		}
		if len(X) == 0 {
			return f, fmt.Errorf("training: dataset %s has no pairs", d.Name)
		}
		f.pairs += len(X)
		trainIdx, testIdx := matchers.SplitHoldout(len(X), opts.Holdout, opts.Seed)
		for _, j := range trainIdx {
			f.xTrain, f.yTrain = append(f.xTrain, X[j]), append(f.yTrain, y[j])
			weights = append(weights, 1/float64(len(trainIdx)))
		}
		for _, j := range testIdx {
			f.xTest, f.yTest = append(f.xTest, X[j]), append(f.yTest, y[j])
		}
	}
	var err error
	f.model, err = matchers.Train(f.xTrain, f.yTrain, matchers.TrainOptions{FeatureNames: opts.Features, L2: opts.L2,
		RowWeights: weights, Signs: matchers.FeatureSigns(opts.Features)})
	return f, err
}

// crossValidatedThreshold picks the threshold for data the model has not
// seen: each dataset in turn is scored by a model fitted on the others,
// and the threshold with the best mean F1 over those held-out curves wins
// (end to end for a catalogue, pairwise for labelled pairs; each dataset
// weighs the same). A model scores the data it was fitted on with higher
// probabilities than new data, so a threshold picked in-sample is too high
// for a new catalogue: measured, the best held-out threshold of WDC
// computers is 0.04 against 0.4 in-sample.
func crossValidatedThreshold(datasets []Dataset, opts Options) (float64, error) {
	models := make([]*matchers.Model, len(datasets))
	for i, d := range datasets {
		f, err := fit(append(slices.Clone(datasets[:i]), datasets[i+1:]...), opts)
		if err != nil {
			return 0, fmt.Errorf("leaving out %s: %w", d.Name, err)
		}
		models[i] = f.model
	}
	return bestMeanF1(models, datasets)
}

// bestMeanF1 returns the threshold of the 0.01 grid with the best mean F1
// over the datasets, each scored by its model (the first of equals).
func bestMeanF1(models []*matchers.Model, datasets []Dataset) (float64, error) {
	grid := evaluate.DefaultSweepThresholds()
	mean := make([]float64, len(grid))
	for i, d := range datasets {
		points, err := curve(models[i], d, grid)
		if err != nil {
			return 0, err
		}
		for k, p := range points {
			mean[k] += p.F1 / float64(len(datasets))
		}
	}
	best := 0
	for k := range mean {
		if mean[k] > mean[best] {
			best = k
		}
	}
	return grid[best], nil
}

// curve is d's metrics under m at each threshold: end to end when d is a
// catalogue (its candidate pairs scored and clustered as the job does),
// pairwise on its labelled pairs otherwise.
func curve(m *matchers.Model, d Dataset, thresholds []float64) ([]evaluate.PairMetrics, error) {
	out := make([]evaluate.PairMetrics, len(thresholds))
	if d.Calibration != nil {
		points, err := sweepModel(m, d.Calibration, m.Features, thresholds)
		if err != nil {
			return nil, err
		}
		for k, p := range points {
			out[k] = p.PairMetrics
		}
		return out, nil
	}
	X, y, err := featureMatrix(d.Pairs, m.Features, d.titles())
	if err != nil {
		return nil, err
	}
	p := m.Predict(X)
	for k, th := range thresholds {
		out[k] = pairMetrics(matchers.EvaluateProbabilities(p, y, th))
	}
	return out, nil
}

// sweepModel scores a catalogue's candidate pairs with m and rebuilds its
// clusters at each threshold.
func sweepModel(m *matchers.Model, c *Calibration, features []string, thresholds []float64) ([]evaluate.SweepPoint, error) {
	X, _, err := featureMatrix(c.Pairs, features, c.Titles)
	if err != nil {
		return nil, err
	}
	scored := make([]schemas.PairRow, len(c.Pairs))
	for i, p := range c.Pairs {
		scored[i] = schemas.PairRow{LeftSource: p.A.Source, LeftID: p.A.SourceID,
			RightSource: p.B.Source, RightID: p.B.SourceID, MatchProbability: m.Probability(X[i]),
			IdentifiersAgree: i < len(c.Confirmed) && c.Confirmed[i]}
		if i < len(c.TextSimilarity) {
			scored[i].TextSimilarity = c.TextSimilarity[i]
		}
	}
	return evaluate.Sweep(scored, c.Truth, thresholds, c.Clustering), nil
}

// HeldOut is one dataset's figures for a model that was not trained on it.
type HeldOut struct {
	Dataset string
	// At is the metrics at the model's own threshold: end to end for a
	// catalogue, pairwise on the labelled pairs otherwise.
	At evaluate.PairMetrics
	// Best is the best of the 0.01 grid on this dataset, and BestThreshold
	// where it is: how far the shipped threshold is from this dataset's.
	Best          evaluate.PairMetrics
	BestThreshold float64
	Threshold     float64
}

// EvaluateHeldOut scores a dataset the model was not trained on.
func EvaluateHeldOut(m *matchers.Model, d Dataset) (HeldOut, error) {
	h := HeldOut{Dataset: d.Name, Threshold: m.Threshold}
	grid := evaluate.DefaultSweepThresholds()
	points, err := curve(m, d, append(grid, m.Threshold))
	if err != nil {
		return h, err
	}
	h.At = points[len(grid)]
	for k, p := range points[:len(grid)] {
		if p.F1 > h.Best.F1 {
			h.Best, h.BestThreshold = p, grid[k]
		}
	}
	return h, nil
}

func pairMetrics(m matchers.Metrics) evaluate.PairMetrics {
	return evaluate.PairMetrics{Precision: m.Precision, Recall: m.Recall, F1: m.F1,
		TruePositives: m.TP, FalsePositives: m.FP, FalseNegatives: m.FN}
}

// LeaveOneOut trains on every dataset but one and scores the one left
// out, for each dataset in turn: the figures of a model on catalogues it
// never saw.
func LeaveOneOut(datasets []Dataset, opts Options) ([]HeldOut, error) {
	var out []HeldOut
	for i, d := range datasets {
		rest := append(slices.Clone(datasets[:i]), datasets[i+1:]...)
		res, err := Model(rest, opts)
		if err != nil {
			return nil, fmt.Errorf("leaving out %s: %w", d.Name, err)
		}
		h, err := EvaluateHeldOut(res.Model, d)
		if err != nil {
			return nil, fmt.Errorf("scoring %s: %w", d.Name, err)
		}
		out = append(out, h)
	}
	return out, nil
}

func formatMetrics(m matchers.Metrics) string {
	return "precision " + strconv.FormatFloat(m.Precision, 'f', 4, 64) +
		"  recall " + strconv.FormatFloat(m.Recall, 'f', 4, 64) +
		"  F1 " + strconv.FormatFloat(m.F1, 'f', 4, 64) +
		"  (n " + strconv.Itoa(m.N) + ")"
}

// String reports the evaluation for the train command.
func (r Result) String() string {
	s := fmt.Sprintf("train:   %s\nholdout: %s (pairwise, at the model's threshold)",
		formatMetrics(r.Train), formatMetrics(r.Holdout))
	if r.EndToEnd.F1 > 0 {
		s += fmt.Sprintf("\ncalibration catalogues, clusters end to end (mean): precision %.4f  recall %.4f  F1 %.4f",
			r.EndToEnd.Precision, r.EndToEnd.Recall, r.EndToEnd.F1)
	}
	return s + fmt.Sprintf("\nthreshold %.3f", r.Model.Threshold)
}

// LoadCatalogue reads a config's sources, blocks them as the job would
// and labels the candidate pairs with a truth file (ReadTruth's forms;
// left and right name the sources of an id-pair truth). Every candidate
// pair calibrates, clustered as the job clusters them; every step-th of
// those the truth judges, for sample = 1/step, is fitted on.
func LoadCatalogue(ctx context.Context, name, cfgPath, truthPath, left, right string, sample float64) (Dataset, error) {
	cfg, err := schemas.Load(cfgPath)
	if err != nil {
		return Dataset{}, err
	}
	f, err := os.Open(truthPath)
	if err != nil {
		return Dataset{}, err
	}
	defer f.Close()
	truth, err := evaluate.ReadTruth(f, left, right)
	if err != nil {
		return Dataset{}, fmt.Errorf("%s: %w", truthPath, err)
	}
	all, err := pipelines.LoadSources(ctx, cfg, cfg.SourceNames())
	if err != nil {
		return Dataset{}, err
	}
	newest := replay.NewestPerKey(all)
	pairs, judged, err := LabelCandidates(newest, cfg.Matching.Blocking, truth)
	if err != nil {
		return Dataset{}, err
	}
	var titles matchers.TitleCounts
	brands := matchers.DefaultBrandIndex()
	type ids struct {
		gtin   string
		models []string
		text   matchers.TextSketch
	}
	idents := make(map[string]ids, len(newest))
	for i := range newest {
		v := transforms.MatchView(&newest[i], brands)
		titles.Add(v.TitleTokens)
		idents[newest[i].Key()] = ids{v.GTIN, v.Models, v.Text}
	}
	confirmed := make([]bool, len(pairs))
	text := make([]float32, len(pairs))
	for i, p := range pairs {
		a, b := idents[p.A.Key()], idents[p.B.Key()]
		confirmed[i] = matchers.IdentifiersAgree(a.gtin, b.gtin, a.models, b.models)
		text[i] = a.text.Similarity(&b.text)
	}
	step := 1
	if sample > 0 && sample < 1 {
		step = int(math.Round(1 / sample))
	}
	d := Dataset{Name: name, Calibration: &Calibration{Pairs: pairs, Truth: truth, Clustering: replay.ClusterOptions(cfg.Matching.Clustering), Titles: titles,
		Confirmed: confirmed, TextSimilarity: text}}
	n := 0
	for i, p := range pairs {
		if judged[i] {
			if n%step == 0 {
				d.Pairs = append(d.Pairs, p)
			}
			n++
		}
	}
	return d, nil
}

// WriteHeldOut writes held-out figures as a Markdown table.
func WriteHeldOut(w io.Writer, rows []HeldOut) error {
	var b strings.Builder
	b.WriteString("| held out | threshold | P | R | F1 | best threshold there | its F1 |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, h := range rows {
		fmt.Fprintf(&b, "| %s | %.2f | %.3f | %.3f | **%.3f** | %.2f | %.3f |\n", h.Dataset, h.Threshold,
			h.At.Precision, h.At.Recall, h.At.F1, h.BestThreshold, h.Best.F1)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
