package synth

import (
	"math"
	"strings"
)

// slot is a placeholder of a text template.
type slot uint8

const (
	slotLit slot = iota
	slotBrand
	slotLine
	slotModel
	slotAttr
	slotNoun
	slotFeature
	slotOpen  // '[': start of an optional group
	slotClose // ']': end of an optional group
	numSlots
)

var slotNames = map[string]slot{
	"brand": slotBrand, "line": slotLine, "model": slotModel,
	"attr": slotAttr, "noun": slotNoun, "feature": slotFeature,
}

type tpart struct {
	kind slot
	lit  string
}

// tmpl is a parsed text template: literal text, {slot} placeholders and
// [optional groups]. A group is dropped when any slot inside it renders
// empty, so "[{brand} ]" disappears with its space when the brand is
// missing. Groups do not nest.
type tmpl []tpart

func parseTmpl(s string) tmpl {
	var t tmpl
	lit := func(x string) {
		if x != "" {
			t = append(t, tpart{kind: slotLit, lit: x})
		}
	}
	for s != "" {
		i := strings.IndexAny(s, "{[]")
		if i < 0 {
			lit(s)
			break
		}
		lit(s[:i])
		switch s[i] {
		case '[':
			t = append(t, tpart{kind: slotOpen})
			s = s[i+1:]
		case ']':
			t = append(t, tpart{kind: slotClose})
			s = s[i+1:]
		case '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				panic("synth: unterminated slot in template " + s)
			}
			k, ok := slotNames[s[i+1:i+j]]
			if !ok {
				panic("synth: unknown slot " + s[i:i+j+1])
			}
			t = append(t, tpart{kind: k})
			s = s[i+j+1:]
		}
	}
	return t
}

func parseTmpls(ss ...string) []tmpl {
	out := make([]tmpl, len(ss))
	for i, s := range ss {
		out[i] = parseTmpl(s)
	}
	return out
}

// render appends t with the slot values vals and the model number model to
// dst. It also returns where the model slot landed (ms == me when it did
// not).
func (t tmpl) render(dst []byte, vals *[numSlots]string, model []byte) (out []byte, ms, me int) {
	ms, me = -1, -1
	groupStart, groupOK := -1, true
	gms, gme := -1, -1
	for _, p := range t {
		switch p.kind {
		case slotLit:
			dst = append(dst, p.lit...)
		case slotOpen:
			groupStart, groupOK = len(dst), true
			gms, gme = ms, me
		case slotClose:
			if !groupOK {
				dst = dst[:groupStart]
				ms, me = gms, gme
			}
			groupStart = -1
		case slotModel:
			if len(model) == 0 {
				groupOK = false
				continue
			}
			ms = len(dst)
			dst = append(dst, model...)
			me = len(dst)
		default:
			v := vals[p.kind]
			if len(v) == 0 {
				groupOK = false
				continue
			}
			dst = append(dst, v...)
		}
	}
	if ms < 0 {
		ms, me = 0, 0
	}
	return dst, ms, me
}

// modelLetters are the letters of '%' symbols: no I or O, which read as 1
// and 0.
const modelLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

// Model-number pattern symbols: {P} prefix, {A} attribute code, '#' digit,
// '%' letter, '@' generation digit; anything else is literal.

// patternCapacity is the number of distinct codes a pattern's '#' and '%'
// symbols can hold.
func patternCapacity(p string) uint64 {
	c := uint64(1)
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '{':
			i += strings.IndexByte(p[i:], '}')
		case '#':
			c *= 10
		case '%':
			c *= uint64(len(modelLetters))
		}
	}
	return c
}

// renderModel appends the model number of pattern with the scrambled code
// value code (< capacity), overflow block (extends the prefix), generation
// and attribute code.
func renderModel(dst []byte, pattern, prefix string, code uint64, block, gen int, attr string) []byte {
	off := int(code % 5)
	for i := 0; i < len(pattern); i++ {
		ch := pattern[i]
		switch ch {
		case '{':
			if pattern[i+1] == 'P' {
				dst = append(dst, prefix...)
				if block > 0 {
					dst = appendBase26(dst, block-1)
				}
			} else {
				dst = append(dst, attr...)
			}
			i += 2
		case '#':
			dst = append(dst, byte('0'+code%10))
			code /= 10
		case '%':
			dst = append(dst, modelLetters[code%uint64(len(modelLetters))])
			code /= uint64(len(modelLetters))
		case '@':
			dst = append(dst, byte('1'+off+gen))
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}

// appendBase26 appends n as letters: 0 → X, 1 → Y, 2 → Z, 3 → XA, ...
// Starting at X keeps overflow prefixes clearly apart from common ones.
func appendBase26(dst []byte, n int) []byte {
	if n < 3 {
		return append(dst, byte('X'+n))
	}
	n -= 3
	var tmp [8]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('A' + n%26)
		n /= 26
		if n == 0 {
			break
		}
	}
	dst = append(dst, 'X')
	return append(dst, tmp[i:]...)
}

// Model-number formatting variants seen across feeds.
const (
	mfCanonical     = iota // WH-1000XM4/BK
	mfStripped             // WH1000XM4BK
	mfLower                // wh-1000xm4/bk
	mfSpaced               // WH 1000XM4 BK
	mfLowerSpaced          // wh 1000xm4 bk
	mfHyphenated           // WH-1000-XM4/BK (extra hyphen at a letter/digit boundary)
	mfUpperStripped        // WH1000XM4BK (same as stripped; separate for weights)
)

func appendModelFormat(dst []byte, model []byte, f int) []byte {
	switch f {
	case mfCanonical:
		return append(dst, model...)
	case mfStripped, mfUpperStripped:
		for _, c := range model {
			if c != '-' && c != '/' && c != ' ' {
				dst = append(dst, c)
			}
		}
	case mfLower:
		for _, c := range model {
			dst = append(dst, lower(c))
		}
	case mfSpaced, mfLowerSpaced:
		for _, c := range model {
			if c == '-' || c == '/' {
				c = ' '
			}
			if f == mfLowerSpaced {
				c = lower(c)
			}
			dst = append(dst, c)
		}
	case mfHyphenated:
		done := false
		for i, c := range model {
			if !done && i > 0 {
				p := model[i-1]
				if (isLetter(p) && isDigit(c)) || (isDigit(p) && isLetter(c)) {
					dst = append(dst, '-')
					done = true
				}
			}
			dst = append(dst, c)
		}
	}
	return dst
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func upperInPlace(b []byte) {
	for i, c := range b {
		b[i] = upper(c)
	}
}

// gtinCheckDigit returns the GS1 check digit of the digits in body.
func gtinCheckDigit(body []byte) byte {
	sum := 0
	// Weights alternate 3, 1 from the rightmost body digit.
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidGTIN reports whether s is an 8, 12, 13 or 14 digit GTIN with a valid
// check digit.
func ValidGTIN(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return gtinCheckDigit([]byte(s[:len(s)-1])) == s[len(s)-1]
}

// appendMoney appends cents as "1299.00" with sep as the decimal separator
// and group (0 for none) as the thousands separator.
func appendMoney(dst []byte, cents int64, sep, group byte) []byte {
	if cents < 0 {
		dst = append(dst, '-')
		cents = -cents
	}
	units := cents / 100
	frac := cents % 100
	var tmp [24]byte
	i := len(tmp)
	n := 0
	for {
		if group != 0 && n > 0 && n%3 == 0 {
			i--
			tmp[i] = group
		}
		i--
		tmp[i] = byte('0' + units%10)
		units /= 10
		n++
		if units == 0 {
			break
		}
	}
	dst = append(dst, tmp[i:]...)
	dst = append(dst, sep, byte('0'+frac/10), byte('0'+frac%10))
	return dst
}

func toCents(v float64) int64 { return int64(math.Round(v * 100)) }

// appendJSONString appends s as a JSON string. Inputs are ASCII.
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// appendCSVField appends f quoted as encoding/csv would quote it.
func appendCSVField(dst []byte, f []byte) []byte {
	quote := len(f) > 0 && (f[0] == ' ' || f[0] == '\t')
	if !quote {
		for _, c := range f {
			if c == ',' || c == '"' || c == '\n' || c == '\r' {
				quote = true
				break
			}
		}
	}
	if !quote {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for _, c := range f {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}
