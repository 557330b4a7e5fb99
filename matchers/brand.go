package matchers

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

//go:embed brands.txt
var builtinBrands string

// BrandIndex finds brands in titles and maps brand spellings to one
// canonical name. It is read-only once built, so one index can be shared
// by all workers.
//
// Names are compared after NormalizeText with the spaces removed, so
// "Western Digital", "WesternDigital" and "western-digital" are one key,
// and a brand is recognised over up to four title tokens.
type BrandIndex struct {
	names    map[string]brandEntry // space-free normalised name → entry
	maxWords int
	// parents maps a canonical brand to the canonical names of the
	// companies that own it (brands.txt "Parent > Brand" lines).
	parents map[string][]string
	owners  map[string]bool // canonical names that own a brand
}

type brandEntry struct {
	canonical string
	startOnly bool // a common word: trusted only at the start of a title
}

// maxBrandWords bounds how many title tokens one brand name may span.
const maxBrandWords = 4

// NewBrandIndex returns an index of the built-in brands (brands.txt:
// consumer electronics and computer makers) plus the given ones. Each
// given entry is a brand name, or "canonical|alias|alias..." to declare
// spellings of one brand, optionally prefixed with "^" for a brand that is
// also a common word (detected only at the start of a title). An entry
// that names a known brand (after dropping corporate suffixes such as
// "Inc" or "Electronics"), starts with one ("Canon Camcorders") or
// contains one ("SDI Technologies - iHome") becomes an alias of it.
// Entries without letters, such as "219", and placeholders such as
// "Unknown" are ignored, which makes a shop's raw manufacturer column
// usable as is.
func NewBrandIndex(brands []string) *BrandIndex {
	idx := builtinIndex().clone()
	for _, line := range brands {
		idx.addLine(line, false)
	}
	return idx
}

// DefaultBrandIndex returns the shared index of the built-in brands.
func DefaultBrandIndex() *BrandIndex { return builtinIndex() }

var builtinIndex = sync.OnceValue(func() *BrandIndex {
	idx := &BrandIndex{names: make(map[string]brandEntry, 512),
		parents: map[string][]string{}, owners: map[string]bool{}}
	var relations []string
	for line := range strings.Lines(builtinBrands) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.Contains(line, ">") {
			relations = append(relations, line) // after every brand is known
			continue
		}
		idx.addLine(line, true)
	}
	for _, line := range relations {
		parent, brands, _ := strings.Cut(line, ">")
		p := idx.normalize(parent)
		for b := range strings.SplitSeq(brands, ",") {
			if c := idx.normalize(b); c != "" && p != "" && c != p {
				idx.parents[c] = append(idx.parents[c], p)
				idx.owners[p] = true
			}
		}
	}
	return idx
})

func (idx *BrandIndex) clone() *BrandIndex {
	c := &BrandIndex{names: make(map[string]brandEntry, len(idx.names)+64), maxWords: idx.maxWords,
		parents: idx.parents, owners: idx.owners} // relations are built-in only: shared read-only
	for k, v := range idx.names {
		c.names[k] = v
	}
	return c
}

// Related reports whether canonical brands a and b differ and one owns
// the other ("harman" and "jbl", "apple" and "beats").
func (idx *BrandIndex) Related(a, b string) bool {
	if idx == nil {
		idx = builtinIndex()
	}
	if a == b || a == "" || b == "" {
		return false
	}
	return slices.Contains(idx.parents[a], b) || slices.Contains(idx.parents[b], a)
}

// ownedBrand returns the brand titleToks name when brand owns it: a record
// filed under its maker's corporate name ("Harman International") whose
// title names the maker's brand ("JBL Charge 5") is a JBL. Otherwise it
// returns brand.
func (idx *BrandIndex) ownedBrand(brand string, titleToks []string) string {
	if !idx.owners[brand] {
		return brand
	}
	if t := idx.detectTokens(titleToks); idx.Related(t, brand) {
		return t
	}
	return brand
}

// addLine adds "[^]canonical|alias|...".
func (idx *BrandIndex) addLine(line string, builtin bool) {
	startOnly := strings.HasPrefix(line, "^")
	line = strings.TrimPrefix(line, "^")
	first, aliases, _ := strings.Cut(line, "|")
	toks := brandTokens(first)
	if len(toks) == 0 {
		return
	}
	canonical := strings.Join(toks, " ")
	if e, ok := idx.lookup(toks); ok {
		canonical = e.canonical // a known brand under another spelling
	} else if !builtin {
		// A shop's manufacturer value that names a known brand:
		// "Canon Camcorders", "SDI Technologies - iHome".
		if b := idx.detectTokens(toks); b != "" {
			canonical = b
		}
	}
	e := brandEntry{canonical: canonical, startOnly: startOnly}
	idx.add(toks, e)
	if full := Tokens(NormalizeText(first)); len(full) != len(toks) {
		idx.add(full, e) // with its corporate suffix, as some titles have it
	}
	for aliases != "" {
		var a string
		a, aliases, _ = strings.Cut(aliases, "|")
		ae := e
		if strings.HasPrefix(a, "^") {
			a, ae.startOnly = a[1:], true // a common word: only at the start
		}
		if t := brandTokens(a); len(t) > 0 {
			idx.add(t, ae)
		}
	}
}

func (idx *BrandIndex) add(toks []string, e brandEntry) {
	if len(toks) > maxBrandWords {
		return
	}
	key := strings.Join(toks, "")
	if _, ok := idx.names[key]; ok {
		return // first spelling wins; built-ins come first
	}
	idx.names[key] = e
	idx.maxWords = max(idx.maxWords, len(toks))
}

func (idx *BrandIndex) lookup(toks []string) (brandEntry, bool) {
	var buf [64]byte
	k := buf[:0]
	for _, t := range toks {
		k = append(k, t...)
	}
	e, ok := idx.names[string(k)]
	return e, ok
}

// Detect returns the canonical brand named in a product title, or "". A
// brand at the start of the title wins ("Sony Turntable - PSLX350H" →
// "sony"); otherwise the first brand found anywhere, except right after
// "for", "with", "fits" and the like ("Case for Apple iPod" does not give
// "apple") and except brands that are also common words ("Sharp", "Monster").
// Among brands starting at one token the longest wins ("Western Digital"
// over a brand "Western").
func (idx *BrandIndex) Detect(title string) string {
	if idx == nil {
		idx = builtinIndex()
	}
	return idx.detectTokens(Tokens(NormalizeText(title)))
}

// detectTokens is Detect on NormalizeText tokens; idx must not be nil.
func (idx *BrandIndex) detectTokens(toks []string) string {
	if e, ok := idx.matchAt(toks, 0); ok {
		return e.canonical
	}
	for i := 1; i < len(toks); i++ {
		if brandBlockers[toks[i-1]] {
			continue
		}
		if e, ok := idx.matchAt(toks, i); ok && !e.startOnly {
			return e.canonical
		}
	}
	return ""
}

// brandBlockers precede brands a product is for, not by.
var brandBlockers = map[string]bool{
	"for": true, "with": true, "w": true, "fits": true, "fit": true, "compatible": true,
	"to": true, "replaces": true, "replacement": true, "like": true, "vs": true,
}

// matchAt returns the longest brand spelt by toks[i:i+w].
func (idx *BrandIndex) matchAt(toks []string, i int) (brandEntry, bool) {
	var buf [64]byte
	for w := min(idx.maxWords, len(toks)-i); w >= 1; w-- {
		k := buf[:0]
		for _, t := range toks[i : i+w] {
			k = append(k, t...)
		}
		if e, ok := idx.names[string(k)]; ok {
			return e, true
		}
	}
	return brandEntry{}, false
}

// Normalize returns the canonical form of a brand or manufacturer field:
// a known brand it names or starts with ("LG Electronics" → "lg", "Canon
// Camcorders" → "canon", "Polkaudio" → "polk audio"), else the field
// normalised with corporate suffixes removed ("Tree Dimensions Mfg" →
// "tree dimensions"). Placeholders ("Unknown", "N/A", "Generic") and
// values without letters give "".
func (idx *BrandIndex) Normalize(brand string) string {
	if idx == nil {
		idx = builtinIndex()
	}
	return idx.normalize(brand)
}

func (idx *BrandIndex) normalize(brand string) string {
	toks := brandTokens(brand)
	if len(toks) == 0 {
		return ""
	}
	if e, ok := idx.lookup(toks); ok {
		return e.canonical
	}
	if b := idx.detectTokens(toks); b != "" {
		return b
	}
	return strings.Join(toks, " ")
}

// NormalizeBrand is DefaultBrandIndex().Normalize(s).
func NormalizeBrand(s string) string { return builtinIndex().Normalize(s) }

// brandTokens normalises a brand name and drops what does not tell brands
// apart: a leading "the", trailing corporate suffixes, placeholders.
func brandTokens(s string) []string {
	toks := Tokens(NormalizeText(s))
	if len(toks) > 1 && toks[0] == "the" {
		toks = toks[1:]
	}
	for len(toks) > 1 && corporateSuffixes[toks[len(toks)-1]] ||
		len(toks) > 2 && toks[len(toks)-2] == "a" && toks[len(toks)-1] == "s" {
		if toks[len(toks)-1] == "s" && toks[len(toks)-2] == "a" {
			toks = toks[:len(toks)-1] // "A/S" (Danish)
		}
		toks = toks[:len(toks)-1]
		if len(toks) > 1 && toks[len(toks)-1] == "of" {
			toks = toks[:len(toks)-1] // "Nintendo of America"
		}
	}
	if len(toks) == 0 || brandPlaceholders[strings.Join(toks, " ")] || !hasLetter(strings.Join(toks, "")) {
		return nil
	}
	return toks
}

var corporateSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true,
	"company": true, "ltd": true, "limited": true, "llc": true, "gmbh": true, "plc": true,
	"sa": true, "ag": true, "bv": true, "kk": true, "electronics": true, "electronic": true,
	"products": true, "systems": true, "technologies": true, "technology": true,
	"international": true, "intl": true, "usa": true, "america": true, "mfg": true,
	"ent": true, "entertainment": true, "distributing": true, "designs": true,
	"homecare": true, "group": true, "holdings": true, "industries": true, "brands": true,
	"ab": true, "aps": true, "nv": true, "spa": true, "srl": true, "oy": true, "pty": true,
}

var brandPlaceholders = map[string]bool{
	"unknown": true, "n a": true, "na": true, "none": true, "null": true, "nil": true,
	"generic": true, "no brand": true, "unbranded": true, "other": true, "various": true,
	"oem": true, "not applicable": true, "does not apply": true,
}
