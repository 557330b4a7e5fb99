package matchers

import (
	"math"
	"strconv"
	"strings"
)

// Comparators. The float comparators return a similarity in [0,1] and 0
// when a side is empty: they measure how much two values have in common,
// and an empty value has nothing in common with anything. Telling missing
// from different is the job of the Agreement comparators below and of the
// feature layer, which checks presence before it uses a similarity.

// LevenshteinRatio returns 1 - d/max(len(a), len(b)), where d is the
// Levenshtein edit distance counted in bytes for ASCII input and in runes
// otherwise. Equal strings (two empty ones too) give 1; one empty string
// gives 0. Strings whose shorter side, after trimming the common prefix and
// suffix, fits levStackLen need no allocation. Time is proportional to
// len(a)·len(b): meant for titles, not whole descriptions.
func LevenshteinRatio(a, b string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	if isASCII(a) && isASCII(b) {
		var sa, sb [levStackLen]byte
		n := max(len(a), len(b))
		return 1 - float64(levenshtein(append(sa[:0], a...), append(sb[:0], b...)))/float64(n)
	}
	var sa, sb [levStackLen]rune
	ra, rb := appendRunes(sa[:0], a), appendRunes(sb[:0], b)
	n := max(len(ra), len(rb))
	return 1 - float64(levenshtein(ra, rb))/float64(n)
}

const levStackLen = 128

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// levenshtein is the one-row dynamic programme over the shorter sequence,
// after dropping the common prefix and suffix: over bytes for ASCII
// strings, over runes otherwise.
func levenshtein[E byte | rune](a, b []E) int {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return len(a)
	}
	var stack [levStackLen + 1]int
	var row []int
	if len(b) <= levStackLen {
		row = stack[:len(b)+1]
	} else {
		row = make([]int, len(b)+1)
	}
	for j := range row {
		row[j] = j
	}
	for i := 0; i < len(a); i++ {
		diag := row[0]
		row[0] = i + 1
		c := a[i]
		for j := 0; j < len(b); j++ {
			cost := 1
			if b[j] == c {
				cost = 0
			}
			up := row[j+1]
			row[j+1] = min(up+1, row[j]+1, diag+cost)
			diag = up
		}
	}
	return row[len(b)]
}

// TokenSetSimilarity returns the Jaccard similarity |A∩B|/|A∪B| of the sets
// of tokens in a and b (duplicates count once); 0 when either is empty.
func TokenSetSimilarity(a, b []string) float64 {
	return jaccard(setCounts(tokenSet(a), tokenSet(b)))
}

// TokenContainment returns |A∩B|/min(|A|,|B|) over token sets: 1 when one
// title's tokens all occur in the other, as when one shop's title is a
// shortened form of the other's. 0 when either is empty.
func TokenContainment(a, b []string) float64 {
	return containment(setCounts(tokenSet(a), tokenSet(b)))
}

func jaccard(na, nb, inter int) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	return float64(inter) / float64(na+nb-inter)
}

func containment(na, nb, inter int) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	return float64(inter) / float64(min(na, nb))
}

// tokenSet returns the sorted distinct token hashes of toks.
func tokenSet(toks []string) []uint64 {
	set := make([]uint64, len(toks))
	for i, t := range toks {
		set[i] = FNV1a(t)
	}
	return sortedSet(set)
}

func indexOf(toks []string, t string) int {
	for i, u := range toks {
		if u == t {
			return i
		}
	}
	return -1
}

// PriceRatio returns min(a,b)/max(a,b): 1 for equal prices, 0.5 when one
// is twice the other. Non-positive, NaN or infinite prices give 0, which
// the caller must read as "unknown" (check HasPrice), not as "different".
func PriceRatio(a, b float64) float64 {
	if !(a > 0) || !(b > 0) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return 0
	}
	if a > b {
		a, b = b, a
	}
	return a / b
}

// Agreement is the outcome of comparing identifiers that may be absent.
// Its zero value is Missing, so an unset Agreement means "no evidence".
type Agreement int8

const (
	// Missing: at least one side has no value; nothing can be concluded.
	Missing Agreement = iota
	// Disagree: both sides have values and none match.
	Disagree
	// Partial: no exact match, but two model numbers share a stem, the
	// code without a short trailing letter suffix such as a colour or
	// region code ("LSC21943SS" and "LSC21943ST", "SD1100" and
	// "SD1100IS"), or one contains the other ("TV24775" and "24775").
	Partial
	// Agree: both sides share a value.
	Agree
)

// String returns the lower-case name of the level.
func (a Agreement) String() string {
	switch a {
	case Missing:
		return "missing"
	case Disagree:
		return "disagree"
	case Partial:
		return "partial"
	case Agree:
		return "agree"
	}
	return "Agreement(" + strconv.Itoa(int(a)) + ")"
}

// IdentifierAgreement compares two lists of normalised model numbers (as
// from NormalizeModel or Prepared.Models): Agree when they share one,
// Partial when two share a stem, Disagree when both are non-empty
// otherwise, Missing when either is empty.
func IdentifierAgreement(a, b []string) Agreement {
	if len(a) == 0 || len(b) == 0 {
		return Missing
	}
	for _, x := range a {
		if indexOf(b, x) >= 0 {
			return Agree
		}
	}
	for _, x := range a {
		sx := modelStem(x)
		for _, y := range b {
			if sx == modelStem(y) || modelContains(x, y) || modelContains(y, x) {
				return Partial
			}
		}
	}
	return Disagree
}

// IdentifiersAgree reports whether two records' strong identifiers name
// one product: the same GTIN, or a shared model number.
func IdentifiersAgree(gtinA, gtinB string, modelsA, modelsB []string) bool {
	return GTINAgreement(gtinA, gtinB) == Agree || IdentifierAgreement(modelsA, modelsB) == Agree
}

// modelContains reports whether model number long contains short, and
// short is specific enough for that to mean something: four characters
// mixing letters and digits, five with a digit, or six of any kind. It catches prefixes
// shops add or drop ("TV24775" and "24775", "RPSDV02GU1A" and
// "SDV02GU1A") and model names inside longer codes ("SX110" in
// "SX110ISB").
func modelContains(long, short string) bool {
	if len(short) >= len(long) {
		return false
	}
	l, d := hasLetter(short), hasDigit(short)
	specific := len(short) >= 6 || len(short) >= 5 && d || len(short) >= 4 && l && d
	return specific && strings.Contains(long, short)
}

// modelStem drops a trailing run of one to three letters from a model
// number when what remains has at least four characters and ends in a
// digit: manufacturers append colour ("BK", "WH", "SS"), region ("LLA",
// "XAA") or bundle codes to one base model.
func modelStem(m string) string {
	k := len(m)
	for k > 0 && m[k-1] >= 'A' && m[k-1] <= 'Z' {
		k--
	}
	if k == len(m) || len(m)-k > 3 || k < 4 || !isDigitByte(m[k-1]) {
		return m
	}
	return m[:k]
}

// GTINAgreement compares two normalised GTIN-14s (as from NormalizeGTIN):
// Missing when either is empty, else Agree or Disagree.
func GTINAgreement(a, b string) Agreement {
	switch {
	case a == "" || b == "":
		return Missing
	case a == b:
		return Agree
	}
	return Disagree
}

// maxModelParts is how many adjacent title tokens ModelInText joins: a
// model written "RM 705" or "MB111LL/A" (normalised to "mb111ll a") spans
// two or three tokens.
const maxModelParts = 3

// minModelInTextLen keeps short codes out of ModelInText: "X1" or "500"
// occur in unrelated titles.
const minModelInTextLen = 4

// ModelInText reports whether one of the normalised model numbers occurs in
// tokens (NormalizeText tokens of the other record's title), as one token
// or as up to three adjacent tokens written together, ignoring case and
// punctuation: "KXTG9361B" is found in "panasonic kxtg9361b phone" and
// "RM705" in "polk rm 705 black". Models shorter than four characters are
// ignored. On Abt-Buy one side often has a clean model code and the other
// only mentions it in its title.
func ModelInText(models []string, tokens []string) bool {
	for _, m := range models {
		if len(m) < minModelInTextLen {
			continue
		}
		for i, t := range tokens {
			// Most tokens differ from m in their first byte: skip them
			// without the call. A token that starts with a byte modelAt
			// skips cannot be judged by it.
			if t != "" && asciiUpperAlnum(t[0]) != 0 && asciiUpperAlnum(t[0]) != m[0] {
				continue
			}
			if modelAt(m, tokens[i:]) {
				return true
			}
		}
	}
	return false
}

// asciiUpperAlnum is c upper-cased when it is an ASCII letter or digit, and
// 0 for any other byte, which modelAt skips.
func asciiUpperAlnum(c byte) byte {
	switch {
	case c >= 'a' && c <= 'z':
		return c - ('a' - 'A')
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
		return c
	}
	return 0
}

// modelAt reports whether m is spelt by tokens[0], tokens[0]+tokens[1], ...
// ending exactly at a token boundary. Bytes NormalizeModel drops are
// skipped on the token side too.
func modelAt(m string, tokens []string) bool {
	pos := 0
	for j := 0; j < len(tokens) && j < maxModelParts; j++ {
		t := tokens[j]
		for k := 0; k < len(t); k++ {
			c := t[k]
			switch {
			case c >= 'a' && c <= 'z':
				c -= 'a' - 'A'
			case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			default:
				continue
			}
			if pos == len(m) || m[pos] != c {
				return false
			}
			pos++
		}
		if pos == len(m) {
			return true
		}
	}
	return false
}
