package matchers

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// Feature is a named comparison of two prepared records, a value the match
// model weighs. Every feature is defined for missing data: a comparison
// that cannot be made yields 0 and, where the absence itself carries
// information, a separate "known" indicator says so, so missing is never
// read as "different".
type Feature struct {
	Name        string
	Description string
	// Sign is the direction the feature may argue in, which training
	// keeps (TrainOptions.Signs): +1 for a similarity (more of it never
	// argues against a match), -1 for evidence against, 0 for neither
	// (an indicator that only shifts other features' meaning).
	Sign    int
	Compute func(a, b *Prepared) float64
}

// Features lists every feature a model may use, by name. The docs below
// are the levels a user sees in `linkbeam explain`.
var Features = []Feature{
	{"title_jaro_winkler", "Jaro-Winkler similarity of the normalised titles", 1,
		func(a, b *Prepared) float64 { return JaroWinkler(a.Title, b.Title) }},
	{"title_jaro", "Jaro similarity of the normalised titles", 1,
		func(a, b *Prepared) float64 { return Jaro(a.Title, b.Title) }},
	{"title_levenshtein", "1 - Levenshtein distance / longer title length", 1,
		func(a, b *Prepared) float64 { return LevenshteinRatio(a.Title, b.Title) }},
	{"title_monge_elkan", "Monge-Elkan similarity of the title tokens: each token's best Jaro-Winkler match in the other title, averaged both ways (credits spelling variants and abbreviations)", 1,
		func(a, b *Prepared) float64 { return MongeElkan(a.TitleTokens, b.TitleTokens) }},
	{"title_tfidf", "cosine of the titles' TF-IDF vectors (rare tokens such as model numbers weigh most)", 1,
		titleTFIDF},
	{"title_jaccard", "Jaccard similarity of the title token sets", 1,
		func(a, b *Prepared) float64 { return jaccard(setCounts(a.indexed().titleSet, b.indexed().titleSet)) }},
	{"title_containment", "share of the smaller title's tokens found in the other", 1,
		titleContainment},
	{"model_agree", "1 when both records have model numbers and one is shared (a declared model number stands alone for its record)", 1,
		func(a, b *Prepared) float64 { return is(modelAgreement(a, b) == Agree) }},
	{"model_disagree", "1 when both records have model numbers and none is shared", -1,
		func(a, b *Prepared) float64 { return is(modelAgreement(a, b) == Disagree) }},
	{"model_partial", "1 when model numbers only share a stem (NNSD377SS vs NNSD377S, TV24775 vs 24775)", 1,
		func(a, b *Prepared) float64 { return is(modelAgreement(a, b) == Partial) }},
	{"model_variant", "1 when model numbers differ but look alike (UN55TU7000 vs UN65TU7000): a sibling product, not another code system", -1,
		func(a, b *Prepared) float64 { return is(modelVariant(effectiveModels(a, b))) }},
	{"model_in_title", "1 when a model number of either record appears in the other's title (only the declared one when one record declares one)", 1,
		func(a, b *Prepared) float64 { return is(modelInTitle(a, b)) }},
	{"title_number_mismatch", "1 - Jaccard of the numeric title tokens other than model numbers (sizes, capacities, generations), when both titles have some", -1,
		numberMismatch},
	{"colour_agree", "1 when both titles name a colour and share one", 1,
		func(a, b *Prepared) float64 {
			ca, cb := a.indexed().colours, b.indexed().colours
			return is(ca&cb != 0)
		}},
	{"colour_mismatch", "1 when both titles name colours and share none (black vs silver): a colour variant", -1,
		func(a, b *Prepared) float64 {
			ca, cb := a.indexed().colours, b.indexed().colours
			return is(ca != 0 && cb != 0 && ca&cb == 0)
		}},
	{"gtin_agree", "1 when both records have a GTIN and they are equal", 1,
		func(a, b *Prepared) float64 { return is(GTINAgreement(a.GTIN, b.GTIN) == Agree) }},
	{"gtin_disagree", "1 when both records have a GTIN and they differ", -1,
		func(a, b *Prepared) float64 { return is(GTINAgreement(a.GTIN, b.GTIN) == Disagree) }},
	{"brand_agree", "1 when both brands are known and equal", 1,
		func(a, b *Prepared) float64 { return is(a.Brand != "" && a.Brand == b.Brand) }},
	{"brand_disagree", "1 when both brands are known and differ, and neither owns the other (Harman owns JBL)", -1,
		func(a, b *Prepared) float64 {
			return is(a.Brand != "" && b.Brand != "" && a.Brand != b.Brand && !builtinIndex().Related(a.Brand, b.Brand))
		}},
	{"price_ratio", "cheaper / dearer price when both are known in one currency, else 0", 1,
		func(a, b *Prepared) float64 {
			if !comparablePrices(a, b) {
				return 0
			}
			return PriceRatio(a.Price, b.Price)
		}},
	{"price_mismatch", "1 - cheaper / dearer price when both are known in one currency, else 0: with price_ratio, a missing price argues neither way", -1,
		func(a, b *Prepared) float64 {
			if !comparablePrices(a, b) {
				return 0
			}
			return 1 - PriceRatio(a.Price, b.Price)
		}},
	{"price_known", "1 when both prices are known in one currency", 0,
		func(a, b *Prepared) float64 { return is(comparablePrices(a, b)) }},
	{"uncoded", "1 when no code can be compared: not both records have model numbers, nor both a GTIN", 0,
		func(a, b *Prepared) float64 { return is(uncoded(a, b)) }},
	{"title_tfidf_uncoded", "title_tfidf when no code can be compared (uncoded), else 0: titles decide where codes cannot", 1,
		whenUncoded(titleTFIDF)},
	{"title_containment_uncoded", "title_containment when no code can be compared (uncoded), else 0", 1,
		whenUncoded(titleContainment)},
	{"title_shared", "when the titles have the same words (in any order) and n records of the run share that word set (Prepared.TitleCount), 1 - 1/(n-1), else 0: an identical title common to a family of look-alikes is weak evidence (Splink's term-frequency adjustment)", -1,
		titleShared},
	{"title_shared_uncoded", "title_shared when no code can be compared (uncoded), else 0", -1,
		whenUncoded(titleShared)},
	{"title_tfidf_uncoded_tf", "title_tfidf_uncoded, divided by how many other records share the title's word set (TitleCount less 1) when the titles have the same words", 1,
		titleTFIDFShared},
}

func titleTFIDF(a, b *Prepared) float64 { return Cosine(a.TFIDF, b.TFIDF) }

func titleContainment(a, b *Prepared) float64 {
	return containment(setCounts(a.indexed().titleSet, b.indexed().titleSet))
}

// whenUncoded is feature f counted only for uncoded pairs, 0 otherwise.
func whenUncoded(f func(a, b *Prepared) float64) func(a, b *Prepared) float64 {
	return func(a, b *Prepared) float64 {
		if !uncoded(a, b) {
			return 0
		}
		return f(a, b)
	}
}

// uncoded reports whether no code of the two records can be compared, so
// that codes argue neither way. Among pairs whose codes can be compared,
// look-alike siblings share almost their whole title and only the code
// tells them apart, which drives a plain title similarity's weight to
// zero; the _uncoded features let titles count where codes cannot.
func uncoded(a, b *Prepared) bool {
	return (len(a.Models) == 0 || len(b.Models) == 0) && (a.GTIN == "" || b.GTIN == "")
}

// comparableModels returns the model numbers two records are compared
// on: a record's declared one (its model number field) alone when it has
// one, because a code read from a title is often a product line ("C350",
// "G915") or a spec class ("AX1800") that many different products share;
// every code read from the title otherwise. So a declared "LKZ2322U" with
// "G915" in its title and another record's title codes "LKC6130U",
// "G915" disagree.
func comparableModels(a, b *Prepared) ([]string, []string) {
	ma, mb := a.Models, b.Models
	if a.DeclaredModel {
		ma = ma[:1]
	}
	if b.DeclaredModel {
		mb = mb[:1]
	}
	return ma, mb
}

// modelInTitle reports whether a comparable model number of one record
// is spelt in the other's title. When only one record declares a model
// number, only that one is looked for: the other's title codes appearing
// in the first title are shared line names or specs ("G915", "AX1800"),
// which title similarity already counts.
func modelInTitle(a, b *Prepared) bool {
	ma, mb := comparableModels(a, b)
	switch {
	case a.DeclaredModel && !b.DeclaredModel:
		return ModelInText(ma, b.TitleTokens)
	case b.DeclaredModel && !a.DeclaredModel:
		return ModelInText(mb, a.TitleTokens)
	}
	return ModelInText(ma, b.TitleTokens) || ModelInText(mb, a.TitleTokens)
}

func modelAgreement(a, b *Prepared) Agreement {
	ma, mb := effectiveModels(a, b)
	ag := IdentifierAgreement(ma, mb)
	if ag != Partial {
		return ag
	}
	if a.DeclaredModel && b.DeclaredModel && regionalVariant(a.Models[0], b.Models[0]) {
		return Agree
	}
	for _, x := range ma {
		for _, y := range mb {
			if finishVariant(x, y) {
				return Agree
			}
		}
	}
	return ag
}

// finishVariant reports whether two model numbers, declared or read from
// a title, are one product's code spelt with a longer or shorter finish
// code ("NNSD667S" and "NNSD667SS", "DLG2526W" and "DLG2526WH",
// "SRSA212BK" and "SRSA212BLK") or with and without a known region code
// ("FS116P" and "FS116PNA", "HTZ410" and "HTZ410XAA"). Unlike
// regionalVariant it does not accept any short suffix: a bare code and the
// same code plus a colour letter ("DVPFX820" and "DVPFX820R"), or two
// different finish codes, name sibling products. Codes of one length are
// left alone: generated and real sibling codes differ in a letter or two.
func finishVariant(x, y string) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == len(y) {
		return false
	}
	if len(x) >= 5 && hasLetter(x) && hasDigit(x) && strings.HasPrefix(y, x) && regionCodes[y[len(x):]] {
		return true
	}
	// The same finish spelt short and long: a common base of four
	// characters or more with a digit, then finish codes of one family.
	for n := 1; n <= 3 && n < len(x); n++ {
		fx, ok := finishCodes[x[len(x)-n:]]
		if !ok {
			continue
		}
		base := x[:len(x)-n]
		if len(base) < 4 || !hasDigit(base) || !strings.HasPrefix(y, base) {
			continue
		}
		if fy, ok := finishCodes[y[len(base):]]; ok && fy == fx {
			return true
		}
	}
	return false
}

// finishCodes map makers' colour and finish abbreviations to a family.
// Ambiguous ones are left out: "BL" is black at Yamaha and blue at LG,
// "G" green or gray, "L" blue at Sony.
var finishCodes = map[string]string{
	"B": "black", "BK": "black", "BLK": "black",
	"W": "white", "WH": "white", "WHT": "white", "WHI": "white",
	"S": "silver", "SS": "silver", "SL": "silver", "SLV": "silver", "SIL": "silver",
	"P": "pink", "PK": "pink", "PNK": "pink",
	"R": "red", "RD": "red",
}

// regionCodes are market suffixes shops drop ("FS116PNA", "MB111LL/A",
// "HT-Z410/XAA").
var regionCodes = setOf("NA", "XAA", "LLA", "ZA", "UC", "US", "EU", "UK")

// regionalVariant reports whether two declared model numbers are one
// product's code with and without a short regional or retail suffix
// ("OLED65C3" and "OLED65C3PUA" or "OLED65C36LC"): the shorter, of six
// characters or more mixing letters and digits, starts the longer, which
// adds one to three characters. Codes read from titles are left out: a
// title's "LKQ8421" is often a code written apart ("LKQ8421 U") that
// names a sibling of "LKQ8421R".
func regionalVariant(x, y string) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	return len(x) >= 6 && len(y)-len(x) >= 1 && len(y)-len(x) <= 3 &&
		hasLetter(x) && hasDigit(x) && strings.HasPrefix(y, x)
}

// effectiveModels are the comparable model numbers (comparableModels),
// except that when the two records share a code but each has a longer
// one the other lacks, only those longest codes are compared: "Logitech
// LMP224GBK G502" and "Logitech G502 LMQ732YBK" are two G502 mice, the
// shared "G502" being their product line.
func effectiveModels(a, b *Prepared) ([]string, []string) {
	ma, mb := comparableModels(a, b)
	if len(ma) < 2 && len(mb) < 2 {
		return ma, mb
	}
	ia, ib := longestModel(ma), longestModel(mb)
	if ia < 0 || ib < 0 {
		return ma, mb
	}
	la, lb := ma[ia], mb[ib]
	if la == lb || indexOf(mb, la) >= 0 || indexOf(ma, lb) >= 0 {
		return ma, mb
	}
	shared := ""
	for _, x := range ma {
		if indexOf(mb, x) >= 0 && len(x) > len(shared) {
			shared = x
		}
	}
	if shared == "" {
		return ma, mb
	}
	return ma[ia : ia+1], mb[ib : ib+1]
}

// longestModel returns the index of the longest of models, the first of
// equals, or -1 when there are none.
func longestModel(models []string) int {
	l := -1
	for i, m := range models {
		if l < 0 || len(m) > len(models[l]) {
			l = i
		}
	}
	return l
}

// variantSimilarity is the Jaro-Winkler similarity from which two
// different model numbers count as variants of one product line. Codes
// from different systems (a retailer's AM53BK, the maker's 21725) score far
// below it; siblings that differ in a size or colour digit score above.
const variantSimilarity = 0.85

func modelVariant(a, b []string) bool {
	if IdentifierAgreement(a, b) != Disagree {
		return false
	}
	for _, x := range a {
		for _, y := range b {
			if JaroWinkler(x, y) >= variantSimilarity {
				return true
			}
		}
	}
	return false
}

// numberMismatch compares the title tokens that carry digits ("55in",
// "128gb", "40d") apart from the records' own model numbers: look-alike
// siblings differ exactly there, while the same product described by two
// shops keeps its numbers and varies its words.
func numberMismatch(a, b *Prepared) float64 {
	na, nb, inter := setCounts(a.indexed().numericSet, b.indexed().numericSet)
	if na == 0 || nb == 0 {
		return 0
	}
	return 1 - jaccard(na, nb, inter)
}

// numericToken reports whether a title token has a digit and is not one of
// the record's model numbers.
func numericToken(t string, models []string) bool {
	if !strings.ContainsAny(t, "0123456789") {
		return false
	}
	for _, m := range models {
		if sameAlnum(t, m) || modelWithColour(t, m) {
			return false
		}
	}
	return true
}

// modelWithColour reports whether token t spells model m with a colour
// word glued on ("dcb-309black" for "DCB309"), as stripGluedColour reads
// it: the token is the model number, not a size or capacity.
func modelWithColour(t, m string) bool {
	i, j := 0, 0
	for ; i < len(t) && j < len(m); i++ {
		if !isAlnum(t[i]) {
			continue
		}
		if lower(t[i]) != lower(m[j]) {
			return false
		}
		j++
	}
	if j < len(m) {
		return false
	}
	var buf [16]byte
	w := buf[:0]
	for ; i < len(t); i++ {
		c := t[i]
		if !isAlnum(c) {
			continue
		}
		if len(w) == len(buf) {
			return false
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		w = append(w, c)
	}
	return gluedColours[string(w)]
}

// sameAlnum compares the letters and digits of a and b, ignoring case and
// everything else, without allocating.
func sameAlnum(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && !isAlnum(a[i]) {
			i++
		}
		for j < len(b) && !isAlnum(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func comparablePrices(a, b *Prepared) bool {
	return a.HasPrice && b.HasPrice && a.Price > 0 && b.Price > 0 &&
		(a.Currency == b.Currency || a.Currency == "" || b.Currency == "")
}

func is(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// FeatureNames returns the names of every available feature, sorted.
func FeatureNames() []string {
	names := make([]string, len(Features))
	for i, f := range Features {
		names[i] = f.Name
	}
	sort.Strings(names)
	return names
}

// FeatureSet computes a model's features, in the model's order.
type FeatureSet struct {
	fns []func(a, b *Prepared) float64
}

// NewFeatureSet resolves feature names, those of Features and the level
// indicators of Comparisons; unknown names are an error that lists the
// known ones.
func NewFeatureSet(names []string) (*FeatureSet, error) {
	byName := map[string]func(a, b *Prepared) float64{}
	for _, f := range Features {
		byName[f.Name] = f.Compute
	}
	fs := &FeatureSet{}
	var unknown []string
	for _, n := range names {
		fn, ok := byName[n]
		if !ok { // "comparison=level": a level indicator of Comparisons
			fn, ok = levelIndicator(n, byName)
		}
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		fs.fns = append(fs.fns, fn)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown features %s (known: %s)",
			strings.Join(unknown, ", "), strings.Join(FeatureNames(), ", "))
	}
	return fs, nil
}

// FeatureSigns returns the Sign of each named feature, 0 for a name that
// is not a feature.
func FeatureSigns(names []string) []int {
	signs := make([]int, len(names))
	for i, n := range names {
		for _, f := range Features {
			if f.Name == n {
				signs[i] = f.Sign
			}
		}
	}
	return signs
}

// Compute appends the features of the pair (a, b) to dst.
func (fs *FeatureSet) Compute(a, b *Prepared, dst []float64) []float64 {
	for _, fn := range fs.fns {
		dst = append(dst, fn(a, b))
	}
	return dst
}

//go:embed default_model.json
var defaultModelJSON []byte

// DefaultModel returns the match model shipped in the binary; see
// default_model.json for what it was trained on.
func DefaultModel() *Model {
	m, err := LoadModel(bytes.NewReader(defaultModelJSON))
	if err != nil {
		panic(fmt.Sprintf("embedded default model: %v", err))
	}
	return m
}
