package matchers

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLevenshteinRatio(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"abc", "", 0},
		{"", "abc", 0},
		{"sony", "sony", 1},
		{"kitten", "sitting", 1 - 3.0/7}, // k→s, e→i, +g
		{"flaw", "lawn", 0.5},            // -f, +n
		{"abc", "xyz", 0},
		{"café", "cafe", 0.75}, // runes, not bytes: one substitution in four
		{"kdl52w4100", "kdl52w4100b", 1 - 1.0/11},
	}
	for _, tt := range tests {
		if got := LevenshteinRatio(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("LevenshteinRatio(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := LevenshteinRatio(tt.b, tt.a); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("LevenshteinRatio(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
	long1 := make([]byte, 300)
	long2 := make([]byte, 300)
	for i := range long1 {
		long1[i], long2[i] = 'a'+byte(i%26), 'a'+byte(i%26)
	}
	long2[150] = '!'
	if got, want := LevenshteinRatio(string(long1), string(long2)+"x"), 1-2.0/301; math.Abs(got-want) > 1e-12 {
		t.Errorf("long LevenshteinRatio = %v, want %v", got, want)
	}
}

func TestLevenshteinRatioAllocs(t *testing.T) {
	a, b := "sony bravia kdl52w4100 52in lcd hdtv", "sony kdl52w4100 bravia 52in lcd tv"
	if n := testing.AllocsPerRun(100, func() { LevenshteinRatio(a, b) }); n != 0 {
		t.Errorf("LevenshteinRatio allocates %v times per call", n)
	}
}

func TestTokenSets(t *testing.T) {
	tests := []struct {
		a, b                 []string
		jaccard, containment float64
	}{
		{nil, nil, 0, 0},
		{[]string{"a"}, nil, 0, 0},
		{[]string{"a", "b", "c"}, []string{"b", "c", "d"}, 2.0 / 4, 2.0 / 3},
		{[]string{"a", "a", "b"}, []string{"a"}, 1.0 / 2, 1},
		{[]string{"sony", "tv"}, []string{"sony", "tv"}, 1, 1},
		{[]string{"x"}, []string{"y"}, 0, 0},
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			a, b := tt.a, tt.b
			if swap {
				a, b = b, a
			}
			if got := TokenSetSimilarity(a, b); math.Abs(got-tt.jaccard) > 1e-12 {
				t.Errorf("TokenSetSimilarity(%q, %q) = %v, want %v", a, b, got, tt.jaccard)
			}
			if got := TokenContainment(a, b); math.Abs(got-tt.containment) > 1e-12 {
				t.Errorf("TokenContainment(%q, %q) = %v, want %v", a, b, got, tt.containment)
			}
		}
	}
}

func TestTokenSetsLarge(t *testing.T) {
	// Past tokenSetSmall the map path must agree with the quadratic one.
	var a, b []string
	for i := 0; i < 100; i++ {
		a = append(a, string(rune('A'+i%50)))    // 50 distinct
		b = append(b, string(rune('A'+25+i%50))) // 50 distinct, 25 shared
	}
	if got, want := TokenSetSimilarity(a, b), 25.0/75; math.Abs(got-want) > 1e-12 {
		t.Errorf("TokenSetSimilarity = %v, want %v", got, want)
	}
	if got, want := TokenContainment(a, b[:10]), 1.0; got != want {
		t.Errorf("TokenContainment = %v, want %v", got, want)
	}
	if got, want := TokenSetSimilarity(a[:60], b[:3]), 3.0/50; math.Abs(got-want) > 1e-12 {
		t.Errorf("TokenSetSimilarity mixed = %v, want %v", got, want)
	}
}

func TestPriceRatio(t *testing.T) {
	tests := []struct{ a, b, want float64 }{
		{100, 50, 0.5},
		{50, 100, 0.5},
		{399, 399, 1},
		{0, 10, 0},
		{-5, 10, 0},
		{10, 0, 0},
		{math.NaN(), 10, 0},
		{math.Inf(1), 10, 0},
	}
	for _, tt := range tests {
		if got := PriceRatio(tt.a, tt.b); got != tt.want {
			t.Errorf("PriceRatio(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestIdentifierAgreement(t *testing.T) {
	tests := []struct {
		a, b []string
		want Agreement
	}{
		{nil, []string{"PSLX350H"}, Missing},
		{[]string{"PSLX350H"}, nil, Missing},
		{[]string{"PSLX350H"}, []string{"PSLX350H"}, Agree},
		{[]string{"X", "PSLX350H"}, []string{"PSLX350H", "Y"}, Agree},
		{[]string{"LSC21943SS"}, []string{"LSC21943ST"}, Partial}, // colour codes
		{[]string{"SD1100"}, []string{"SD1100IS"}, Partial},
		{[]string{"TV24775"}, []string{"24775"}, Partial}, // prefix added by one shop
		{[]string{"LN52A550"}, []string{"LN52A650"}, Disagree},
		{[]string{"DSCW150"}, []string{"DSCW170"}, Disagree},
		{[]string{"AB12"}, []string{"XAB12Y1"}, Partial},
		{[]string{"1234"}, []string{"91234"}, Disagree},  // four digits: too common to mean anything
		{[]string{"161WH"}, []string{"161BK"}, Disagree}, // stem "161" too short
	}
	for _, tt := range tests {
		if got := IdentifierAgreement(tt.a, tt.b); got != tt.want {
			t.Errorf("IdentifierAgreement(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := IdentifierAgreement(tt.b, tt.a); got != tt.want {
			t.Errorf("IdentifierAgreement(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestGTINAgreement(t *testing.T) {
	g := "00036000291452"
	for _, tt := range []struct {
		a, b string
		want Agreement
	}{
		{"", g, Missing}, {g, "", Missing}, {"", "", Missing},
		{g, g, Agree}, {g, "04006381333931", Disagree},
	} {
		if got := GTINAgreement(tt.a, tt.b); got != tt.want {
			t.Errorf("GTINAgreement(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAgreementString(t *testing.T) {
	for a, want := range map[Agreement]string{Missing: "missing", Disagree: "disagree", Partial: "partial", Agree: "agree", 9: "Agreement(9)"} {
		if got := a.String(); got != want {
			t.Errorf("Agreement(%d).String() = %q, want %q", a, got, want)
		}
	}
}

func TestModelInText(t *testing.T) {
	tests := []struct {
		models []string
		title  string
		want   bool
	}{
		{[]string{"KXTG9361B"}, "Panasonic KX-TG9361B Phone", true},     // one token once normalised
		{[]string{"RM705"}, "Polk RM 705 Black", true},                  // two tokens
		{[]string{"MB111LLA"}, "Apple Mighty Mouse - MB111LL/A", true},  // "mb111ll a"
		{[]string{"DSCW150"}, "Sony Cyber-shot DSC W 150 Camera", true}, // three tokens
		{[]string{"PSLX350H"}, "Sony PSLX350 Turntable", false},         // must end at a token boundary
		{[]string{"ABC1"}, "XABC1 remote", false},                       // and start at one
		{[]string{"AB12"}, "ab 12c", false},
		{[]string{"X1"}, "x1 carbon", false}, // too short to trust
		{nil, "anything", false},
		{[]string{"PSLX350H"}, "", false},
		{[]string{"NOPE", "LN52A550"}, "Samsung LN52A550 52' LCD", true},
	}
	for _, tt := range tests {
		if got := ModelInText(tt.models, Tokens(NormalizeText(tt.title))); got != tt.want {
			t.Errorf("ModelInText(%q, %q) = %v, want %v", tt.models, tt.title, got, tt.want)
		}
	}
}

// TestModelInTextSkipsOnlyMisses: the first-byte test in ModelInText
// skips only tokens where modelAt would fail, over random titles made of
// model fragments, punctuation and words.
func TestModelInTextSkipsOnlyMisses(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	parts := []string{"kx", "tg9361b", "rm", "705", "-", "/", "mb111ll", "a", "sony", "x1", "$199", "dsc", "w", "150", ".5"}
	models := []string{"KXTG9361B", "RM705", "MB111LLA", "DSCW150", "TG9361B", "705A"}
	for trial := 0; trial < 2000; trial++ {
		var words []string
		for range 1 + rng.IntN(6) {
			w := parts[rng.IntN(len(parts))]
			if rng.IntN(3) == 0 {
				w += parts[rng.IntN(len(parts))]
			}
			words = append(words, w)
		}
		tokens := Tokens(NormalizeText(strings.Join(words, " ")))
		ms := models[rng.IntN(len(models)):][:1]
		want := false
		for i := range tokens {
			want = want || modelAt(ms[0], tokens[i:])
		}
		if got := ModelInText(ms, tokens); got != want {
			t.Fatalf("ModelInText(%q, %q) = %v, modelAt at every token says %v", ms, tokens, got, want)
		}
	}
}
