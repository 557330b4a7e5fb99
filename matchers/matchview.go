// Package matchers is linkbeam's matching core: normalisers, identifier
// extraction, comparators, blocking keys, the logistic match model,
// clustering and survivorship. It is plain Go with no Beam import, so every
// piece is unit-tested and benchmarked on its own.
package matchers

import (
	"math"
	"slices"
	"strings"
)

// Fields are the raw product fields matching looks at. The Beam transforms
// fill it from the unified record; matchers does not import schemas so that
// the hot code stays free of I/O dependencies.
type Fields struct {
	Source       string
	Title        string
	Description  string
	Brand        string
	Manufacturer string
	ModelNumber  string
	GTIN         string
	Price        float64
	HasPrice     bool
	Currency     string
}

// Prepared is a record's matching view, computed once per record and then
// compared against many candidates.
type Prepared struct {
	Source      string
	Title       string   // normalised title: folded, lower case, single spaces
	TitleTokens []string // tokens of Title, in order
	Brand       string   // normalised brand; "" when unknown
	Models      []string // normalised model numbers / MPNs, most likely first
	// DeclaredModel: Models[0] is the record's own model number field, not
	// a code read from its title or description.
	DeclaredModel bool
	GTIN          string // normalised GTIN-14; "" when absent or invalid
	Price         float64
	HasPrice      bool
	Currency      string
	TFIDF         SparseVector // unit-length TF-IDF vector of TitleTokens; nil until weighted
	// TitleCount is how many records of the corpus have the word set of
	// this title (TitleCounts), this one included; 0 until weighted, or
	// when the corpus's title counts were not computed.
	TitleCount int32
	// Text sketches the title and the description's opening
	// (TextSketch): not a feature, only an order among equally scored
	// pairs for clustering.
	Text TextSketch

	// Token sets derived from Title and Models by Prepare and Reindex,
	// so that comparing against many candidates is a merge of two sorted
	// integer lists: FNV-1a hashes of the distinct title tokens, and of
	// the distinct title tokens with a digit that are not model numbers.
	titleSet   []uint64
	numericSet []uint64
	colours    colourSet // colour families the title names
}

// maxFallbackTitle bounds how much of a description stands in for a
// missing title: the opening words name the product, the rest would only
// dilute title similarities.
const maxFallbackTitle = 200

// Prepare computes a record's matching view once, so that comparing it
// with many candidates costs no further parsing:
//
//   - Title: NormalizeText of the title, or of the description's first
//     200 bytes (cut at a space) when the title is empty; TitleTokens its
//     tokens.
//   - Brand: the Brand field, else Manufacturer, each through
//     brands.Normalize; else the brand brands.Detect finds in the title.
//     A field naming a company that owns the brand the title names
//     ("Harman International", "JBL Charge 5") gives the title's brand.
//   - Models: the ModelNumber field (NormalizeModel) first, marked
//     DeclaredModel, then ExtractModelNumbers of title and description,
//     without duplicates and without the brand itself ("Twenty20").
//   - GTIN: NormalizeGTIN of the GTIN field, else ExtractGTIN of the title.
//   - Price: kept only when HasPrice and positive and finite; Currency is
//     trimmed and upper-cased.
//
// TFIDF is left nil: IDF statistics need a pass over all records, after
// which the caller weighs p with idf.Weigh(p). A nil brands
// means DefaultBrandIndex().
func Prepare(f Fields, brands *BrandIndex) Prepared {
	p := PrepareFields(f, brands)
	p.index()
	return p
}

// PrepareFields is Prepare without the derived token sets that only
// comparisons read: what blocking keys and the candidate encoding need.
// Reindex adds the sets; a comparison of two such views computes them
// on each call instead.
func PrepareFields(f Fields, brands *BrandIndex) Prepared {
	if brands == nil {
		brands = builtinIndex()
	}
	p := Prepared{Source: f.Source}

	title, desc := f.Title, f.Description
	extractTitle := title
	if strings.TrimSpace(title) == "" {
		title, extractTitle = cutAtSpace(desc, maxFallbackTitle), ""
	}
	p.Title = NormalizeText(title)
	p.TitleTokens = Tokens(p.Title)
	p.Text = textSketch(p.TitleTokens, desc)

	p.Brand = brands.Normalize(f.Brand)
	if p.Brand == "" {
		p.Brand = brands.Normalize(f.Manufacturer)
	}
	if p.Brand == "" {
		p.Brand = brands.detectTokens(p.TitleTokens)
	} else {
		p.Brand = brands.ownedBrand(p.Brand, p.TitleTokens)
	}

	brandCode := strings.ToUpper(strings.ReplaceAll(p.Brand, " ", ""))
	extracted := ExtractModelNumbers(extractTitle, desc)
	models := make([]string, 0, len(extracted)+1)
	if m := NormalizeModel(f.ModelNumber); m != "" {
		models = append(models, m)
		p.DeclaredModel = true
	}
	for _, m := range extracted {
		if m != brandCode && indexOf(models, m) < 0 {
			models = append(models, m)
		}
	}
	if len(models) > 0 {
		p.Models = models
	}

	p.GTIN = NormalizeGTIN(f.GTIN)
	if p.GTIN == "" {
		p.GTIN = ExtractGTIN(f.Title)
	}

	if f.HasPrice && f.Price > 0 && !math.IsInf(f.Price, 1) {
		p.Price, p.HasPrice = f.Price, true
	}
	p.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	return p
}

// cutAtSpace returns at most n bytes of s, cut at the last space before
// the limit when there is one.
func cutAtSpace(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i]
	}
	return s[:n]
}

// Reindex recomputes TitleTokens and the derived token sets from Title and
// Models, for a Prepared rebuilt from its fields (a decoder's output).
func (p *Prepared) Reindex() {
	p.TitleTokens = Tokens(p.Title)
	p.index()
}

func (p *Prepared) index() {
	p.titleSet = tokenSet(p.TitleTokens)
	p.numericSet = nil
	for i, t := range p.TitleTokens {
		if numericToken(t, p.Models) && !modelAffixAt(p.TitleTokens, i, p.Models) {
			p.numericSet = append(p.numericSet, FNV1a(t))
		}
	}
	p.numericSet = sortedSet(p.numericSet)
	p.colours = titleColours(p.TitleTokens, p.Models)
}

// indexed returns p's derived sets, computing them for a Prepared that was
// built by hand rather than by Prepare or Reindex.
func (p *Prepared) indexed() *Prepared {
	if p.titleSet != nil || len(p.TitleTokens) == 0 { // indexed, or nothing to index
		return p
	}
	q := *p
	q.index()
	return &q
}

// modelAffixAt reports whether toks[i] is part of a model number written
// apart rather than a size or capacity: a short part beside a model
// number ("128" of "xqry701 128", "2t" of "mu xd219 2t"; units such as
// "55in" or "2tb" never are), or a token of four characters or more
// inside one ("27vl958" of "hm 27vl958" for the declared "HM27VL958").
func modelAffixAt(toks []string, i int, models []string) bool {
	t := toks[i]
	if len(models) == 0 {
		return false
	}
	if len(t) >= MinModelNumberLen {
		return insideModel(t, models)
	}
	if !isModelAffix(t) {
		return false
	}
	var up [4]byte
	for k := 0; k < len(t); k++ {
		up[k] = upperASCII(t[k])
	}
	if unitLike(string(up[:len(t)])) {
		return false
	}
	return i > 0 && isModelToken(toks[i-1], models) ||
		i+1 < len(toks) && isModelToken(toks[i+1], models)
}

// insideModel reports whether the lower-case ASCII token tok, upper-cased,
// is a substring of one of models.
func insideModel(tok string, models []string) bool {
	for k := 0; k < len(tok); k++ {
		if !isAlnumByte(tok[k]) {
			return false
		}
	}
	for _, m := range models {
		for off := 0; off+len(tok) <= len(m); off++ {
			k := 0
			for k < len(tok) && upperASCII(tok[k]) == m[off+k] {
				k++
			}
			if k == len(tok) {
				return true
			}
		}
	}
	return false
}

func sortedSet(s []uint64) []uint64 {
	slices.Sort(s)
	return slices.Compact(s)
}

// setCounts returns the sizes of two sorted sets and of their intersection.
func setCounts(a, b []uint64) (na, nb, inter int) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return len(a), len(b), inter
}

// SparseVector is a sparse vector sorted by Term.
type SparseVector []Weight

// Weight is one term of a SparseVector. The term is its token's 64-bit
// FNV-1a hash: comparing vectors compares integers, and millions of
// vectors held for scoring carry no pointers for the collector to trace.
type Weight struct {
	Term  uint64
	Value float64
}
