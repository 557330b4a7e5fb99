package matchers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BlockingRule produces the blocking keys of one record; two records become
// a candidate pair when they share a key. Rules are small declared values in
// the spirit of Splink's blocking_rule_library: a pipeline holds an ordered
// []BlockingRule (see ParseBlockingRules) and that order is what
// IsCanonicalPair uses to pick the one block that scores a pair.
//
// Every key starts with an id naming the rule and its parameters ("mn:",
// "bt2:", "lsh16x4s0:"), so keys of different rules never collide when all
// rules share one GroupByKey. The keys one rule gives one record are distinct.
type BlockingRule interface {
	// Name names the rule and its effective parameters, e.g.
	// "brand_title(tokens=2)"; it is meant for metrics and logs.
	Name() string
	// Keys appends p's keys to dst and returns the extended slice. A record
	// with no keys is not blocked by this rule.
	Keys(p *Prepared, dst []string) []string
}

// Defaults of the rule parameters. A zero parameter, in a rule value or in a
// BlockingRuleSpec, means its default.
const (
	DefaultBrandTitleTokens = 2  // BrandTitleRule.Tokens
	DefaultTitleTokenMinLen = 3  // TitleTokensRule.MinLen
	DefaultLSHBands         = 8  // TitleLSHRule.Bands without Words
	DefaultLSHRows          = 4  // TitleLSHRule.Rows
	DefaultWordsLSHBands    = 12 // TitleLSHRule.Bands with Words

	// MinModelNumberLen is the shortest model number ModelNumberRule keys
	// on: "x1" or "500" are shared by unrelated products.
	MinModelNumberLen = 4
	// maxLSHHashes bounds Bands*Rows; more is a config typo, not a tuning.
	maxLSHHashes = 4096
)

// ModelNumberRule blocks on each normalised model number (Prepared.Models)
// of at least MinModelNumberLen characters. It is the high-precision rule
// for catalogues that carry MPNs, also inside titles.
//
// Titles often write a code apart ("Sony WH 1700GT2 BL") where the model
// field or another title joins it ("WH-1700GT2/BL", normalised
// "WH1700GT2BL"), and only the middle part is read as a model number. So
// for each title token that is one of the record's model numbers, the rule
// also keys the token joined with its short neighbours (1 to 4 letters or
// digits): previous+token, token+next and previous+token+next. The joins
// that are not the product's code are almost always unique keys, which
// form no pairs.
//
// Keys: "mn:<model>". Models ["KD55X85J", "X85"] give ["mn:KD55X85J"];
// title "sony wh 1700gt2 bl headphones" with models ["1700GT2"] gives
// ["mn:1700GT2", "mn:WH1700GT2", "mn:1700GT2BL", "mn:WH1700GT2BL"].
type ModelNumberRule struct{}

// Name implements BlockingRule.
func (ModelNumberRule) Name() string { return "model_number" }

// Keys implements BlockingRule.
func (ModelNumberRule) Keys(p *Prepared, dst []string) []string {
	start := len(dst)
	for _, m := range p.Models {
		if utf8.RuneCountInString(m) >= MinModelNumberLen {
			dst = appendBlockKey(dst, start, "mn:", m)
		}
	}
	if len(p.Models) == 0 {
		return dst
	}
	toks := p.TitleTokens
	for i, t := range toks {
		if !isModelToken(t, p.Models) {
			continue
		}
		var prev, next string
		if i > 0 && isModelAffix(toks[i-1]) {
			prev = toks[i-1]
		}
		if i+1 < len(toks) && isModelAffix(toks[i+1]) {
			next = toks[i+1]
		}
		if prev != "" {
			dst = appendJoinedModelKey(dst, start, prev, t, "")
		}
		if next != "" {
			dst = appendJoinedModelKey(dst, start, "", t, next)
		}
		if prev != "" && next != "" {
			dst = appendJoinedModelKey(dst, start, prev, t, next)
		}
	}
	return dst
}

// isModelToken reports whether the lower-case title token tok is, in upper
// case, one of the (normalised, upper-case) models.
func isModelToken(tok string, models []string) bool {
	for _, m := range models {
		if len(m) != len(tok) || len(m) < MinModelNumberLen {
			continue
		}
		same := true
		for k := 0; k < len(m); k++ {
			if upperASCII(tok[k]) != m[k] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// isModelAffix reports whether a title token may be a separately written
// prefix or suffix of a model number: 1 to 4 ASCII letters or digits
// ("wh", "bl", "2t", "15eu").
func isModelAffix(tok string) bool {
	if len(tok) == 0 || len(tok) > 4 {
		return false
	}
	for k := 0; k < len(tok); k++ {
		if !isAlnumByte(tok[k]) {
			return false
		}
	}
	return true
}

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// appendJoinedModelKey appends "mn:" + upper(prev+tok+next), all ASCII
// alphanumeric, unless dst[start:] already holds it.
func appendJoinedModelKey(dst []string, start int, prev, tok, next string) []string {
	var stack [64]byte
	b := append(stack[:0], "mn:"...)
	for _, part := range [3]string{prev, tok, next} {
		for k := 0; k < len(part); k++ {
			b = append(b, upperASCII(part[k]))
		}
	}
	if len(b)-3 > maxModelLen {
		return dst
	}
	for _, k := range dst[start:] {
		if k == string(b) {
			return dst
		}
	}
	return append(dst, string(b))
}

// GTINRule blocks on the normalised GTIN-14 (Prepared.GTIN).
//
// Keys: "gtin:<gtin14>". GTIN "00012345678905" gives
// ["gtin:00012345678905"]; no GTIN gives no key.
type GTINRule struct{}

// Name implements BlockingRule.
func (GTINRule) Name() string { return "gtin" }

// Keys implements BlockingRule.
func (GTINRule) Keys(p *Prepared, dst []string) []string {
	if p.GTIN == "" {
		return dst
	}
	return append(dst, "gtin:"+p.GTIN)
}

// BrandTitleRule blocks on the brand followed by the first Tokens title
// tokens that are not brand words. When the brand is unknown it takes the
// first Tokens+1 title tokens instead, because titles usually open with the
// brand: "sony bravia kd55 tv" then meets a record whose brand is "sony".
// Records with no usable token get no key: a bare brand is far too coarse.
// Tokens 0 means DefaultBrandTitleTokens (2).
//
// Keys: "bt<Tokens>:<brand> <tokens...>". Brand "sony", title
// "bravia sony kd55 led tv" give ["bt2:sony bravia kd55"]; with no brand,
// title "sony bravia kd55 led" gives ["bt2:sony bravia kd55"].
type BrandTitleRule struct {
	Tokens int
}

func (r BrandTitleRule) tokens() int {
	if r.Tokens <= 0 {
		return DefaultBrandTitleTokens
	}
	return r.Tokens
}

// Name implements BlockingRule.
func (r BrandTitleRule) Name() string {
	return "brand_title(tokens=" + strconv.Itoa(r.tokens()) + ")"
}

// Keys implements BlockingRule.
func (r BrandTitleRule) Keys(p *Prepared, dst []string) []string {
	n := r.tokens()
	var stack [96]byte
	b := append(stack[:0], "bt"...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ':')
	used := 0
	if p.Brand != "" {
		b = append(b, p.Brand...)
		for _, t := range p.TitleTokens {
			if used == n {
				break
			}
			if t == "" || isBrandWord(p.Brand, t) {
				continue
			}
			b = append(b, ' ')
			b = append(b, t...)
			used++
		}
	} else {
		for _, t := range p.TitleTokens {
			if used == n+1 {
				break
			}
			if t == "" {
				continue
			}
			if used > 0 {
				b = append(b, ' ')
			}
			b = append(b, t...)
			used++
		}
	}
	if used == 0 {
		return dst
	}
	return append(dst, string(b))
}

// isBrandWord reports whether tok is one of the space-separated words of
// brand, so "hewlett packard envy" keeps only "envy" for brand "hewlett packard".
func isBrandWord(brand, tok string) bool {
	for brand != "" {
		var w string
		w, brand, _ = strings.Cut(brand, " ")
		if w == tok {
			return true
		}
	}
	return false
}

// TitleTokensRule blocks on each distinct title token of at least MinLen
// characters that contains a digit or is not a stopword. It is an inverted
// index on the title: high recall, and its common tokens ("laptop") make
// oversized blocks, which BlockPairs reduces to a sorted neighbourhood.
// MinLen 0 means DefaultTitleTokenMinLen (3).
//
// Keys: "tt<MinLen>:<token>". Title "the sony kd55 tv with stand" gives
// ["tt3:sony", "tt3:kd55", "tt3:stand"].
//
// With Rare (the rule title_rare_words) the keys are "rw<MinLen>:<token>"
// and an oversized block is dropped rather than reduced (DropsOversized):
// a block's size is its token's document frequency, so what pairs records
// is the rare words they share (a catalogue number, a product name, a
// misspelling both stores copied), which needs no model number and no
// corpus pass.
type TitleTokensRule struct {
	MinLen int
	Rare   bool
}

// DropsOversized reports whether a block of key is dropped, not reduced to
// a sorted neighbourhood, when it outgrows the block-size cap.
func DropsOversized(key string) bool { return strings.HasPrefix(key, "rw") }

func (r TitleTokensRule) minLen() int {
	if r.MinLen <= 0 {
		return DefaultTitleTokenMinLen
	}
	return r.MinLen
}

// Name implements BlockingRule.
func (r TitleTokensRule) Name() string {
	name := "title_tokens"
	if r.Rare {
		name = "title_rare_words"
	}
	return name + "(min_len=" + strconv.Itoa(r.minLen()) + ")"
}

// Keys implements BlockingRule.
func (r TitleTokensRule) Keys(p *Prepared, dst []string) []string {
	minLen := r.minLen()
	prefix := "tt" + strconv.Itoa(minLen) + ":"
	if r.Rare {
		prefix = "rw" + strconv.Itoa(minLen) + ":"
	}
	start := len(dst)
	for _, t := range p.TitleTokens {
		if utf8.RuneCountInString(t) < minLen {
			continue
		}
		if !blockHasDigit(t) && isBlockingStopword(t) {
			continue
		}
		dst = appendBlockKey(dst, start, prefix, t)
	}
	return dst
}

func blockHasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// isBlockingStopword lists words that carry no product identity: English
// function words and catalogue filler. Colours and categories stay keys;
// the block-size cap deals with them.
func isBlockingStopword(s string) bool {
	switch s {
	case "a", "an", "and", "are", "as", "at", "be", "by", "for", "from",
		"in", "into", "is", "it", "its", "of", "on", "or", "the", "this",
		"that", "to", "w", "with", "without", "your", "you",
		"new", "brand", "genuine", "original", "pack", "pcs", "piece",
		"pieces", "set", "inch", "inches", "includes", "including", "only":
		return true
	}
	return false
}

// TitleLSHRule blocks on MinHash bands of the title token set, catching
// titles with a high token Jaccard similarity whatever their word order. A
// pair of titles with Jaccard similarity s shares at least one key with
// probability 1-(1-s^Rows)^Bands: with 8 bands of 4 rows, 0.40 at s=0.5,
// 0.93 at s=0.7 and 0.03 at s=0.25; with 12, 0.54, 0.98 and 0.05. More rows
// raise the threshold; more bands raise recall and the number of keys per
// record.
//
// Words (config rule title_words_lsh) hashes only the title's words: it
// drops brand words, tokens without a letter ("32179", "22") and stopwords.
// Two stores that write the maker differently ("encore software 32179 print
// shop" and "encore print shop deluxe") or drop a catalogue number then
// share more of their set, so catalogues without model numbers still block.
//
// Hashing is deterministic (FNV-1a per token, then a splitmix64 finaliser
// salted per hash function from Seed), so the same title gives the same keys
// on every worker and every run. Zero Bands mean DefaultLSHBands, or
// DefaultWordsLSHBands with Words; zero Rows mean DefaultLSHRows.
//
// Keys: "lsh<Bands>x<Rows>s<Seed>:<band>:<16 hex digits>", or "lshw..."
// with Words, one per band, e.g. "lsh8x4s0:3:9c1e0f2a7b3d5e61". No tokens
// (words) give no keys.
type TitleLSHRule struct {
	Bands, Rows int
	Seed        uint64
	Words       bool
}

func (r TitleLSHRule) dims() (bands, rows int) {
	bands, rows = r.Bands, r.Rows
	if bands <= 0 {
		bands = DefaultLSHBands
		if r.Words {
			bands = DefaultWordsLSHBands
		}
	}
	if rows <= 0 {
		rows = DefaultLSHRows
	}
	return bands, rows
}

// Name implements BlockingRule.
func (r TitleLSHRule) Name() string {
	bands, rows := r.dims()
	name := "title_lsh"
	if r.Words {
		name = "title_words_lsh"
	}
	return fmt.Sprintf("%s(bands=%d,rows=%d,seed=%d)", name, bands, rows, r.Seed)
}

// Keys implements BlockingRule.
func (r TitleLSHRule) Keys(p *Prepared, dst []string) []string {
	bands, rows := r.dims()
	// Token hashes once; duplicates do not change a minimum, so the
	// multiset of tokens gives the MinHash of the set without a dedupe.
	var hstack [64]uint64
	hs := hstack[:0]
	for _, t := range p.TitleTokens {
		if !r.Words || isTitleWord(p.Brand, t) {
			hs = append(hs, FNV1a(t))
		}
	}
	if len(hs) == 0 {
		return dst
	}
	var kstack [64]byte
	key := append(kstack[:0], "lsh"...)
	if r.Words {
		key = append(key, 'w')
	}
	key = strconv.AppendInt(key, int64(bands), 10)
	key = append(key, 'x')
	key = strconv.AppendInt(key, int64(rows), 10)
	key = append(key, 's')
	key = strconv.AppendUint(key, r.Seed, 10)
	key = append(key, ':')
	plen := len(key)
	for band := 0; band < bands; band++ {
		sig := uint64(fnvOffset)
		for row := 0; row < rows; row++ {
			salt := bkSplitMix(r.Seed, uint64(band*rows+row))
			m := ^uint64(0)
			for _, h := range hs {
				if v := bkMix64(h ^ salt); v < m {
					m = v
				}
			}
			sig = bkMix64(sig ^ m)
		}
		key = strconv.AppendInt(key[:plen], int64(band), 10)
		key = append(key, ':')
		key = appendHex16(key, sig)
		dst = append(dst, string(key))
	}
	return dst
}

// isTitleWord reports whether title token tok names the product rather than
// its maker or a number: it has a letter, is not a stopword and is not a
// word of brand.
func isTitleWord(brand, tok string) bool {
	return hasLetter(tok) && !isBlockingStopword(tok) && !isBrandWord(brand, tok)
}

// appendBlockKey appends prefix+value unless dst[start:] already holds it.
// All keys from start share prefix, so comparing the tails is enough and no
// string is built for a duplicate.
func appendBlockKey(dst []string, start int, prefix, value string) []string {
	for _, k := range dst[start:] {
		if len(k) == len(prefix)+len(value) && k[len(prefix):] == value {
			return dst
		}
	}
	return append(dst, prefix+value)
}

func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[(v>>uint(shift))&0xf])
	}
	return b
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// FNV1a is the 64-bit FNV-1a hash of s. It is stable across processes
// and runs, unlike maphash, so everything hashed with it is reproducible:
// token sets, MinHash signatures, block key hashes and the shard of a
// record (internal/bulk.ShardOf). The loop is written out because
// hash/fnv allocates a hasher per call; it is small enough to inline.
func FNV1a(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// bkMix64 is the splitmix64 finaliser, a bijection on uint64 that spreads
// every input bit over the output; MinHash uses it as a cheap permutation.
func bkMix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// bkSplitMix returns the i-th output of the splitmix64 generator seeded
// with seed.
func bkSplitMix(seed, i uint64) uint64 {
	return bkMix64(seed + (i+1)*0x9e3779b97f4a7c15)
}

// BlockingRuleSpec is a blocking rule as written in config:
//
//	rule: title_lsh   # model_number | gtin | brand_title | title_tokens | title_lsh | title_words_lsh
//	bands: 8          # title_lsh: default 8; title_words_lsh: default 12
//	rows: 4           # title_lsh and title_words_lsh; default 4
//	tokens: 2         # brand_title only; default 2
//	min_len: 3        # title_tokens only; default 3
//
// Zero fields take the defaults; a field set for a rule that does not use
// it is an error, as it is usually a misplaced line.
type BlockingRuleSpec struct {
	Rule   string `yaml:"rule" json:"rule"`
	Tokens int    `yaml:"tokens,omitempty" json:"tokens,omitempty"`
	Bands  int    `yaml:"bands,omitempty" json:"bands,omitempty"`
	Rows   int    `yaml:"rows,omitempty" json:"rows,omitempty"`
	MinLen int    `yaml:"min_len,omitempty" json:"min_len,omitempty"`
}

// BlockingRuleNames are the rule names ParseBlockingRule knows.
var BlockingRuleNames = []string{"model_number", "gtin", "brand_title", "title_tokens", "title_rare_words", "title_lsh", "title_words_lsh"}

// DefaultBlockingRules are the rules of a config that names none: codes
// first, then brand plus title head, then title words and the rare words
// two titles share, which still pair records whose codes are missing or
// written differently.
var DefaultBlockingRules = []BlockingRuleSpec{
	{Rule: "model_number"},
	{Rule: "gtin"},
	{Rule: "brand_title", Tokens: DefaultBrandTitleTokens},
	{Rule: "title_words_lsh", Bands: DefaultWordsLSHBands, Rows: DefaultLSHRows},
	{Rule: "title_rare_words", MinLen: DefaultTitleTokenMinLen},
}

// ErrUnknownBlockingRule is wrapped by ParseBlockingRule for an unknown rule name.
var ErrUnknownBlockingRule = errors.New("unknown blocking rule")

// ErrBlockingRuleParam is wrapped by ParseBlockingRule for a bad parameter.
var ErrBlockingRuleParam = errors.New("bad blocking rule parameter")

// BlockingParamError is one bad parameter of a blocking rule spec. Param
// names it as in config (tokens, bands, rows, min_len) so a config checker
// can point at the key; it is empty when the problem spans several.
type BlockingParamError struct {
	Rule, Param, Problem string
}

func (e *BlockingParamError) Error() string {
	what := e.Problem
	if e.Param != "" {
		what = e.Param + " " + what
	}
	return fmt.Sprintf("blocking rule %q: %v: %s", e.Rule, ErrBlockingRuleParam, what)
}

func (e *BlockingParamError) Unwrap() error { return ErrBlockingRuleParam }

// ParseBlockingRule builds the rule spec declares. All problems of the spec
// are reported together (errors.Join), each wrapping ErrUnknownBlockingRule
// or ErrBlockingRuleParam (as a *BlockingParamError). TitleLSHRule gets
// Seed 0: the seed only needs to be fixed, and keeping it out of config
// keeps keys stable between runs.
func ParseBlockingRule(spec BlockingRuleSpec) (BlockingRule, error) {
	var errs []error
	bad := func(param, format string, args ...any) {
		errs = append(errs, &BlockingParamError{Rule: spec.Rule, Param: param, Problem: fmt.Sprintf(format, args...)})
	}
	// uses lists the parameters each rule reads; the others must be zero.
	params := []struct {
		name string
		v    int
		uses bool
	}{
		{"tokens", spec.Tokens, spec.Rule == "brand_title"},
		{"bands", spec.Bands, spec.Rule == "title_lsh" || spec.Rule == "title_words_lsh"},
		{"rows", spec.Rows, spec.Rule == "title_lsh" || spec.Rule == "title_words_lsh"},
		{"min_len", spec.MinLen, spec.Rule == "title_tokens" || spec.Rule == "title_rare_words"},
	}
	var rule BlockingRule
	switch spec.Rule {
	case "model_number":
		rule = ModelNumberRule{}
	case "gtin":
		rule = GTINRule{}
	case "brand_title":
		rule = BrandTitleRule{Tokens: spec.Tokens}
	case "title_tokens", "title_rare_words":
		rule = TitleTokensRule{MinLen: spec.MinLen, Rare: spec.Rule == "title_rare_words"}
	case "title_lsh", "title_words_lsh":
		lsh := TitleLSHRule{Bands: spec.Bands, Rows: spec.Rows, Words: spec.Rule == "title_words_lsh"}
		if b, r := lsh.dims(); b > maxLSHHashes || r > maxLSHHashes || b*r > maxLSHHashes {
			bad("", "bands*rows = %d*%d exceeds %d hash functions", b, r, maxLSHHashes)
		}
		rule = lsh
	default:
		return nil, fmt.Errorf("%w %q (want one of %s)",
			ErrUnknownBlockingRule, spec.Rule, strings.Join(BlockingRuleNames, ", "))
	}
	for _, p := range params {
		switch {
		case p.v < 0:
			bad(p.name, "must not be negative, got %d", p.v)
		case p.v != 0 && !p.uses:
			bad(p.name, "does not apply to this rule")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rule, nil
}

// ParseBlockingRules builds rules from specs in order, reporting the
// problems of all specs together, each prefixed with the spec's position.
// Two specs giving the same rule are an error: they would only repeat keys.
func ParseBlockingRules(specs []BlockingRuleSpec) ([]BlockingRule, error) {
	var errs []error
	rules := make([]BlockingRule, 0, len(specs))
	seen := make(map[string]int, len(specs)) // rule name -> spec index
	for i, spec := range specs {
		r, err := ParseBlockingRule(spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("blocking rules[%d]: %w", i, err))
			continue
		}
		if j, dup := seen[r.Name()]; dup {
			errs = append(errs, fmt.Errorf("blocking rules[%d]: %w: %s repeats rules[%d]",
				i, ErrBlockingRuleParam, r.Name(), j))
			continue
		}
		seen[r.Name()] = i
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rules, nil
}
