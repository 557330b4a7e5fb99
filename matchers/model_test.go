package matchers

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func mdModel() *Model {
	return &Model{
		Version:   ModelVersion,
		Features:  []string{"title_jw", "gtin_equal"},
		Weights:   []float64{2, math.Log(3)},
		Bias:      -1,
		Threshold: 0.5,
	}
}

func TestLogistic(t *testing.T) {
	tests := []struct{ z, want float64 }{
		{0, 0.5},
		{math.Log(3), 0.75}, // 1/(1+1/3)
		{-math.Log(3), 0.25},
		{math.Log(9), 0.9},
		{800, 1},  // exp(-800) underflows to 0, not NaN
		{-800, 0}, // exp(-800) = 0
		{-40, 4.248354255291589e-18},
	}
	for _, tt := range tests {
		if got := logistic(tt.z); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("logistic(%v) = %v, want %v", tt.z, got, tt.want)
		}
	}
	for _, tt := range []struct{ z, want float64 }{{0, math.Ln2}, {1000, 1000}, {-1000, 0}, {math.Log(3), math.Log(4)}} {
		if got := softplus(tt.z); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("softplus(%v) = %v, want %v", tt.z, got, tt.want)
		}
	}
}

func TestModelProbability(t *testing.T) {
	m := mdModel()
	std := mdModel()
	std.Mean, std.Std = []float64{0.5, 0}, []float64{0.25, 1}
	tests := []struct {
		m    *Model
		x    []float64
		want float64
	}{
		{m, []float64{0.5, 0}, 0.5},                   // -1 + 2·0.5 = 0
		{m, []float64{0.5, 1}, 0.75},                  // 0 + ln 3
		{m, []float64{0, 0}, 1 / (1 + math.E)},        // logit -1
		{std, []float64{0.75, 0}, 1 / (1 + 1/math.E)}, // z = (0.75-0.5)/0.25 = 1: logit -1 + 2 = 1
		{std, []float64{0.625, 1}, 0.75},              // z = 0.5: -1 + 1 + ln 3
	}
	for i, tt := range tests {
		if got := tt.m.Probability(tt.x); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("case %d: Probability(%v) = %v, want %v", i, tt.x, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { std.Probability([]float64{0.7, 1}) }); n != 0 {
		t.Errorf("Probability allocates %v times", n)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "model has 2 features, vector has 1") {
			t.Errorf("short vector: panic %v", r)
		}
	}()
	m.Probability([]float64{1})
}

func TestModelExplain(t *testing.T) {
	m := mdModel()
	m.Mean, m.Std = []float64{0.5, 0}, []float64{0.25, 1}
	e := m.Explain([]float64{0.75, 1})
	want := Explanation{
		Bias: -1, Logit: 1 + math.Log(3), Probability: logistic(1 + math.Log(3)), Match: true,
		Contributions: []Contribution{
			{Feature: "title_jw", Value: 0.75, Weight: 2, Contribution: 2},
			{Feature: "gtin_equal", Value: 1, Weight: math.Log(3), Contribution: math.Log(3)},
		},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("Explain =\n%+v, want\n%+v", e, want)
	}
	sum := e.Bias
	for _, c := range e.Contributions {
		sum += c.Contribution
	}
	if math.Abs(sum-e.Logit) > 1e-12 {
		t.Errorf("contributions sum to %v, logit %v", sum, e.Logit)
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	m := mdModel()
	m.Mean, m.Std = []float64{0.1, 0.2}, []float64{0.3, 0.4}
	m.TrainedOn = "Abt-Buy train split"
	m.Metrics = map[string]float64{"holdout_f1": 0.91}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"version": 1`, `"features"`, `"weights"`, `"bias"`, `"threshold"`, `"mean"`, `"std"`, `"trained_on"`, `"metrics"`} {
		if !strings.Contains(buf.String(), field) {
			t.Errorf("saved model lacks %s:\n%s", field, buf.String())
		}
	}
	got, err := LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
	}
}

func TestLoadModelRejectsBadFiles(t *testing.T) {
	const ok = `"version":1,"features":["a","b"],"weights":[1,2],"bias":0,"threshold":0.5`
	tests := []struct {
		name, json, want string
	}{
		{"valid", `{` + ok + `}`, ""},
		{"not json", `weights: [1]`, "loading match model: invalid character"},
		{"empty", ``, "loading match model: EOF"},
		{"trailing data", `{` + ok + `}{}`, "trailing data"},
		{"misspelt field", `{` + ok + `,"treshold":0.9}`, `unknown field "treshold"`},
		{"wrong type", `{"version":1,"features":["a"],"weights":["x"],"threshold":0.5}`, "cannot unmarshal string"},
		{"missing version", `{"features":["a"],"weights":[1],"threshold":0.5}`, "version 0, want 1"},
		{"no features", `{"version":1,"threshold":0.5}`, "no features"},
		{"weights length", `{"version":1,"features":["a","b"],"weights":[1],"threshold":0.5}`, "1 weights for 2 features"},
		{"duplicate feature", `{"version":1,"features":["a","a"],"weights":[1,2],"threshold":0.5}`, `feature "a" listed twice`},
		{"unnamed feature", `{"version":1,"features":[""],"weights":[1],"threshold":0.5}`, "features[0] has no name"},
		{"mean without std", `{` + ok + `,"mean":[0,0]}`, "mean and std must be given together"},
		{"std length", `{` + ok + `,"mean":[0,0],"std":[1]}`, "1 stds for 2 features"},
		{"zero std", `{` + ok + `,"mean":[0,0],"std":[1,0]}`, "std[1] is 0, want > 0"},
		{"missing threshold", `{"version":1,"features":["a"],"weights":[1]}`, "threshold 0 outside (0, 1)"},
		{"threshold 1", `{"version":1,"features":["a"],"weights":[1],"threshold":1}`, "threshold 1 outside (0, 1)"},
		{"huge weight", `{"version":1,"features":["a"],"weights":[1e999],"threshold":0.5}`, "cannot unmarshal number 1e999"},
	}
	for _, tt := range tests {
		_, err := LoadModel(strings.NewReader(tt.json))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	// All problems are reported at once, and errors.Is finds the sentinel.
	_, err := LoadModel(strings.NewReader(`{"version":2,"features":["a"],"weights":[],"threshold":0}`))
	for _, want := range []string{"version 2", "0 weights for 1 features", "threshold 0"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if !errors.Is(err, ErrInvalidModel) {
		t.Errorf("errors.Is(%v, ErrInvalidModel) = false", err)
	}
}

func TestValidateRejectsNonFinite(t *testing.T) {
	for _, mutate := range []func(m *Model){
		func(m *Model) { m.Weights[1] = math.NaN() },
		func(m *Model) { m.Bias = math.Inf(1) },
		func(m *Model) { m.Mean, m.Std = []float64{0, math.NaN()}, []float64{1, 1} },
		func(m *Model) { m.Threshold = math.NaN() },
		func(m *Model) { m.Metrics = map[string]float64{"f1": math.NaN()} },
	} {
		m := mdModel()
		mutate(m)
		if err := m.Validate(); !errors.Is(err, ErrInvalidModel) {
			t.Errorf("%+v: Validate = %v", m, err)
		}
		if err := m.Save(&bytes.Buffer{}); err == nil {
			t.Errorf("%+v: saved", m)
		}
	}
}

func FuzzLoadModel(f *testing.F) {
	var buf bytes.Buffer
	if err := mdModel().Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"version":1,"features":["a"],"weights":[1],"mean":[0],"std":[1e-300],"threshold":0.5}`))
	f.Add([]byte(`{"version":1,"features":["a"],"weights":[1e308],"bias":-1e308,"threshold":0.5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadModel(bytes.NewReader(data))
		if err != nil {
			return
		}
		x := make([]float64, len(m.Features))
		if p := m.Probability(x); !(p >= 0 && p <= 1) && !math.IsNaN(p) {
			t.Fatalf("probability %v", p)
		}
		var out bytes.Buffer
		if err := m.Save(&out); err != nil {
			t.Fatalf("a loaded model does not save: %v", err)
		}
		again, err := LoadModel(&out)
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, again, m)
		}
	})
}
