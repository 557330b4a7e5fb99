package matchers

import (
	"strings"
)

// NormalizeModel returns the comparable form of a model number or MPN:
// Unicode-folded like NormalizeText, upper case, ASCII letters and digits
// only, so "PS-LX350H", "ps lx350h" and "PSLX350H" are all "PSLX350H" and
// "MB111LL/A" is "MB111LLA".
func NormalizeModel(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	if !isASCII(s) {
		s = foldUnicode(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-('a'-'A'))
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}

// NormalizeGTIN returns s as a GTIN-14: s must hold only digits, spaces,
// hyphens or dots, and its 8 (EAN-8), 12 (UPC-A), 13 (EAN-13) or 14
// (GTIN-14) digits must end in a valid GS1 check digit. The result is left
// padded with zeros to 14 digits, so a UPC-A and the EAN-13 with a leading
// 0 compare equal. Anything else, and the all-zero placeholder, gives "".
func NormalizeGTIN(s string) string {
	var d [14]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return ""
			}
			d[n] = c
			n++
		case c == ' ' || c == '-' || c == '.':
		default:
			return ""
		}
	}
	switch n {
	case 8, 12, 13, 14:
	default:
		return ""
	}
	if !gtinCheckDigitOK(d[:n]) {
		return ""
	}
	var out [14]byte
	pad := 14 - n
	for i := 0; i < pad; i++ {
		out[i] = '0'
	}
	copy(out[pad:], d[:n])
	if string(out[:]) == "00000000000000" {
		return ""
	}
	return string(out[:])
}

// gtinCheckDigitOK applies the GS1 mod-10 check: weights 3,1,3,... from
// the digit left of the check digit.
func gtinCheckDigitOK(d []byte) bool {
	sum := 0
	w := 3
	for i := len(d) - 2; i >= 0; i-- {
		sum += int(d[i]-'0') * w
		w = 4 - w
	}
	return int(d[len(d)-1]-'0') == (10-sum%10)%10
}

// ExtractGTIN returns the first GTIN found in free text, normalised as by
// NormalizeGTIN, or "". Only stand-alone runs of 12 to 14 digits count:
// eight-digit runs are too often part numbers that pass the check digit by
// chance (one in ten does).
func ExtractGTIN(text string) string {
	for i := 0; i < len(text); {
		if !isDigitByte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigitByte(text[j]) {
			j++
		}
		if j-i >= 12 && j-i <= 14 && (i == 0 || !isAlnumByte(text[i-1])) && (j == len(text) || !isAlnumByte(text[j])) {
			if g := NormalizeGTIN(text[i:j]); g != "" {
				return g
			}
		}
		i = j
	}
	return ""
}

// appendLowerASCII appends s lower-cased to dst; callers pass a stack
// buffer so that set lookups need no allocation.
func appendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Candidate scores: higher is more likely the record's own model number.
const (
	scoreTail        = 100 // the code after the title's last " - " (Abt style)
	scoreGroupPrefix = 90  // "967562" of a tail "967562-0403"
	scoreTitleCode   = 60  // a letters-and-digits token in the title
	scoreTitleGroups = 45  // digit groups joined by hyphens: "010-00718-20"
	scoreTitleDigits = 30  // five or more digits in the title
	scoreDescCode    = 20  // a code in the description's opening words
	scoreDescGroups  = 15
	// descWords is how much of a description is searched: shops open it
	// with brand and model ("Canon NB-4L Lithium Ion Battery"); further on
	// it names compatible or bundled products.
	descWords = 16
	// titleWords bounds the title scan, so that a runaway "title" (a whole
	// page pasted into the field) costs linear time, not quadratic.
	titleWords = 64
	descPos    = 1 << 16 // description positions sort after the title's
	// maxModelCandidates caps the result: more only adds chance agreements.
	maxModelCandidates = 8
)

type modelCand struct {
	m     string
	score int
	pos   int
	keep  bool // a deliberate variant of a tail code: never dropped as contained in it
}

// ExtractModelNumbers returns normalised (NormalizeModel) model-number
// candidates found in a product title and description, most likely first,
// at most eight. Rules, from strongest:
//
//   - The code after the title's last " - " separator: "Sony Turntable -
//     PSLX350H" → "PSLX350H". It may be letters only if written in capitals
//     ("- KPRA"), may be two words ("- RM 705" → "RM705"), keeps a short
//     "/suffix" ("DSCW150/B" → "DSCW150B"), and a hyphenated part number
//     also gives its long leading group ("967562-0403" → "9675620403",
//     "967562"). Weaker candidates contained in it are dropped: "Sony
//     DVP-FX820 Pink ... - DVPFX820P" gives only "DVPFX820P".
//   - Tokens of the title that mix letters and digits and have at least
//     four characters once normalised: "Sony SLV-D380P Black ..." →
//     "SLVD380P". Units and specs are not codes: "500GB", "1080p",
//     "2.4GHz", "5.1CH", "33-1/3", "10/100", "802.11g", "16:9", "24-Port",
//     "4x6", "MP3", "DDR2", "USB2", Wi-Fi classes ("AX1800", "AC1200"),
//     "2-in-1" and the like are skipped, as are tokens
//     with a decimal point, components after "Core 2 Duo", "GeForce" and
//     similar, and everything after "for", "fits" or "compatible" ("Ink
//     Cartridge For PIXMA iP4200" is not an iP4200).
//   - Digit groups joined by hyphens (seven digits or more) and plain runs
//     of five or more digits: part numbers such as "010-00718-20", "27028".
//   - The same, with lower priority, in the first 16 words of the
//     description.
func ExtractModelNumbers(title, description string) []string {
	var buf [16]modelCand
	c := buf[:0]
	c = appendTailCandidates(c, title)
	c = appendTokenCandidates(c, title, 0, scoreTitleCode, scoreTitleGroups, scoreTitleDigits, titleWords)
	if description != "" {
		c = appendTokenCandidates(c, description, descPos, scoreDescCode, scoreDescGroups, 0, descWords)
	}
	c = dropContained(c)
	if len(c) == 0 {
		return nil
	}
	// Insertion sort: a handful of candidates, and it is stable.
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && candBefore(c[j], c[j-1]); j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	n := min(len(c), maxModelCandidates)
	out := make([]string, n)
	for i := range out {
		out[i] = c[i].m
	}
	return out
}

// dropContained removes weaker candidates that are part of a title's tail
// code: "Sony DVP-FX820 Pink ... - DVPFX820P" is the pink DVPFX820P, and
// keeping "DVPFX820" too would make it agree with every other colour.
func dropContained(c []modelCand) []modelCand {
	var tails [4]string
	nt := 0
	for _, y := range c {
		if y.score >= scoreTail-1 && nt < len(tails) {
			tails[nt] = y.m
			nt++
		}
	}
	if nt == 0 {
		return c
	}
	out := c[:0]
	for _, x := range c {
		keep := true
		if x.score < scoreTail-1 && !x.keep {
			for _, t := range tails[:nt] {
				if len(t) > len(x.m) && strings.Contains(t, x.m) {
					keep = false
					break
				}
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}

func candBefore(a, b modelCand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.pos < b.pos
}

// addCand adds m, keeping one entry per model with its best score.
func addCand(c []modelCand, m string, score, pos int) []modelCand {
	if m == "" || len(m) > maxModelLen || score <= 0 {
		return c
	}
	for i := range c {
		if c[i].m == m {
			if score > c[i].score || score == c[i].score && pos < c[i].pos {
				c[i].score, c[i].pos = score, pos
			}
			return c
		}
	}
	return append(c, modelCand{m: m, score: score, pos: pos})
}

// tailSegment returns the text after the last "- " that follows other
// text, or "" when there is none.
func tailSegment(title string) string {
	for i := len(title) - 2; i > 0; i-- {
		if title[i] == '-' && isSpaceByte(title[i+1]) {
			return strings.TrimSpace(title[i+1:])
		}
	}
	return ""
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendTailCandidates applies the strongest rule: the code after the
// title's last " - ".
func appendTailCandidates(c []modelCand, title string) []modelCand {
	seg := tailSegment(title)
	if seg == "" {
		return c
	}
	var fields [4]string
	n := 0
	for f := range strings.FieldsSeq(seg) {
		if n == len(fields) {
			n++
			break
		}
		fields[n] = trimTokenPunct(f)
		n++
	}
	switch {
	case n == 1:
		c = addSlashCandidates(c, fields[0], true, scoreTail, 0)
		c = addGroupPrefix(c, fields[0], 0)
	case n == 2 && isShortCapsWord(fields[0]) && (hasDigit(fields[1])) && !strings.Contains(fields[1], "-"):
		// "RM 705", "MDR EX55/WHI": a series prefix written apart.
		c = addSlashCandidates(c, fields[0]+fields[1], true, scoreTail, 0)
	case n >= 2:
		// "WMS3S SILVER", "FEX831WH Extra-Large Capacity Wash Tub": the
		// first word, when it is a code.
		c = addSlashCandidates(c, fields[0], true, scoreTail-1, 0)
	}
	return c
}

// addSlashCandidates adds tok when it is a code. A token with slashes is
// either a code with a short suffix ("MB111LL/A", "DSCW150/B"), added
// joined, or a list ("CD-R/RW", "TV/DVD"), whose parts are considered on
// their own. The base without the suffix is not added: "DVPFX820/R" is the
// red DVPFX820R and must not agree with the black "DVPFX820"; the two
// still meet as a Partial agreement through their common stem.
func addSlashCandidates(c []modelCand, tok string, strong bool, score, pos int) []modelCand {
	if strings.IndexByte(tok, '/') < 0 {
		if m, ok := codeCandidate(tok, strong); ok {
			c = addCand(c, m, score, pos)
		}
		return c
	}
	base, rest, _ := strings.Cut(tok, "/")
	if _, ok := codeCandidate(base, strong); ok && shortSuffixes(rest) {
		return addCand(c, NormalizeModel(tok), score, pos)
	}
	for part := range strings.SplitSeq(tok, "/") {
		if m, ok := codeCandidate(part, strong); ok {
			c = addCand(c, m, score, pos)
		}
	}
	return c
}

// addGroupPrefix adds the leading group of a hyphenated part number when
// it has six digits or more: shops drop a region suffix ("967562-0403" is
// sold as "967562"). Shorter leading groups ("010-" of Garmin's
// "010-00718-20") are product-line prefixes, not products.
func addGroupPrefix(c []modelCand, tok string, pos int) []modelCand {
	if !isDigitGroups(tok) {
		return c
	}
	head, _, _ := strings.Cut(tok, "-")
	if len(head) < 6 {
		return c
	}
	c = addCand(c, head, scoreGroupPrefix, pos)
	for i := range c {
		if c[i].m == head {
			c[i].keep = true
		}
	}
	return c
}

// shortSuffixes reports whether s is one or more "/"-separated
// alphanumeric parts of at most four characters ("A", "XAA", "BLK").
func shortSuffixes(s string) bool {
	for part := range strings.SplitSeq(s, "/") {
		if len(part) == 0 || len(part) > 4 {
			return false
		}
		for i := 0; i < len(part); i++ {
			if !isAlnumByte(part[i]) {
				return false
			}
		}
	}
	return true
}

// appendTokenCandidates scans the first maxWords whitespace/punctuation-
// separated tokens of text.
func appendTokenCandidates(c []modelCand, text string, pos0, codeScore, groupScore, digitScore, maxWords int) []modelCand {
	pos := 0
	prevSpec := false
	for i := 0; i < len(text); {
		for i < len(text) && isTokenDelim(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isTokenDelim(text[j]) {
			j++
		}
		if j == i {
			break
		}
		if pos >= maxWords {
			break
		}
		tok := trimTokenPunct(text[i:j])
		i = j
		p := pos0 + pos
		pos++
		if tok == "" {
			continue
		}
		var lb [16]byte
		var low []byte // empty for long tokens: no set word is that long
		if len(tok) <= len(lb) {
			low = appendLowerASCII(lb[:0], tok)
		}
		if accessoryWords[string(low)] {
			break // what follows names the products this one is for
		}
		afterSpec := prevSpec
		prevSpec = specContext[string(low)]
		if afterSpec {
			continue // "Core 2 Duo P8400": a component's model, not the product's
		}
		switch {
		case isDigitGroups(tok):
			if groupScore > 0 {
				c = addCand(c, NormalizeModel(tok), groupScore, p)
				c = addGroupPrefix(c, tok, p)
			}
		case isAllDigits(tok):
			if digitScore > 0 && len(tok) >= 5 {
				c = addCand(c, tok, digitScore, p)
			}
		default:
			c = addSlashCandidates(c, tok, false, codeScore, p)
		}
	}
	return c
}

// isTokenDelim: whitespace and punctuation that never occurs inside a model
// number. Hyphens, slashes, dots, colons and apostrophes stay in tokens so
// that codes and specs can be recognised whole.
func isTokenDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ';', '(', ')', '[', ']', '{', '}', '!', '?', '"', '*', '&', '+', '|', '<', '>', '=', '~', '^', '$', '#', '@', '%':
		return true
	}
	return false
}

// trimTokenPunct strips punctuation around a raw token ("PSLX350H/",
// "-KPRA", "46'").
func trimTokenPunct(s string) string {
	i, j := 0, len(s)
	for i < j && trimPunct[s[i]] {
		i++
	}
	for j > i && trimPunct[s[j-1]] {
		j--
	}
	return s[i:j]
}

var trimPunct = func() (t [256]bool) {
	for _, c := range []byte(".-/':_\\`,;()[]{}\"#*") {
		t[c] = true
	}
	return t
}()

// maxModelLen bounds a candidate: longer runs are URLs, hashes or glued
// words, not codes.
const maxModelLen = 24

// codeCandidate reports whether a raw token looks like a model number and
// returns it normalised. Strong (tail) position also accepts codes of only
// digits (four or more), of only capital letters (four or more) and
// three-character codes such as "XM6".
func codeCandidate(raw string, strong bool) (string, bool) {
	raw = trimTokenPunct(raw)
	if raw == "" || strings.IndexByte(raw, ':') >= 0 {
		return "", false // "16:9", "Voltage:12V"
	}
	if len(raw) > 1 && (raw[0] == 'f' || raw[0] == 'F') && raw[1] == '/' {
		return "", false // aperture "f/3.5"
	}
	if !strong && !hasDigit(raw) {
		return "", false // only tail codes may be letters only; skips most words cheaply
	}
	if versionNumber(raw) || lineName(raw) || gradeRange(raw) {
		return "", false
	}
	m := stripGluedColour(NormalizeModel(raw))
	if len(m) > maxModelLen || len(m) < 3 {
		return "", false
	}
	l, d := hasLetter(m), hasDigit(m)
	switch {
	case l && d:
		if len(m) < 4 && !strong || hasDecimalPoint(raw) && !strong ||
			unitLike(m) || modelStopwords[m] || wifiClass(m) || !strong && quantityHyphen(raw) {
			return "", false
		}
		return m, true
	case d:
		// Digits only: a part number in tail position ("848001", "2166");
		// prices and sizes ("399.00", "20.0") and years ("Office - 2007",
		// an edition) are not.
		if strong && len(m) >= 4 && !hasDecimalPoint(raw) && !yearLike(m) {
			return m, true
		}
	case l:
		// Letters only: an Abt-style code in capitals ("KPRA", "VMAVB"),
		// never a capitalised word ("Black") or a colour in capitals.
		if strong && len(m) >= 4 && !hasLower(raw) && !tailStopwords[m] {
			return m, true
		}
	}
	return "", false
}

// versionNumber reports a software version written with a "v" and a
// decimal point ("v2.0", "V10.5"): every product of a line has one.
func versionNumber(raw string) bool {
	if len(raw) < 4 || raw[0]|0x20 != 'v' || !isDigitByte(raw[1]) {
		return false
	}
	for i := 2; i < len(raw); i++ {
		if !isDigitByte(raw[i]) && raw[i] != '.' {
			return false
		}
	}
	return hasDecimalPoint(raw)
}

// lineName reports a word with a generation or edition number glued on
// ("Learn2", "Series2", "Ultra2", "Twenty20"): a product line or
// certification name, written as a word (an initial then three or more
// lower-case letters), where codes are written in capitals.
func lineName(raw string) bool {
	k := 1
	for k < len(raw) && raw[k] >= 'a' && raw[k] <= 'z' {
		k++
	}
	digits := len(raw) - k
	return k >= 4 && (raw[0]|0x20 >= 'a' && raw[0]|0x20 <= 'z') &&
		digits >= 1 && digits <= 2 && isAllDigits(raw[k:])
}

// gradeRange reports a school-grade or ordinal range ("4th-6th", "PreK-2",
// "K-12", "1st-3rd"): educational titles for one age band, not a code.
func gradeRange(raw string) bool {
	if strings.IndexByte(raw, '-') < 0 {
		return false
	}
	grade := false
	for part := range strings.SplitSeq(raw, "-") {
		var lb [8]byte
		if len(part) == 0 || len(part) > len(lb) {
			return false
		}
		low := string(appendLowerASCII(lb[:0], part))
		k := 0
		for k < len(low) && isDigitByte(low[k]) {
			k++
		}
		switch {
		case low == "k" || low == "prek" || low == "pre":
			grade = true
		case k > 0 && k <= 2 && k == len(low):
		case k > 0 && k <= 2 && (low[k:] == "th" || low[k:] == "st" || low[k:] == "nd" || low[k:] == "rd"):
			grade = true
		default:
			return false
		}
	}
	return grade
}

// yearLike reports a four-digit year from 1990 to 2039: an edition
// ("Office 2007", "Elements 2008"), not a part number.
func yearLike(m string) bool {
	return len(m) == 4 && (m[:2] == "19" && m[2] >= '9' || m[:2] == "20" && m[2] <= '3')
}

// stripGluedColour removes a colour word glued to the end of a code
// ("DCB-309BLACK" → "DCB309"): the word is the finish, which the colour
// features compare, and kept on the code it would make every shop's
// spelling of the product a different code. What remains must end in a
// digit; the caller then judges it as any other code.
func stripGluedColour(m string) string {
	k := len(m)
	for k > 0 && m[k-1] >= 'A' && m[k-1] <= 'Z' {
		k--
	}
	if k < 3 || k == len(m) || !isDigitByte(m[k-1]) || !gluedColours[m[k:]] {
		return m
	}
	return m[:k]
}

// gluedColours are the colour words stripGluedColour takes off a code;
// abbreviations ("BK", "WH") are left on: they are part of makers' codes.
var gluedColours = setOf(
	"BLACK", "WHITE", "SILVER", "BLUE", "GREEN", "PINK", "GRAY", "GREY", "GOLD",
	"BROWN", "PURPLE", "ORANGE", "YELLOW", "TITANIUM", "GRAPHITE", "CHROME", "STAINLESS",
)

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			return true
		}
	}
	return false
}

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// isDigitGroups reports whether s is digit groups joined by single hyphens
// with seven digits or more in all ("010-00718-20", "910-000298"); ranges
// such as "18-55" are shorter.
func isDigitGroups(s string) bool {
	digits, hyphens := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigitByte(s[i]):
			digits++
		case s[i] == '-' && i > 0 && i < len(s)-1 && isDigitByte(s[i-1]) && isDigitByte(s[i+1]):
			hyphens++
		default:
			return false
		}
	}
	return hyphens > 0 && digits >= 7
}

// isShortCapsWord: two to four capital letters, a series prefix such as
// "RM" or "MDR".
func isShortCapsWord(s string) bool {
	if len(s) < 2 || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func hasDecimalPoint(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '.' && isDigitByte(s[i-1]) && isDigitByte(s[i+1]) {
			return true
		}
	}
	return false
}

// quantityHyphen reports a count joined to its noun: "24-Port", "6-DISC",
// "2-Line", "12-Cup"; not a part number such as Griffin's "4052-TRPSEB".
func quantityHyphen(raw string) bool {
	k := 0
	for k < len(raw) && isDigitByte(raw[k]) {
		k++
	}
	if k == 0 || k > 3 || k >= len(raw)-3 || raw[k] != '-' {
		return false
	}
	for i := k + 1; i < len(raw); i++ {
		if c := raw[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// unitLike reports whether a normalised token is a quantity or a spec
// rather than a code: digits followed by a unit ("500GB", "24GHZ" from
// "2.4GHz", "10X", "4TH"), a video mode ("1080P", "720P"), a size ("4X6",
// "1366X768"), or an 802.11 variant.
func unitLike(m string) bool {
	k := 0
	for k < len(m) && isDigitByte(m[k]) {
		k++
	}
	if k == 0 {
		return false
	}
	if strings.HasPrefix(m, "80211") {
		return true
	}
	rest := m[k:]
	if unitSuffixes[rest] {
		return true
	}
	if rest == "P" || rest == "I" {
		switch m[:k] {
		case "480", "576", "720", "1080", "1440", "2160", "4320":
			return true // video modes; "9500I" is a radar detector
		}
	}
	if rest != "" && rest[0] == 'X' && isAllDigits(rest[1:]) {
		return true
	}
	return false
}

// wifiClass reports a Wi-Fi speed class ("AC1200", "AX1800", "AXE11000",
// "BE9300"): routers of every maker and line share them.
func wifiClass(m string) bool {
	for _, p := range [...]string{"AXE", "AX", "AC", "BE"} {
		if rest, ok := strings.CutPrefix(m, p); ok {
			return len(rest) >= 3 && len(rest) <= 5 && isAllDigits(rest)
		}
	}
	return false
}

// unitSuffixes are units and counters that follow a number. "D" (EOS
// "450D"), "S", "A", "L" and "H" are left out: they end real model numbers.
var unitSuffixes = setOf(
	"GB", "TB", "MB", "KB", "GHZ", "MHZ", "KHZ", "HZ", "MBPS", "GBPS", "KBPS",
	"W", "WATT", "WATTS", "KW", "V", "VAC", "VDC", "MAH", "AH", "VA", "AMP", "AMPS",
	"MM", "CM", "M", "IN", "INCH", "INCHES", "FT", "FEET", "CUFT", "CU", "SQFT",
	"LB", "LBS", "OZ", "QT", "QUART", "ML", "G", "K",
	"CH", "CHANNEL", "MP", "MPX", "MEGAPIXEL", "MEGAPIXELS", "X",
	"RPM", "MS", "DB", "BIT", "BITS", "DPI", "PPM", "FPS", "BTU", "OHM", "OHMS", "LM",
	"PC", "PCS", "PK", "PACK", "CUP", "CUPS", "PORT", "PORTS", "DISC", "DISCS",
	"DISK", "PIECE", "SPEED", "LINE", "LINES", "WAY", "PIN", "PINS", "PAIR", "CT",
	"SHEET", "SHEETS", "PAGE", "PAGES", "HR", "HRS", "HOUR", "HOURS", "MIN", "MINS",
	"SEC", "YR", "YEAR", "YEARS", "DAY", "DAYS", "TH", "ST", "ND", "RD",
	"MO", "MONTH", "MONTHS", "ED", "EDITION", "USER", "USERS", "SEAT", "SEATS",
	"LICENSE", "LICENSES", "CLIENT", "CLIENTS", "NODE", "NODES", "DEVICE", "DEVICES",
	"BASET", "BASETX", "BASEFX", "BASE",
)

// modelStopwords are letter-digit tokens that name formats, interfaces or
// platforms shared by unrelated products.
var modelStopwords = setOf(
	"MP3", "MP4", "DDR2", "DDR3", "DDR4", "DDR5", "GDDR3", "GDDR5", "GDDR6",
	"USB2", "USB3", "USB20", "USB30", "USB31", "H264", "H265", "X264",
	"MPEG1", "MPEG2", "MPEG4", "IEEE1394", "1394A", "1394B", "PS2", "PS3", "PS4", "PS5",
	"XBOX360", "DECT60", "HDMI13", "HDMI14", "HDMI20", "CAT5", "CAT5E", "CAT6",
	"CAT6A", "RJ11", "RJ45", "HD15", "DB9", "DB15", "DB25", "A2DP", "AC3",
	"WMA9", "SATA2", "SATA3", "PCIE2", "PCIE3", "PCIE4", "WIFI6", "WIN7",
	"WIN8", "WIN10", "WIN11", "WINDOWS7", "WINDOWS8", "WINDOWS10", "WINDOWS11",
	"LGA775", "LGA1150", "LGA1151", "LGA1155", "LGA1156", "LGA1366", "LGA2011",
	"AM2", "AM3", "AM4", "AM5", "DTS9624",
	"2IN1", "3IN1", "4IN1", "5IN1", "6IN1", "7IN1", "8IN1", "9IN1", "10IN1",
	"HDR10", "HDR400", "HDR500", "HDR600", "HDR1000", "HDR1400",
	"CS2", "CS3", "CS4", "CS5", "CS6", "X64", "X86", "X32", "WIN95", "WIN98",
	"WIN2000", "WIN2K", "WIN31",
	"IP54", "IP55", "IP65", "IP66", "IP67", "IP68", "IPX4", "IPX5", "IPX6", "IPX7", "IPX8",
)

// accessoryWords end the search for codes in running text: "Ink Cartridge
// For PIXMA iP4200, iP5200" names the printers, not the cartridge.
var accessoryWords = setOf("for", "fits", "compatible", "replaces")

// specContext words precede the model of a component ("Core 2 Duo
// P8400", "GeForce GTX1080"), which many different products share.
var specContext = setOf(
	"duo", "quad", "core", "intel", "amd", "pentium", "celeron", "xeon", "athlon",
	"turion", "phenom", "sempron", "opteron", "ryzen", "i3", "i5", "i7", "i9",
	"geforce", "radeon", "nvidia", "quadro", "gtx", "rtx", "snapdragon", "exynos",
	"iso", "dect", "class", "ddr", "ddr2", "ddr3", "ddr4", "ddr5",
)

// tailStopwords are capitalised words that end titles but are not codes:
// colours, finishes and generic product words.
var tailStopwords = setOf(
	"BLACK", "WHITE", "SILVER", "BLUE", "GREEN", "PINK", "GRAY", "GREY", "GOLD",
	"BROWN", "PURPLE", "ORANGE", "YELLOW", "BEIGE", "DARK", "LIGHT", "CHROME",
	"STAINLESS", "STEEL", "TITANIUM", "GRAPHITE", "ESPRESSO", "CHERRY", "WALNUT",
	"MAPLE", "BISQUE", "ALMOND", "IVORY", "CLEAR", "AQUA", "PLATINUM", "BRONZE",
	"COPPER", "NAVY", "TEAL", "BURGUNDY", "CHARCOAL", "SLATE", "PEARL", "MATTE",
	"GLOSS", "PIANO", "FINISH", "COLOR", "COLOUR", "EDITION", "SERIES",
	"HDTV", "BLURAY", "HDMI", "WIFI", "REFURBISHED", "BUNDLE", "PACK", "PAIR",
	"EACH", "SYSTEM", "KIT", "CASE", "COVER", "REMOTE", "CABLE", "ADAPTER",
	"WINDOWS", "VISTA", "LINUX", "UNIX", "UPGRADE", "ACADEMIC", "STUDENT",
	"RETAIL", "DOWNLOAD", "LICENSE", "DELUXE", "PREMIUM", "PROFESSIONAL",
	"STANDARD", "ULTIMATE", "HOME", "BUSINESS", "ENTERPRISE",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
