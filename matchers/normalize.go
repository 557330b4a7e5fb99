package matchers

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText folds s into the form every text comparator works on:
// lower case, ASCII where the input has a compatibility decomposition,
// tokens separated by single spaces, no leading or trailing space.
// It is idempotent: NormalizeText(NormalizeText(s)) == NormalizeText(s).
//
// The rules, in order:
//
//   - Unicode: NFKD, then combining marks are dropped ("Café" → "cafe",
//     "㎓" → "ghz"). "™" and "℠" become spaces rather than "tm"/"sm"; vulgar
//     fractions become "a/b" ("2½" → "2 1/2"). Any rune that is not a
//     letter, digit or one of the punctuation marks below is a separator.
//   - Inside a token, "." "/" ":" between two digits are kept ("7.1",
//     "10/100", "16:9"), and a thousands comma is dropped ("1,299" → "1299").
//   - A hyphen joins its neighbours when they form a code (one side has a
//     digit: "KX-TG9361B" → "kxtg9361b", "010-00718-20" → "0100071820") or
//     when both sides are at most three letters ("Wi-Fi" → "wifi", "Blu-ray"
//     → "bluray", "CD-RW" → "cdrw"). It separates a count from its noun
//     ("24-Port" → "24 port"), a number from a unit ("42-inch" → "42in"),
//     two decimals ("1.5-2.0"), and longer words ("Built-In" → "built in").
//   - An apostrophe inside a word is dropped ("Children's" → "childrens");
//     a ' or " after a digit is an inch mark ("46'" → "46in").
//   - A whole number followed by a proper fraction with a finite decimal
//     becomes a decimal ("2-1/2'" → "2.5in", "74 1/10" → "74.1"); others
//     stay apart ("33-1/3" → "33 1/3").
//   - A number followed by a unit, with or without a space or hyphen, becomes
//     one token with a canonical unit: "42 in"/"42-inch"/"42\"" → "42in",
//     "500 GB" → "500gb", "5.1 ch"/"5.1-channel" → "5.1ch", "8 Megapixels"
//     → "8mp", "200 Watts" → "200w", "4.2 Cu. Ft." → "4.2cuft". See [unitAliases].
func NormalizeText(s string) string {
	if s == "" {
		return ""
	}
	if !isASCII(s) {
		s = foldUnicode(s)
	}
	n := normalizerPool.Get().(*normalizer)
	n.reset()
	n.run(s)
	out := string(n.out)
	if cap(n.out) <= maxPooledBuffer {
		normalizerPool.Put(n)
	}
	return out
}

// The scanner's buffer is pooled: NormalizeText runs once per record and
// field, and a fresh buffer per call doubled its allocations.
var normalizerPool = sync.Pool{New: func() any { return &normalizer{out: make([]byte, 0, 256)} }}

// maxPooledBuffer keeps one huge description from pinning memory in the pool.
const maxPooledBuffer = 64 << 10

func (n *normalizer) reset() {
	n.out = n.out[:0]
	n.hasPrev, n.prevKind, n.prevUnit = false, kOther, ""
}

// Tokens splits a NormalizeText result on spaces. Runs of spaces are
// tolerated so that raw text does not yield empty tokens, but no other
// normalisation happens: call NormalizeText first.
func Tokens(normalized string) []string {
	n := 0
	inTok := false
	for i := 0; i < len(normalized); i++ {
		if normalized[i] == ' ' {
			inTok = false
		} else if !inTok {
			inTok = true
			n++
		}
	}
	if n == 0 {
		return nil
	}
	toks := make([]string, 0, n)
	start := -1
	for i := 0; i < len(normalized); i++ {
		if normalized[i] == ' ' {
			if start >= 0 {
				toks = append(toks, normalized[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, normalized[start:])
	}
	return toks
}

// DecodeLatin1 decodes ISO-8859-1 bytes (each byte is the code point of the
// same value) to a UTF-8 string. Bytes 0x80-0x9F decode to C1 controls, as
// ISO-8859-1 says, not to Windows-1252 punctuation; NormalizeText turns those
// into separators.
func DecodeLatin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		if c < utf8.RuneSelf {
			out = append(out, c)
		} else {
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return string(out)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldUnicode applies the Unicode part of NormalizeText: per-rune NFKD
// (decomposition is per rune; the only thing NFKD does across runes is
// reorder combining marks, which are dropped anyway), mark removal, lower
// case, and quote/dash look-alikes mapped to their ASCII forms. Its output
// holds ASCII plus non-ASCII letters and digits only, which the byte
// scanner treats as letters.
func foldUnicode(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	var dec [32]byte
	for i, r := range s {
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			continue
		}
		if r == '\u2122' || r == '\u2120' { // ™ ℠ would decompose to letters
			b.WriteByte(' ')
			continue
		}
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1 // invalid byte: becomes a separator below
		}
		d := norm.NFKD.AppendString(dec[:0], s[i:i+size])
		if vulgarFraction(d) {
			b.WriteByte(' ') // "2½" is "2 1/2", not "21/2"
		}
		for _, r2 := range string(d) {
			foldRune(&b, r2)
		}
	}
	return b.String()
}

// vulgarFraction reports whether an NFKD decomposition contains U+2044
// FRACTION SLASH, as those of "½" and "¾" do.
func vulgarFraction(d []byte) bool {
	return strings.Contains(string(d), "\u2044")
}

func foldRune(b *strings.Builder, r rune) {
	switch {
	case r < utf8.RuneSelf:
		b.WriteByte(byte(r))
	case unicode.Is(unicode.Mn, r):
		// diacritic: dropped
	case r == '\u2032' || r == '\u2018' || r == '\u2019' || r == '\u02bc':
		b.WriteByte('\'') // prime, curly apostrophes
	case r == '\u2033' || r == '\u201c' || r == '\u201d':
		b.WriteByte('"')
	case r >= '\u2010' && r <= '\u2013' || r == '\u2212':
		b.WriteByte('-') // hyphens, en dash, minus
	case r == '\u2044' || r == '\u2215':
		b.WriteByte('/')
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
		l := unicode.ToLower(r)
		if l < utf8.RuneSelf {
			b.WriteByte(byte(l))
		} else if l == r || norm.NFKD.PropertiesString(string(l)).Decomposition() == nil {
			b.WriteRune(l)
		} else {
			// A lower-case form that itself decomposes: fold it again so
			// that the output is a fixed point.
			for _, r3 := range norm.NFKD.String(string(l)) {
				if r3 != l {
					foldRune(b, r3)
				}
			}
		}
	default:
		b.WriteByte(' ')
	}
}

// Byte classes for the scanner. Bytes >= 0x80 only occur as parts of
// letters or digits after foldUnicode, so they count as letters.
const (
	cSep byte = iota
	cLower
	cUpper
	cDigit
	cHigh
	cDot
	cComma
	cHyphen
	cSlash
	cColon
	cApos
	cQuote
)

var byteClass = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	t['.'], t[','], t['-'], t['/'], t[':'], t['\''], t['"'] = cDot, cComma, cHyphen, cSlash, cColon, cApos, cQuote
	return t
}()

func isWordByte(c byte) bool {
	k := byteClass[c]
	return k >= cLower && k <= cHigh
}

func isPunctByte(c byte) bool { return byteClass[c] >= cDot }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// attrs describes an atom (an alphanumeric run with its kept inner
// punctuation) or the token accumulated so far.
type attrs struct {
	n          int
	allDigits  bool // only 0-9
	numeric    bool // digits with at most one decimal point
	hasDot     bool
	fraction   bool // digits "/" digits
	hasDigit   bool
	allLetters bool
}

func attrsOf(b []byte) attrs {
	a := attrs{n: len(b), allDigits: true, numeric: true, allLetters: true}
	slashes := 0
	for i, c := range b {
		switch {
		case isDigitByte(c):
			a.hasDigit = true
			a.allLetters = false
		case c == '.':
			a.allDigits, a.allLetters = false, false
			if a.hasDot || i == 0 || i == len(b)-1 {
				a.numeric = false
			}
			a.hasDot = true
		case c == '/':
			a.allDigits, a.allLetters, a.numeric = false, false, false
			slashes++
		case c == ':':
			a.allDigits, a.allLetters, a.numeric = false, false, false
		default:
			a.allDigits, a.numeric = false, false
		}
	}
	a.fraction = slashes == 1 && !a.hasDot && a.hasDigit && onlyDigitsAndSlash(b)
	return a
}

func onlyDigitsAndSlash(b []byte) bool {
	for _, c := range b {
		if c != '/' && !isDigitByte(c) {
			return false
		}
	}
	return b[0] != '/' && b[len(b)-1] != '/'
}

func (a attrs) concat(b attrs) attrs {
	return attrs{
		n:          a.n + b.n,
		allDigits:  a.allDigits && b.allDigits,
		numeric:    a.numeric && b.numeric && !(a.hasDot && b.hasDot),
		hasDot:     a.hasDot || b.hasDot,
		fraction:   (a.fraction && b.allDigits) || (a.allDigits && b.fraction),
		hasDigit:   a.hasDigit || b.hasDigit,
		allLetters: a.allLetters && b.allLetters,
	}
}

type tokKind uint8

const (
	kOther tokKind = iota
	kInt
	kNumber // decimal
	kFraction
	kUnit    // a bare unit word
	kNumUnit // number followed by a canonical unit
)

// normalizer is the byte scanner behind NormalizeText. Tokens are written
// straight into out; the previous token is remembered so that a number and
// a following unit or fraction can be merged in place.
type normalizer struct {
	out      []byte
	scratch  [64]byte
	hasPrev  bool // the previous token ends at len(out)-1, before a space
	prevKind tokKind
	prevUnit string
}

func (n *normalizer) run(s string) {
	i := 0
	for i < len(s) {
		for i < len(s) && !isWordByte(s[i]) && !isPunctByte(s[i]) {
			i++
		}
		j := i
		for j < len(s) && (isWordByte(s[j]) || isPunctByte(s[j])) {
			j++
		}
		if j > i {
			n.chunk(s, i, j)
		}
		i = j
	}
}

// chunk handles one run of word and punctuation bytes s[i:end].
func (n *normalizer) chunk(s string, i, end int) {
	lead := i
	for i < end && !isWordByte(s[i]) {
		i++
	}
	if i == end {
		return // punctuation only
	}
	n.beginToken()
	tokStart := len(n.out)
	if i > lead && s[i-1] == '.' && isDigitByte(s[i]) {
		n.out = append(n.out, "0."...) // ".5" is "0.5"
	}
	var acc, left attrs
	sep := byte(0) // punctuation before the current atom: 0 (none), '-' or '\''
	for {
		atomStart := len(n.out)
		var r attrs
		i, r = n.atom(s, i, end)
		switch {
		case sep == 0:
			acc = r
			if atomStart > tokStart {
				acc = attrsOf(n.out[tokStart:]) // "0." + atom
			}
		case sep == '-' && n.join(acc, left, r), sep == '\'' && r.allLetters:
			acc = acc.concat(r)
		default:
			// Split: move the atom aside, close the token before it, and
			// start a new token with it.
			atom := append(n.scratch[:0], n.out[atomStart:]...)
			n.out = n.out[:atomStart]
			n.endToken(tokStart, acc)
			n.beginToken()
			tokStart = len(n.out)
			n.out = append(n.out, atom...)
			acc = r
		}
		left = r
		// Punctuation after the atom; the atom stops only there or at end.
		p := i
		for i < end && !isWordByte(s[i]) {
			i++
		}
		if p == i {
			break
		}
		inch := isDigitByte(n.out[len(n.out)-1]) && (s[p] == '\'' || s[p] == '"')
		switch {
		case i-p == 1 && !inch && s[p] == '-' && i < end:
			sep = '-' // decided when the next atom has been read
		case i-p == 1 && !inch && s[p] == '\'' && i < end && acc.allLetters:
			sep = '\''
		default:
			n.endToken(tokStart, acc)
			if inch {
				n.beginToken()
				n.out = append(n.out, "in"...)
				n.endToken(len(n.out)-2, attrs{n: 2, allLetters: true})
			}
			if i == end {
				return
			}
			n.beginToken()
			tokStart = len(n.out)
			sep = 0
		}
	}
	n.endToken(tokStart, acc)
}

// atom copies one atom from s[i:] to out: alphanumeric runs joined by kept
// punctuation (decimal points, digit slashes and colons, thousands commas).
// It returns the index of the first byte after the atom and the atom's
// attributes, computed on the way rather than by a second pass.
func (n *normalizer) atom(s string, i, end int) (int, attrs) {
	a := attrs{allDigits: true, numeric: true, allLetters: true}
	start := len(n.out)
	slashes, other := 0, false // other: a byte that is neither digit nor slash
	for {
		run := i
		for i < end {
			c := s[i]
			switch byteClass[c] {
			case cDigit:
				a.hasDigit, a.allLetters = true, false
			case cUpper:
				c += 'a' - 'A'
				fallthrough
			case cLower, cHigh:
				a.allDigits, a.numeric, other = false, false, true
			default:
				goto punct
			}
			n.out = append(n.out, c)
			i++
		}
	punct:
		if i+1 >= end || !isDigitByte(s[i-1]) || !isDigitByte(s[i+1]) {
			break
		}
		switch s[i] {
		case '.':
			a.numeric = a.numeric && !a.hasDot
			a.allDigits, a.allLetters, a.hasDot, other = false, false, true, true
		case '/':
			a.allDigits, a.allLetters, a.numeric = false, false, false
			slashes++
		case ':':
			a.allDigits, a.allLetters, a.numeric, other = false, false, false, true
		case ',':
			if !thousands(s, run, i, end) {
				goto done
			}
			i++
			continue
		default:
			goto done
		}
		n.out = append(n.out, s[i])
		i++
	}
done:
	a.n = len(n.out) - start
	a.fraction = slashes == 1 && !other && a.hasDigit
	return i, a
}

// thousands reports whether the comma at s[i] separates thousands: the run
// before it is 1-3 digits and exactly three digits follow.
func thousands(s string, run, i, end int) bool {
	if i-run > 3 {
		return false
	}
	for k := run; k < i; k++ {
		if !isDigitByte(s[k]) {
			return false
		}
	}
	if i+4 > end {
		return false
	}
	for k := i + 1; k < i+4; k++ {
		if !isDigitByte(s[k]) {
			return false
		}
	}
	return i+4 == end || !isDigitByte(s[i+4])
}

// join decides whether a hyphen between the token so far (acc, whose last
// atom is left) and the next atom r is dropped (true) or splits (false).
func (n *normalizer) join(acc, left, r attrs) bool {
	switch {
	case (acc.numeric || acc.fraction) && r.fraction:
		return false // mixed fraction "2-1/2"
	case acc.numeric && r.allLetters && unitAliases[string(n.out[len(n.out)-r.n:])] != "":
		return false // "42-inch", "5.1-ch"
	case acc.allDigits && r.allLetters && r.n >= 2:
		return false // "24-port"
	case acc.numeric && r.numeric && (acc.hasDot || r.hasDot):
		return false // "1.5-2.0"
	case acc.hasDigit || r.hasDigit:
		return true // model codes
	case left.allLetters && r.allLetters && left.n <= 3 && r.n <= 3:
		return true // "wi-fi", "cd-rw"
	}
	return false
}

func (n *normalizer) beginToken() {
	if len(n.out) > 0 {
		n.out = append(n.out, ' ')
	}
}

// endToken canonicalises the token out[start:] and merges it with the
// previous token when they form a number with a fraction or a unit.
func (n *normalizer) endToken(start int, a attrs) {
	tok := n.out[start:]
	if len(tok) == 0 {
		// Nothing was written (cannot happen for a non-empty atom, but keep
		// the output free of double spaces regardless).
		if start > 0 && n.out[start-1] == ' ' {
			n.out = n.out[:start-1]
		}
		return
	}
	kind, unit := kOther, ""
	switch {
	case a.allDigits:
		kind = kInt
	case a.numeric:
		kind = kNumber
	case a.fraction:
		kind = kFraction
	case a.allLetters:
		if u := unitAliases[string(tok)]; u != "" {
			kind, unit = kUnit, u
		}
	case isDigitByte(tok[0]):
		// Number with a letter suffix: canonicalise a unit suffix in place.
		k := numberPrefix(tok)
		if k > 0 && k < len(tok) && allLowerASCII(tok[k:]) {
			if u := unitAliases[string(tok[k:])]; u != "" {
				n.out = append(n.out[:start+k], u...)
				kind, unit = kNumUnit, u
			}
		}
	}
	if n.hasPrev {
		prevEnd := start - 1
		switch {
		case n.prevKind == kInt && kind == kFraction:
			if dec, ok := fractionDecimals(tok); ok {
				frac := append(n.scratch[:0], dec...)
				n.out = append(append(n.out[:prevEnd], '.'), frac...)
				n.prevKind = kNumber
				return
			}
		case (n.prevKind == kInt || n.prevKind == kNumber || n.prevKind == kFraction) && kind == kUnit:
			n.out = append(n.out[:prevEnd], unit...)
			n.prevKind, n.prevUnit = kNumUnit, unit
			return
		case n.prevKind == kNumUnit && (n.prevUnit == "cu" || n.prevUnit == "sq") && unit == "ft" && kind == kUnit:
			n.out = append(n.out[:prevEnd], "ft"...)
			n.prevUnit = unitAliases[n.prevUnit+"ft"] // "cuft", "sqft"
			return
		}
	}
	n.hasPrev, n.prevKind, n.prevUnit = true, kind, unit
}

// numberPrefix returns the length of the leading digits[.digits] of b.
func numberPrefix(b []byte) int {
	k := 0
	for k < len(b) && isDigitByte(b[k]) {
		k++
	}
	if k > 0 && k+1 < len(b) && b[k] == '.' && isDigitByte(b[k+1]) {
		k++
		for k < len(b) && isDigitByte(b[k]) {
			k++
		}
	}
	return k
}

func allLowerASCII(b []byte) bool {
	for _, c := range b {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// fractionDecimals returns the digits after the decimal point of the proper
// fraction "a/b" when it has at most six of them (1/2 → "5", 3/8 → "375").
func fractionDecimals(tok []byte) (string, bool) {
	var a, b uint64
	k := 0
	for ; tok[k] != '/'; k++ {
		if k >= 6 {
			return "", false
		}
		a = a*10 + uint64(tok[k]-'0')
	}
	if len(tok)-k-1 > 6 {
		return "", false
	}
	for _, c := range tok[k+1:] {
		b = b*10 + uint64(c-'0')
	}
	if a == 0 || b == 0 || a >= b {
		return "", false
	}
	pow := uint64(1)
	for digits := 1; digits <= 6; digits++ {
		pow *= 10
		if a*pow%b == 0 {
			v := a * pow / b
			var buf [6]byte
			for d := digits - 1; d >= 0; d-- {
				buf[d] = byte('0' + v%10)
				v /= 10
			}
			return string(buf[:digits]), true
		}
	}
	return "", false
}

// unitAliases maps unit spellings (lower case, letters only) to the
// canonical suffix NormalizeText attaches to a preceding number. Single
// letters that are common words or model suffixes ("a", "x", "p", "m") are
// deliberately absent.
var unitAliases = map[string]string{
	"in": "in", "inch": "in", "inches": "in",
	"ft": "ft", "feet": "ft", "foot": "ft",
	"cu": "cu", "cubic": "cu", "sq": "sq", "cuft": "cuft", "sqft": "sqft",
	"mm": "mm", "millimeter": "mm", "millimeters": "mm",
	"cm": "cm", "centimeter": "cm", "centimeters": "cm",
	"gb": "gb", "gig": "gb", "gigabyte": "gb", "gigabytes": "gb",
	"tb": "tb", "terabyte": "tb", "terabytes": "tb",
	"mb": "mb", "megabyte": "mb", "megabytes": "mb",
	"kb": "kb", "kilobyte": "kb", "kilobytes": "kb",
	"ghz": "ghz", "mhz": "mhz", "khz": "khz", "hz": "hz", "hertz": "hz",
	"mbps": "mbps", "gbps": "gbps", "kbps": "kbps",
	"w": "w", "watt": "w", "watts": "w", "kw": "kw",
	"v": "v", "volt": "v", "volts": "v", "mah": "mah",
	"lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
	"oz": "oz", "ounce": "oz", "ounces": "oz",
	"qt": "qt", "quart": "qt", "quarts": "qt",
	"ch": "ch", "channel": "ch", "channels": "ch",
	"mp": "mp", "megapixel": "mp", "megapixels": "mp", "mpix": "mp",
	"rpm": "rpm", "ms": "ms", "btu": "btu", "ohm": "ohm", "ohms": "ohm",
	"db": "db", "fps": "fps", "dpi": "dpi", "ppm": "ppm",
}
