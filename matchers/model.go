package matchers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// ModelVersion is the version of the model file format written by Train.
const ModelVersion = 1

// ErrInvalidModel is wrapped by every model validation error.
var ErrInvalidModel = errors.New("invalid match model")

// Model is the logistic match model: a pair of records with feature vector
// x matches with probability
//
//	P = 1 / (1 + exp(-(Bias + Σ Weights[i] * z[i])))
//
// where z[i] = (x[i] - Mean[i]) / Std[i] when the model is standardised
// (Mean and Std set) and x[i] otherwise. A pair is a match when
// P >= Threshold. The model is plain data, saved and loaded as JSON with
// the training provenance and metrics next to the weights.
type Model struct {
	Version   int       `json:"version"`
	Features  []string  `json:"features"` // feature names, in vector order
	Weights   []float64 `json:"weights"`
	Bias      float64   `json:"bias"`
	Threshold float64   `json:"threshold"`
	// Mean and Std standardise features; both empty, or both one per feature.
	Mean []float64 `json:"mean,omitempty"`
	Std  []float64 `json:"std,omitempty"`
	// TrainedOn describes the training data, e.g. "Abt-Buy train split".
	TrainedOn string `json:"trained_on,omitempty"`
	// Metrics holds training and evaluation figures, e.g. Metrics.Map().
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// LoadModel reads a JSON model and validates it. Unknown fields are
// rejected, so a misspelt "threshold" cannot silently become 0.
func LoadModel(r io.Reader) (*Model, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("loading match model: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("loading match model: trailing data after the JSON object")
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("loading match model: %w", err)
	}
	return &m, nil
}

// Save validates m and writes it as indented JSON.
func (m *Model) Save(w io.Writer) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("saving match model: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("saving match model: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("saving match model: %w", err)
	}
	return nil
}

// Validate reports every problem of m at once (errors.Join), each wrapping
// ErrInvalidModel: the version, lengths of Weights, Mean and Std against
// Features, feature names, non-finite numbers, Std <= 0 and a Threshold
// outside (0, 1).
func (m *Model) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidModel}, args...)...))
	}
	if m.Version != ModelVersion {
		bad("version %d, want %d", m.Version, ModelVersion)
	}
	d := len(m.Features)
	if d == 0 {
		bad("no features")
	}
	seen := make(map[string]bool, d)
	for i, f := range m.Features {
		switch {
		case f == "":
			bad("features[%d] has no name", i)
		case seen[f]:
			bad("feature %q listed twice", f)
		}
		seen[f] = true
	}
	if len(m.Weights) != d {
		bad("%d weights for %d features", len(m.Weights), d)
	}
	if (len(m.Mean) == 0) != (len(m.Std) == 0) {
		bad("mean and std must be given together")
	}
	if len(m.Mean) != 0 && len(m.Mean) != d {
		bad("%d means for %d features", len(m.Mean), d)
	}
	if len(m.Std) != 0 && len(m.Std) != d {
		bad("%d stds for %d features", len(m.Std), d)
	}
	finite := func(name string, v []float64) {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				bad("%s[%d] is %v", name, i, x)
			}
		}
	}
	finite("weights", m.Weights)
	finite("mean", m.Mean)
	finite("std", m.Std)
	for i, s := range m.Std {
		if s <= 0 {
			bad("std[%d] is %v, want > 0", i, s)
		}
	}
	if math.IsNaN(m.Bias) || math.IsInf(m.Bias, 0) {
		bad("bias is %v", m.Bias)
	}
	if !(m.Threshold > 0 && m.Threshold < 1) {
		bad("threshold %v outside (0, 1)", m.Threshold)
	}
	for k, v := range m.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad("metric %q is %v", k, v)
		}
	}
	return errors.Join(errs...)
}

// Logit is the log-odds of a match for feature vector x. It panics when
// len(x) differs from the number of features.
func (m *Model) Logit(x []float64) float64 {
	w := m.Weights
	if len(x) != len(w) {
		panic(fmt.Sprintf("matchers: model has %d features, vector has %d", len(w), len(x)))
	}
	z := m.Bias
	if len(m.Std) == 0 {
		for i, v := range x {
			z += w[i] * v
		}
		return z
	}
	mean, std := m.Mean[:len(w)], m.Std[:len(w)]
	for i, v := range x {
		z += w[i] * (v - mean[i]) / std[i]
	}
	return z
}

// Probability is the match probability of feature vector x. It does not
// allocate; it panics when len(x) differs from the number of features.
func (m *Model) Probability(x []float64) float64 { return logistic(m.Logit(x)) }

// Predict returns the match probability of each row of X.
func (m *Model) Predict(X [][]float64) []float64 {
	p := make([]float64, len(X))
	for i, x := range X {
		p[i] = m.Probability(x)
	}
	return p
}

// Explanation breaks a match probability down by feature:
// Logit = Bias + Σ Contributions[i].Contribution.
type Explanation struct {
	Bias          float64
	Logit         float64
	Probability   float64
	Match         bool // Probability >= Threshold
	Contributions []Contribution
}

// Contribution is one feature's share of the logit.
type Contribution struct {
	Feature      string
	Value        float64 // the raw feature value
	Weight       float64
	Contribution float64 // Weight times the (standardised) value
}

// Explain returns the per-feature contributions to the logit of x, in
// feature order, for match explanations.
func (m *Model) Explain(x []float64) Explanation {
	logit := m.Logit(x) // also checks len(x)
	e := Explanation{Bias: m.Bias, Logit: logit, Probability: logistic(logit)}
	e.Match = e.Probability >= m.Threshold
	e.Contributions = make([]Contribution, len(x))
	for i, v := range x {
		name := ""
		if i < len(m.Features) {
			name = m.Features[i]
		}
		e.Contributions[i] = Contribution{Feature: name, Value: v, Weight: m.Weights[i], Contribution: m.contribution(i, v)}
	}
	return e
}

// contribution is feature i's term of the logit at value v, computed as
// Logit computes it.
func (m *Model) contribution(i int, v float64) float64 {
	if len(m.Std) == 0 {
		return m.Weights[i] * v
	}
	return m.Weights[i] * (v - m.Mean[i]) / m.Std[i]
}

// logistic is the sigmoid 1/(1+e^-z), written so that neither branch
// overflows: exp is only taken of a non-positive number.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+e^z) without overflow; the log-loss of a logit z is
// softplus(-z) for a match and softplus(z) for a non-match.
func softplus(z float64) float64 {
	return max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}
