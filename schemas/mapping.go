package schemas

import (
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unifiedFieldByName finds the unified fields a source field can map to
// and a contract can require: every ProductField but source.
var unifiedFieldByName = func() map[string]*ProductField {
	m := make(map[string]*ProductField, len(ProductFields))
	for i := range ProductFields {
		if f := &ProductFields[i]; f.id != fSource {
			m[f.Name] = f
		}
	}
	return m
}()

// UnifiedFields returns the names of the unified fields in Product order:
// id, title, description, brand, manufacturer, category, price, currency,
// model_number, gtin, url, updated_at. "id" is Product.SourceID.
func UnifiedFields() []string {
	var names []string
	for _, f := range ProductFields {
		if _, ok := unifiedFieldByName[f.Name]; ok {
			names = append(names, f.Name)
		}
	}
	return names
}

// transform is a string transform of a field mapping.
type transform uint8

const (
	tTrim transform = iota
	tLower
	tUpper
	tCollapseSpaces
	tDigits
	tStripHTML
	tPrice
	tTimestamp
)

var transformNames = [...]string{"trim", "lower", "upper", "collapse_spaces", "digits", "strip_html", "price", "timestamp"}

func lookupTransform(name string) (transform, bool) {
	i := slices.Index(transformNames[:], name)
	return transform(i), i >= 0
}

// Mapper maps a source's raw records onto Product. It is immutable after
// NewMapper and safe for concurrent use.
type Mapper struct {
	source          string
	plans           []fieldPlan // ordered by target field, id first
	defaultCurrency string      // the price mapping's currency
	contract        ContractConfig
}

type fieldPlan struct {
	from       string
	to         fieldID
	ops        []transform // string transforms after trim; price/timestamp are implied by the target
	layout     string
	currency   string
	minorUnits bool
}

// NewMapper prepares the mapping of schema for records of src. It checks
// the schema like Validate does and returns the problems joined.
func NewMapper(src SourceConfig, schema SchemaConfig) (*Mapper, error) {
	ch := &checker{}
	ch.schema(schema, "schemas."+schema.Name)
	if err := ch.err(); err != nil {
		return nil, err
	}
	m := &Mapper{source: src.Name, contract: schema.Contract}
	for from, fm := range schema.Fields {
		f := unifiedFieldByName[fm.To]
		pl := fieldPlan{from: from, to: f.id, layout: fm.Format}
		for _, name := range fm.Transforms {
			switch t, _ := lookupTransform(name); t {
			case tTrim, tPrice, tTimestamp:
			default:
				pl.ops = append(pl.ops, t)
			}
		}
		if f.id == fPrice {
			pl.currency = NormalizeCurrency(fm.Currency, "")
			pl.minorUnits = fm.MinorUnits
			m.defaultCurrency = pl.currency
		}
		m.plans = append(m.plans, pl)
	}
	// id first so later errors can name the record.
	slices.SortFunc(m.plans, func(a, b fieldPlan) int { return int(a.to) - int(b.to) })
	return m, nil
}

// Map maps one raw record. Every mapped value is trimmed, then transformed
// in the listed order; price fields are parsed with ParsePrice (the
// mapping's currency as default), updated_at with ParseTimestamp (the
// mapping's format) and gtin keeps digits only. A mapped currency field
// wins over the currency found in the price. A price in minor units (the
// mapping's MinorUnits) is scaled by the final currency's exponent. Source
// fields the schema does not map are ignored; absent and empty values leave
// the field unset.
//
// Errors are *RejectError: the reader's decode error (wrapping ErrDecode),
// or an unparseable price or timestamp. The contract is not checked; see
// MapChecked. On error the returned Product is partial.
func (m *Mapper) Map(raw RawRecord) (Product, error) {
	p := Product{Source: m.source}
	if raw.Err != nil {
		return p, m.decodeError(raw)
	}
	var priceCurrency, fieldCurrency string
	var minorUnits uint64 // the price, when given in minor units
	minorPrice := false
	for i := range m.plans {
		pl := &m.plans[i]
		v, ok := raw.Fields[pl.from]
		if !ok {
			continue
		}
		v = applyTransforms(pl.ops, strings.TrimSpace(v))
		switch pl.to {
		case fPrice:
			if v == "" {
				continue
			}
			if pl.minorUnits {
				n, err := parseMinorUnits(v)
				if err != nil {
					return p, &RejectError{Source: m.source, SourceID: p.SourceID, Position: raw.Position, Field: "price", Reason: err.Error(), Err: err}
				}
				minorUnits, minorPrice, p.HasPrice, priceCurrency = n, true, true, pl.currency
				continue
			}
			price, cur, err := ParsePrice(v, pl.currency)
			if err != nil {
				return p, &RejectError{Source: m.source, SourceID: p.SourceID, Position: raw.Position, Field: "price", Reason: err.Error(), Err: err}
			}
			p.Price, p.HasPrice, priceCurrency = price, true, cur
		case fUpdatedAt:
			if v == "" {
				continue
			}
			ts, err := ParseTimestamp(v, pl.layout)
			if err != nil {
				return p, &RejectError{Source: m.source, SourceID: p.SourceID, Position: raw.Position, Field: "updated_at", Reason: err.Error(), Err: err}
			}
			p.UpdatedAt = ts
		case fCurrency:
			fieldCurrency = NormalizeCurrency(v, m.defaultCurrency)
		case fGTIN:
			p.GTIN = keepDigits(v)
		default:
			*stringField(&p, pl.to) = v
		}
	}
	p.Currency = fieldCurrency
	if p.Currency == "" {
		p.Currency = priceCurrency
	}
	if minorPrice {
		exp, ok := minorUnitExponent(p.Currency)
		if !ok {
			err := fmt.Errorf("%w %q for the price %d in minor units: want an ISO 4217 currency with a minor unit", ErrInvalidCurrency, p.Currency, minorUnits)
			return p, &RejectError{Source: m.source, SourceID: p.SourceID, Position: raw.Position, Field: "price", Reason: err.Error(), Err: err}
		}
		// Both operands are exact, and IEEE division rounds correctly, so
		// 1299 / 100 is the same float64 as ParseFloat("12.99").
		p.Price = float64(minorUnits) / pow10[exp]
	}
	return p, nil
}

// maxMinorUnits keeps amounts exact as float64 (2^53).
const maxMinorUnits = 1 << 53

var pow10 = [...]float64{1, 10, 100, 1000, 10000}

// parseMinorUnits parses a price given in minor units: ASCII digits only.
// Errors wrap ErrInvalidPrice.
func parseMinorUnits(s string) (uint64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w %q: minor_units wants a whole number of minor units, 0 or more", ErrInvalidPrice, s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > maxMinorUnits {
		return 0, fmt.Errorf("%w %q: too large", ErrInvalidPrice, s)
	}
	return n, nil
}

// MapChecked maps raw and checks the schema's contract, filling in the
// record's position on contract violations.
func (m *Mapper) MapChecked(raw RawRecord) (Product, error) {
	p, err := m.Map(raw)
	if err != nil {
		return p, err
	}
	err = m.contract.Check(&p)
	if err != nil {
		setPosition(err, raw.Position)
	}
	return p, err
}

func setPosition(err error, pos string) {
	if re, ok := err.(*RejectError); ok && re.Position == "" {
		re.Position = pos
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			setPosition(e, pos)
		}
	}
}

func (m *Mapper) decodeError(raw RawRecord) error {
	var re *RejectError
	if errors.As(raw.Err, &re) {
		if re.Source == "" {
			re.Source = m.source
		}
		if re.Position == "" {
			re.Position = raw.Position
		}
		return re
	}
	err := raw.Err
	if !errors.Is(err, ErrDecode) {
		err = fmt.Errorf("%w: %w", ErrDecode, raw.Err)
	}
	return &RejectError{Source: m.source, Position: raw.Position, Reason: raw.Err.Error(), Err: err}
}

func applyTransforms(ops []transform, s string) string {
	for _, t := range ops {
		switch t {
		case tLower:
			s = strings.ToLower(s)
		case tUpper:
			s = strings.ToUpper(s)
		case tCollapseSpaces:
			s = collapseSpaces(s)
		case tDigits:
			s = keepDigits(s)
		case tStripHTML:
			s = stripHTML(s)
		}
	}
	return s
}

// keepDigits returns the ASCII digits of s, without allocating when s has
// nothing else.
func keepDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

// collapseSpaces replaces runs of Unicode white space with one ASCII space
// and trims the ends. It returns s itself when nothing changes.
func collapseSpaces(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsCollapse(s string) bool {
	prevSpace := true // a leading space needs trimming
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if prevSpace {
					return true
				}
				prevSpace = true
			case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
				return true
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return true
		}
		prevSpace = false
		i += size
	}
	return prevSpace && s != ""
}

// stripHTML removes tags and comments, unescapes entities and collapses
// white space as a browser would. Tags other than inline formatting ones
// separate words ("<li>a</li><li>b</li>" is "a b"); a "<" that cannot
// start a tag ("size < 5") is kept.
func stripHTML(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		if strings.IndexByte(s, '&') >= 0 {
			s = html.UnescapeString(s)
		}
		return collapseSpaces(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' || i+1 == len(s) || !(isASCIILetter(s[i+1]) || s[i+1] == '/' || s[i+1] == '!' || s[i+1] == '?') {
			b.WriteByte(c)
			i++
			continue
		}
		closing := ">"
		if strings.HasPrefix(s[i:], "<!--") {
			closing = "-->"
		}
		end := strings.Index(s[i+1:], closing)
		if end < 0 { // unterminated: drop the rest, it is a broken tag
			break
		}
		if !isInlineTag(s[i+1 : i+1+end]) {
			b.WriteByte(' ')
		}
		i += 1 + end + len(closing)
	}
	out := b.String()
	if strings.IndexByte(out, '&') >= 0 {
		out = html.UnescapeString(out)
	}
	return collapseSpaces(out)
}

// isInlineTag reports whether a tag body ("b", "/strong", "a href=...")
// names an inline formatting element, which does not separate words.
func isInlineTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	n := 0
	for n < len(tag) && isASCIILetter(tag[n]) {
		n++
	}
	switch strings.ToLower(tag[:n]) {
	case "a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "font", "i", "kbd", "mark",
		"q", "s", "small", "span", "strike", "strong", "sub", "sup", "u", "var", "wbr":
		return true
	}
	return false
}
