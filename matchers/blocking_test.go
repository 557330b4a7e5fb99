package matchers

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func bkPrep(brand, title string, models ...string) *Prepared {
	return &Prepared{Brand: brand, Title: title, TitleTokens: strings.Fields(title), Models: models}
}

func TestBlockingRuleKeys(t *testing.T) {
	tests := []struct {
		name string
		rule BlockingRule
		p    *Prepared
		want []string
	}{
		{"model numbers, short one skipped", ModelNumberRule{}, bkPrep("", "", "kd55x85j", "x85", "kd55x85j"), []string{"mn:kd55x85j"}},
		{"model number exactly 4", ModelNumberRule{}, bkPrep("", "", "a123"), []string{"mn:a123"}},
		{"no model numbers", ModelNumberRule{}, bkPrep("sony", "sony tv"), nil},
		{"model written apart: joined with short neighbours", ModelNumberRule{},
			bkPrep("sony", "sony wh 1700gt2 bl headphones", "1700GT2"),
			[]string{"mn:1700GT2", "mn:WH1700GT2", "mn:1700GT2BL", "mn:WH1700GT2BL"}},
		{"long neighbours and punctuation are not affixes", ModelNumberRule{},
			bkPrep("", "headphones 1700gt2 3.5mm", "1700GT2"), []string{"mn:1700GT2"}},
		{"a joined key equal to a model is not repeated", ModelNumberRule{},
			bkPrep("", "mu xn338 5t", "MUXN3385T", "XN338"),
			[]string{"mn:MUXN3385T", "mn:XN338", "mn:MUXN338", "mn:XN3385T"}},
		{"short model tokens are not joined", ModelNumberRule{},
			bkPrep("", "sp x85 j", "X85"), nil},
		{"gtin", GTINRule{}, &Prepared{GTIN: "00012345678905"}, []string{"gtin:00012345678905"}},
		{"no gtin", GTINRule{}, &Prepared{}, nil},
		{"brand then non-brand tokens", BrandTitleRule{}, bkPrep("sony", "bravia sony kd55 led tv"), []string{"bt2:sony bravia kd55"}},
		{"unknown brand takes N+1 tokens", BrandTitleRule{}, bkPrep("", "sony bravia kd55 led"), []string{"bt2:sony bravia kd55"}},
		{"multi-word brand", BrandTitleRule{Tokens: 1}, bkPrep("hewlett packard", "hewlett packard envy 13"), []string{"bt1:hewlett packard envy"}},
		{"short title uses what it has", BrandTitleRule{Tokens: 3}, bkPrep("apple", "apple ipad"), []string{"bt3:apple ipad"}},
		{"brand only gives no key", BrandTitleRule{}, bkPrep("apple", "apple"), nil},
		{"empty title gives no key", BrandTitleRule{}, bkPrep("", ""), nil},
		{"title tokens", TitleTokensRule{}, bkPrep("", "the sony kd55 tv with stand sony"), []string{"tt3:sony", "tt3:kd55", "tt3:stand"}},
		{"digits beat stopword and short min", TitleTokensRule{MinLen: 2}, bkPrep("", "a 55 in pack x2"), []string{"tt2:55", "tt2:x2"}},
		{"no tokens", TitleTokensRule{}, bkPrep("", ""), nil},
		{"lsh no tokens", TitleLSHRule{}, bkPrep("", ""), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pre := []string{"keep"}
			got := tt.rule.Keys(tt.p, pre)
			if got[0] != "keep" {
				t.Fatalf("Keys overwrote dst: %q", got)
			}
			if !slices.Equal(got[1:], tt.want) && !(len(got) == 1 && len(tt.want) == 0) {
				t.Errorf("%s.Keys = %q, want %q", tt.rule.Name(), got[1:], tt.want)
			}
		})
	}
}

func TestBlockingRuleNames(t *testing.T) {
	tests := []struct {
		rule BlockingRule
		want string
	}{
		{ModelNumberRule{}, "model_number"},
		{GTINRule{}, "gtin"},
		{BrandTitleRule{}, "brand_title(tokens=2)"},
		{BrandTitleRule{Tokens: 3}, "brand_title(tokens=3)"},
		{TitleTokensRule{}, "title_tokens(min_len=3)"},
		{TitleLSHRule{}, "title_lsh(bands=8,rows=4,seed=0)"},
		{TitleLSHRule{Bands: 8, Rows: 2, Seed: 7}, "title_lsh(bands=8,rows=2,seed=7)"},
	}
	for _, tt := range tests {
		if got := tt.rule.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}

// TestBlockingKeyPrefixesDisjoint checks that no key of one rule can be a
// key of another, even with equal values: "sony" under every rule.
func TestBlockingKeyPrefixesDisjoint(t *testing.T) {
	p := &Prepared{Brand: "sony", TitleTokens: []string{"sony", "sony", "sony"}, Models: []string{"sony"}, GTIN: "sony"}
	rules := []BlockingRule{ModelNumberRule{}, GTINRule{}, BrandTitleRule{Tokens: 1}, BrandTitleRule{Tokens: 2},
		TitleTokensRule{MinLen: 3}, TitleTokensRule{MinLen: 4}, TitleLSHRule{Bands: 2, Rows: 1}, TitleLSHRule{Bands: 2, Rows: 1, Seed: 1}}
	seen := map[string]string{}
	for _, r := range rules {
		keys := r.Keys(&Prepared{Brand: "", TitleTokens: p.TitleTokens, Models: p.Models, GTIN: p.GTIN}, nil)
		keys = r.Keys(p, keys)
		for _, k := range keys {
			if prev, ok := seen[k]; ok && prev != r.Name() {
				t.Errorf("key %q from %s and %s", k, prev, r.Name())
			}
			seen[k] = r.Name()
		}
	}
}

func TestTitleLSHKeys(t *testing.T) {
	r := TitleLSHRule{}
	a := r.Keys(bkPrep("", "sony bravia kd55x85j 55 inch 4k tv"), nil)
	if len(a) != DefaultLSHBands {
		t.Fatalf("got %d keys, want %d", len(a), DefaultLSHBands)
	}
	for band, k := range a {
		prefix := "lsh8x4s0:" + strconv.Itoa(band) + ":"
		if !strings.HasPrefix(k, prefix) || len(k) != len(prefix)+16 {
			t.Errorf("key %q: want %q + 16 hex digits", k, prefix)
		}
	}
	// A set: word order and repeats do not matter.
	b := r.Keys(bkPrep("", "4k tv 55 inch sony sony bravia kd55x85j"), nil)
	if !slices.Equal(a, b) {
		t.Errorf("permuted title changed keys:\n%q\n%q", a, b)
	}
	// Deterministic across calls, different across seeds.
	if c := r.Keys(bkPrep("", "sony bravia kd55x85j 55 inch 4k tv"), nil); !slices.Equal(a, c) {
		t.Error("same title gave different keys")
	}
	d := TitleLSHRule{Seed: 1}.Keys(bkPrep("", "sony bravia kd55x85j 55 inch 4k tv"), nil)
	for i := range d {
		if d[i][strings.LastIndexByte(d[i], ':'):] == a[i][strings.LastIndexByte(a[i], ':'):] {
			t.Errorf("band %d has the same signature under seeds 0 and 1", i)
		}
	}
}

// TestTitleLSHGolden pins the hash, so a change that would re-block a
// stored dataset differently shows up here.
func TestTitleLSHGolden(t *testing.T) {
	got := TitleLSHRule{Bands: 2, Rows: 2}.Keys(bkPrep("", "sony tv"), nil)
	want := []string{"lsh2x2s0:0:" + bkGoldenSig(0, 2, "sony", "tv"), "lsh2x2s0:1:" + bkGoldenSig(1, 2, "sony", "tv")}
	if !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
	if FNV1a("a") != 0xaf63dc4c8601ec8c { // published FNV-1a 64 test vector
		t.Errorf("FNV-1a(a) = %#x", FNV1a("a"))
	}
	if bkSplitMix(0, 0) != 0xe220a8397b1dcdaf { // first splitmix64 output for seed 0
		t.Errorf("splitmix64(0)[0] = %#x", bkSplitMix(0, 0))
	}
}

// bkGoldenSig recomputes a band signature the slow, obvious way.
func bkGoldenSig(band, rows int, tokens ...string) string {
	sig := uint64(fnvOffset)
	for row := 0; row < rows; row++ {
		salt := bkSplitMix(0, uint64(band*rows+row))
		m := ^uint64(0)
		for _, t := range tokens {
			m = min(m, bkMix64(FNV1a(t)^salt))
		}
		sig = bkMix64(sig ^ m)
	}
	return fmt.Sprintf("%016x", sig)
}

// TestTitleLSHCollisionRate checks the S-curve documented on TitleLSHRule:
// titles of Jaccard similarity s share a key with probability
// 1-(1-s^4)^8 (the default 8 bands of 4 rows).
func TestTitleLSHCollisionRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		shared, each int // |A∩B|, |A\B| = |B\A|
		want         float64
	}{
		{10, 5, 0.403}, // s = 10/20 = 0.5
		{14, 3, 0.889}, // s = 14/20 = 0.7
		{4, 6, 0.031},  // s = 4/16 = 0.25
	}
	const trials = 2000
	for _, tt := range tests {
		hits := 0
		for trial := 0; trial < trials; trial++ {
			var a, b []string
			for i := 0; i < tt.shared; i++ {
				w := "w" + strconv.FormatUint(rng.Uint64(), 36)
				a, b = append(a, w), append(b, w)
			}
			for i := 0; i < tt.each; i++ {
				a = append(a, "a"+strconv.FormatUint(rng.Uint64(), 36))
				b = append(b, "b"+strconv.FormatUint(rng.Uint64(), 36))
			}
			ka := TitleLSHRule{}.Keys(&Prepared{TitleTokens: a}, nil)
			kb := TitleLSHRule{}.Keys(&Prepared{TitleTokens: b}, nil)
			for i := range ka {
				if ka[i] == kb[i] {
					hits++
					break
				}
			}
		}
		if got := float64(hits) / trials; got < tt.want-0.04 || got > tt.want+0.04 {
			t.Errorf("Jaccard %d/%d: collision rate %.3f, want %.3f±0.04", tt.shared, tt.shared+2*tt.each, got, tt.want)
		}
	}
}

func TestParseBlockingRule(t *testing.T) {
	tests := []struct {
		spec    BlockingRuleSpec
		want    string // Name of the rule, or a substring of the error
		wantErr error
	}{
		{BlockingRuleSpec{Rule: "model_number"}, "model_number", nil},
		{BlockingRuleSpec{Rule: "gtin"}, "gtin", nil},
		{BlockingRuleSpec{Rule: "brand_title"}, "brand_title(tokens=2)", nil},
		{BlockingRuleSpec{Rule: "brand_title", Tokens: 3}, "brand_title(tokens=3)", nil},
		{BlockingRuleSpec{Rule: "title_tokens", MinLen: 4}, "title_tokens(min_len=4)", nil},
		{BlockingRuleSpec{Rule: "title_lsh"}, "title_lsh(bands=8,rows=4,seed=0)", nil},
		{BlockingRuleSpec{Rule: "title_lsh", Bands: 20, Rows: 5}, "title_lsh(bands=20,rows=5,seed=0)", nil},
		{BlockingRuleSpec{Rule: "title_words_lsh", Rows: 3}, "title_words_lsh(bands=12,rows=3,seed=0)", nil},
		{BlockingRuleSpec{Rule: "gtin", Bands: 3}, "bands does not apply", ErrBlockingRuleParam},
		{BlockingRuleSpec{Rule: "soundex"}, `unknown blocking rule "soundex" (want one of`, ErrUnknownBlockingRule},
		{BlockingRuleSpec{}, `unknown blocking rule ""`, ErrUnknownBlockingRule},
		{BlockingRuleSpec{Rule: "gtin", Tokens: 2}, `blocking rule "gtin": bad blocking rule parameter: tokens does not apply to this rule`, ErrBlockingRuleParam},
		{BlockingRuleSpec{Rule: "brand_title", Tokens: -1}, "tokens must not be negative, got -1", ErrBlockingRuleParam},
		{BlockingRuleSpec{Rule: "title_lsh", Bands: 100, Rows: 100}, "bands*rows = 100*100 exceeds 4096", ErrBlockingRuleParam},
	}
	for _, tt := range tests {
		r, err := ParseBlockingRule(tt.spec)
		switch {
		case tt.wantErr == nil && err != nil:
			t.Errorf("%+v: %v", tt.spec, err)
		case tt.wantErr == nil && r.Name() != tt.want:
			t.Errorf("%+v: rule %s, want %s", tt.spec, r.Name(), tt.want)
		case tt.wantErr != nil && (err == nil || !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: error %v, want %v containing %q", tt.spec, err, tt.wantErr, tt.want)
		}
	}
}

func TestParseBlockingRuleReportsAllProblems(t *testing.T) {
	_, err := ParseBlockingRule(BlockingRuleSpec{Rule: "title_lsh", Bands: -1, Tokens: 2, MinLen: 3})
	for _, want := range []string{"bands must not be negative", "tokens does not apply", "min_len does not apply"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
	_, err = ParseBlockingRules([]BlockingRuleSpec{{Rule: "gtin"}, {Rule: "nope"}, {Rule: "brand_title"}, {Rule: "brand_title", Tokens: 2}})
	for _, want := range []string{"blocking rules[1]: unknown blocking rule", "blocking rules[3]: bad blocking rule parameter: brand_title(tokens=2) repeats rules[2]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
	rules, err := ParseBlockingRules([]BlockingRuleSpec{{Rule: "gtin"}, {Rule: "title_lsh"}})
	if err != nil || len(rules) != 2 || rules[1].Name() != "title_lsh(bands=8,rows=4,seed=0)" {
		t.Errorf("ParseBlockingRules = %v, %v", rules, err)
	}
}

func TestBlockingKeysDoNotAllocateForDuplicates(t *testing.T) {
	p := bkPrep("", "", "abcd", "abcd", "abcd")
	dst := make([]string, 0, 8)
	if n := testing.AllocsPerRun(100, func() { ModelNumberRule{}.Keys(p, dst) }); n != 1 {
		t.Errorf("%v allocations, want 1 (the single distinct key)", n)
	}
}

func ExampleParseBlockingRule() {
	p := &Prepared{
		Brand:       "sony",
		TitleTokens: []string{"sony", "bravia", "kd55x85j", "55", "inch", "tv"},
		Models:      []string{"kd55x85j"},
	}
	for _, spec := range []BlockingRuleSpec{{Rule: "model_number"}, {Rule: "brand_title"}, {Rule: "title_tokens"}} {
		rule, err := ParseBlockingRule(spec)
		if err != nil {
			panic(err)
		}
		fmt.Println(rule.Name(), rule.Keys(p, nil))
	}
	// Output:
	// model_number [mn:kd55x85j]
	// brand_title(tokens=2) [bt2:sony bravia kd55x85j]
	// title_tokens(min_len=3) [tt3:sony tt3:bravia tt3:kd55x85j]
}

func TestTitleWordsLSHKeys(t *testing.T) {
	words := TitleLSHRule{Words: true}
	if got, want := words.Name(), "title_words_lsh(bands=12,rows=4,seed=0)"; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	// The brand's words, numbers and stopwords are dropped: both titles
	// hash the set {print, shop, software}.
	a := words.Keys(bkPrep("encore", "encore software 32179 the print shop 22"), nil)
	b := words.Keys(bkPrep("", "print shop software"), nil)
	if len(a) != DefaultWordsLSHBands || !slices.Equal(a, b) {
		t.Fatalf("keys %q and %q: want the same %d keys", a, b, DefaultWordsLSHBands)
	}
	// The same MinHash as title_lsh of those words, under its own prefix.
	plain := TitleLSHRule{Bands: DefaultWordsLSHBands}.Keys(bkPrep("", "software print shop"), nil)
	for i := range a {
		if want := "lshw" + strings.TrimPrefix(plain[i], "lsh"); a[i] != want {
			t.Errorf("key %d = %q, want %q", i, a[i], want)
		}
	}
	if got := words.Keys(bkPrep("sony", "sony 32179 - 22 with"), nil); len(got) != 0 {
		t.Errorf("title of brand, numbers and stopwords only: keys %q, want none", got)
	}
}
