package matchers

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestComparisonsDeclaredValid(t *testing.T) {
	if _, err := NewComparisonSet(Comparisons); err != nil {
		t.Fatal(err)
	}
}

func TestComparisonSetRejectsBadDeclarations(t *testing.T) {
	tests := []struct {
		name string
		c    Comparison
		want string
	}{
		{"unknown feature", Comparison{"x", []Level{flag("a", "no_such_feature"), {Name: "else"}}}, `unknown feature "no_such_feature"`},
		{"last level tests a feature", Comparison{"x", []Level{flag("a", "brand_agree"), flag("b", "brand_disagree")}}, "every level but the last"},
		{"empty interval", Comparison{"x", []Level{{Name: "a", Feature: "price_ratio", Min: 0.5, Max: 0.5}, {Name: "else"}}}, "min 0.5 not below max 0.5"},
		{"repeated level", Comparison{"x", []Level{flag("a", "brand_agree"), {Name: "a"}}}, `name "a" empty or repeated`},
		{"all null", Comparison{"x", []Level{{Name: "a", Feature: "brand_agree", Min: 1, Max: 2, Null: true}, {Name: "b", Null: true}}}, "every level is null"},
		{"one level", Comparison{"x", []Level{{Name: "a"}}}, "want at least 2"},
		{"= in name", Comparison{"x=y", []Level{flag("a", "brand_agree"), {Name: "b"}}}, "without '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewComparisonSet([]Comparison{tt.c})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestLevelsOnHandPickedPairs checks the declared levels at and around
// their boundaries, with prices (whose ratio is easy to set) and brands.
func TestLevelsOnHandPickedPairs(t *testing.T) {
	set, err := NewComparisonSet(Comparisons)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, c := range Comparisons {
		byName[c.Name] = i
	}
	rec := func(title, brand string, price float64) *Prepared {
		p := Prepare(Fields{Title: title, Brand: brand, Price: price, HasPrice: price > 0}, nil)
		return &p
	}
	tests := []struct {
		name       string
		a, b       *Prepared
		comparison string
		want       string
	}{
		{"ratio exactly 0.9 is the top band", rec("a", "", 100), rec("b", "", 90), "price", "[0.9,1]"},
		{"equal prices", rec("a", "", 100), rec("b", "", 100), "price", "[0.9,1]"},
		{"ratio 0.8", rec("a", "", 100), rec("b", "", 80), "price", "[0.75,0.9)"},
		{"ratio exactly 0.75", rec("a", "", 100), rec("b", "", 75), "price", "[0.75,0.9)"},
		{"ratio 0.74", rec("a", "", 100), rec("b", "", 74), "price", "[0.5,0.75)"},
		{"ratio 0.4", rec("a", "", 100), rec("b", "", 40), "price", "[0,0.5)"},
		{"one price missing", rec("a", "", 100), rec("b", "", 0), "price", "unknown"},
		{"same brand", rec("x", "Sony", 0), rec("y", "Sony", 0), "brand", "agree"},
		{"other brand", rec("x", "Sony", 0), rec("y", "Samsung", 0), "brand", "disagree"},
		{"owned brand is neither", rec("x", "Harman", 0), rec("y", "JBL", 0), "brand", "unknown"},
		{"no brand", rec("x", "Sony", 0), rec("y", "", 0), "brand", "unknown"},
		{"same numbers", rec("tv 55in 4k", "", 0), rec("tv 55in 4k", "", 0), "title_numbers", "0"},
		{"no numbers on one side", rec("tv 55in", "", 0), rec("tv", "", 0), "title_numbers", "0"},
		{"one of four numbers differs", rec("tv 55in 4k 2020 120hz", "", 0), rec("tv 65in 4k 2020 120hz", "", 0), "title_numbers", "(0,0.5)"},
		{"no number shared", rec("tv 55in", "", 0), rec("tv 65in", "", 0), "title_numbers", "[0.5,1]"},
		{"black and silver", rec("tv black", "", 0), rec("tv silver", "", 0), "colour", "mismatch"},
		{"no colour", rec("tv black", "", 0), rec("tv", "", 0), "colour", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := byName[tt.comparison]
			levels := set.Levels(tt.a, tt.b, nil)
			if got := Comparisons[c].Levels[levels[c]].Name; got != tt.want {
				t.Fatalf("%s level %q, want %q", tt.comparison, got, tt.want)
			}
		})
	}
}

// TestTitleLevelBoundaries checks the TF-IDF bands on vectors whose cosine
// is set by hand: (1, 0) against (c, √(1-c²)) has cosine c.
func TestTitleLevelBoundaries(t *testing.T) {
	set, err := NewComparisonSet(Comparisons[:1])
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cosine float64
		want   string
	}{{1, "[0.9,1]"}, {0.9, "[0.9,1]"}, {0.89, "[0.7,0.9)"}, {0.7, "[0.7,0.9)"}, {0.6, "[0.5,0.7)"}, {0.3, "[0.3,0.5)"}, {0.29, "[0,0.3)"}, {0, "[0,0.3)"}} {
		a := &Prepared{TFIDF: SparseVector{{Term: 1, Value: 1}}}
		b := &Prepared{TFIDF: SparseVector{{Term: 1, Value: tt.cosine}, {Term: 2, Value: math.Sqrt(1 - tt.cosine*tt.cosine)}}}
		if tt.cosine == 0 {
			b.TFIDF = b.TFIDF[1:]
		}
		if got := Comparisons[0].Levels[set.Levels(a, b, nil)[0]].Name; got != tt.want {
			t.Errorf("cosine %v: level %q, want %q", tt.cosine, got, tt.want)
		}
	}
}

func TestLevelIndicatorFeatures(t *testing.T) {
	fs, err := NewFeatureSet([]string{"price=[0.75,0.9)", "price=[0.9,1]", "brand=disagree", "brand_disagree"})
	if err != nil {
		t.Fatal(err)
	}
	a := Prepare(Fields{Title: "x", Brand: "Sony", Price: 100, HasPrice: true}, nil)
	b := Prepare(Fields{Title: "y", Brand: "Samsung", Price: 80, HasPrice: true}, nil)
	if got, want := fs.Compute(&a, &b, nil), []float64{1, 0, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("features %v, want %v", got, want)
	}
	for _, name := range []string{"price=[0.8,0.9)", "nosuch=agree", "brand="} {
		if _, err := NewFeatureSet([]string{name}); err == nil || !strings.Contains(err.Error(), "unknown features "+name) {
			t.Errorf("%q: error %v, want unknown feature", name, err)
		}
	}
}

// mixture builds the expected level counts of n pairs drawn from a
// two-component mixture with the given λ, m and u over independent
// comparisons: the counts EM sees in the limit of many pairs, for which the
// true parameters are the maximum-likelihood ones.
func mixture(cs []Comparison, lambda float64, m, u [][]float64, n float64) *LevelCounts {
	lc := &LevelCounts{}
	levels := make([]uint8, len(cs))
	var walk func(c int, pm, pu float64)
	walk = func(c int, pm, pu float64) {
		if c == len(cs) {
			lc.Add(levels, n*(lambda*pm+(1-lambda)*pu))
			return
		}
		for l := range cs[c].Levels {
			levels[c] = uint8(l)
			walk(c+1, pm*m[c][l], pu*u[c][l])
		}
	}
	walk(0, 1, 1)
	return lc
}

func threeLevels(name string) Comparison {
	return Comparison{name, []Level{flag("agree", "brand_agree"), flag("close", "brand_disagree"), {Name: "else"}}}
}

func TestEMRecoversKnownMixture(t *testing.T) {
	cs := []Comparison{threeLevels("a"), threeLevels("b"), threeLevels("c"), threeLevels("d")}
	m := [][]float64{{0.7, 0.2, 0.1}, {0.6, 0.3, 0.1}, {0.5, 0.4, 0.1}, {0.8, 0.1, 0.1}}
	u := [][]float64{{0.05, 0.15, 0.8}, {0.1, 0.2, 0.7}, {0.02, 0.08, 0.9}, {0.2, 0.3, 0.5}}
	const lambda = 0.2
	candidates := mixture(cs, lambda, m, u, 1e6)
	// A tiny pseudocount against a million pairs: the estimate is the MLE.
	fs, err := EstimateM(cs, u, candidates, EMOptions{Pseudocount: 1e-9, Tolerance: 1e-9, MaxIterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !fs.Converged {
		t.Fatalf("not converged after %d iterations", fs.Iterations)
	}
	if math.Abs(fs.Lambda-lambda) > 1e-4 {
		t.Errorf("λ %v, want %v", fs.Lambda, lambda)
	}
	for c := range m {
		for l := range m[c] {
			if math.Abs(fs.M[c][l]-m[c][l]) > 1e-4 {
				t.Errorf("m[%d][%d] = %v, want %v", c, l, fs.M[c][l], m[c][l])
			}
		}
	}
}

func TestEstimateUSmoothsAndSkipsNull(t *testing.T) {
	cs := []Comparison{{"brand", []Level{flag("agree", "brand_agree"), flag("disagree", "brand_disagree"), {Name: "unknown", Null: true}}}}
	random := &LevelCounts{}
	random.Add([]uint8{1}, 8)
	random.Add([]uint8{2}, 90) // unknown: left out of u
	u := EstimateU(cs, random, EMOptions{})
	// (0+1)/(8+2) and (8+1)/(8+2).
	if want := [][]float64{{0.1, 0.9, 0}}; !slices.Equal(u[0], want[0]) {
		t.Fatalf("u %v, want %v", u, want)
	}
}

// TestModelIsThePosterior checks that the exported Model computes the
// Fellegi-Sunter posterior λΠm / (λΠm + (1-λ)Πu), with null levels left
// out, from the level indicators NewFeatureSet computes.
func TestModelIsThePosterior(t *testing.T) {
	brand := Comparisons[slices.IndexFunc(Comparisons, func(c Comparison) bool { return c.Name == "brand" })]
	price := Comparisons[slices.IndexFunc(Comparisons, func(c Comparison) bool { return c.Name == "price" })]
	fs := &FellegiSunter{
		Comparisons: []Comparison{brand, price},
		Lambda:      0.25,
		M:           [][]float64{{0.9, 0.1, 0}, {0, 0.5, 0.3, 0.1, 0.1}},
		U:           [][]float64{{0.3, 0.7, 0}, {0, 0.1, 0.2, 0.3, 0.4}},
	}
	model := fs.Model()
	if want := []string{"brand=agree", "brand=disagree", "price=[0.9,1]", "price=[0.75,0.9)", "price=[0.5,0.75)", "price=[0,0.5)"}; !slices.Equal(model.Features, want) {
		t.Fatalf("features %v, want %v", model.Features, want)
	}
	if err := model.Validate(); err != nil {
		t.Fatal(err)
	}
	features, err := NewFeatureSet(model.Features)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(brand string, price float64) *Prepared {
		p := Prepare(Fields{Title: "x", Brand: brand, Price: price, HasPrice: price > 0}, nil)
		return &p
	}
	tests := []struct {
		name string
		a, b *Prepared
		want float64
	}{
		{"brand agrees, prices within 10%", rec("Sony", 100), rec("Sony", 95), 0.25 * 0.9 * 0.5 / (0.25*0.9*0.5 + 0.75*0.3*0.1)},
		{"brands differ, prices far apart", rec("Sony", 100), rec("LG", 30), 0.25 * 0.1 * 0.1 / (0.25*0.1*0.1 + 0.75*0.7*0.4)},
		{"brand unknown: only the price counts", rec("", 100), rec("Sony", 80), 0.25 * 0.3 / (0.25*0.3 + 0.75*0.2)},
		{"nothing known: the prior", rec("", 0), rec("", 0), 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Probability(features.Compute(tt.a, tt.b, nil))
			if math.Abs(got-tt.want) > 1e-12 {
				t.Fatalf("probability %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEMIsDeterministicAndBounded(t *testing.T) {
	cs := []Comparison{threeLevels("a"), threeLevels("b"), threeLevels("c")}
	u := [][]float64{{0.05, 0.15, 0.8}, {0.1, 0.2, 0.7}, {0.02, 0.08, 0.9}}
	m := [][]float64{{0.7, 0.2, 0.1}, {0.6, 0.3, 0.1}, {0.5, 0.4, 0.1}}
	candidates := mixture(cs, 0.3, m, u, 5000)
	first, err := EstimateM(cs, u, candidates, EMOptions{MaxIterations: 3})
	if err != nil {
		t.Fatal(err)
	}
	if first.Iterations != 3 || first.Converged {
		t.Fatalf("%d iterations, converged %v; want 3, false", first.Iterations, first.Converged)
	}
	again, _ := EstimateM(cs, u, candidates, EMOptions{MaxIterations: 3})
	if again.Lambda != first.Lambda || !slices.EqualFunc(again.M, first.M, slices.Equal) {
		t.Fatalf("two runs differ: %v %v vs %v %v", first.Lambda, first.M, again.Lambda, again.M)
	}
	if _, err := EstimateM(cs, u, &LevelCounts{}, EMOptions{}); err == nil {
		t.Fatal("no candidate pairs: want an error")
	}
}

// TestEMEmptyLevelHasFiniteWeight: a level no candidate pair reaches keeps
// a small m from the pseudocount instead of a weight of -∞.
func TestEMEmptyLevelHasFiniteWeight(t *testing.T) {
	cs := []Comparison{threeLevels("a"), threeLevels("b"), threeLevels("c")}
	u := [][]float64{{0.05, 0.15, 0.8}, {0.1, 0.2, 0.7}, {0.02, 0.08, 0.9}}
	m := [][]float64{{0.7, 0.3, 0}, {0.6, 0.3, 0.1}, {0.5, 0.4, 0.1}}
	fs, err := EstimateM(cs, u, mixture(cs, 0.3, m, [][]float64{{0.2, 0.8, 0}, u[1], u[2]}, 5000), EMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	model := fs.Model()
	if err := model.Validate(); err != nil {
		t.Fatal(err)
	}
	if w := model.Weights[2]; !(w < -5) {
		t.Fatalf("weight of the empty level a=else %v, want finite and strongly negative", w)
	}
}

// TestEMCandidateURecoversBothSides: with CandidateU, EM started from a
// rough u (halfway to uniform) recovers the true u as well as m.
func TestEMCandidateURecoversBothSides(t *testing.T) {
	cs := []Comparison{threeLevels("a"), threeLevels("b"), threeLevels("c"), threeLevels("d")}
	m := [][]float64{{0.7, 0.2, 0.1}, {0.6, 0.3, 0.1}, {0.5, 0.4, 0.1}, {0.8, 0.1, 0.1}}
	u := [][]float64{{0.05, 0.15, 0.8}, {0.1, 0.2, 0.7}, {0.02, 0.08, 0.9}, {0.2, 0.3, 0.5}}
	rough := make([][]float64, len(u))
	for c := range u {
		for _, x := range u[c] {
			rough[c] = append(rough[c], (x+1.0/3)/2)
		}
	}
	candidates := mixture(cs, 0.2, m, u, 1e6)
	fs, err := EstimateM(cs, rough, candidates, EMOptions{CandidateU: true, Pseudocount: 1e-9, Tolerance: 1e-10, MaxIterations: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fs.Lambda-0.2) > 1e-3 {
		t.Errorf("λ %v, want 0.2 (%d iterations)", fs.Lambda, fs.Iterations)
	}
	for c := range m {
		for l := range m[c] {
			if math.Abs(fs.M[c][l]-m[c][l]) > 1e-3 || math.Abs(fs.U[c][l]-u[c][l]) > 1e-3 {
				t.Errorf("level %d/%d: m %v u %v, want %v %v", c, l, fs.M[c][l], fs.U[c][l], m[c][l], u[c][l])
			}
		}
	}
}
