package sources

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// flattenJSON decodes one JSON object (RFC 8259, strictly: no NaN, no
// comments, no trailing commas) into flat string fields: nested objects
// become dotted names, arrays stay compact JSON text, numbers keep their
// input text, booleans are "true"/"false" and nulls are absent. Errors wrap
// ErrInvalidUTF8, ErrInvalidJSON, ErrNotObject or ErrDuplicateField.
//
// It is a single pass over data with no tokenizer allocations: about ten
// times faster than encoding/json's Decoder.Token, whose results it
// matches (FuzzFlattenJSON checks this against flattenJSONRef).
//
// Values are substrings of data where no unescaping is needed, so the
// fields share data's memory.
func flattenJSON(data string) (map[string]string, error) {
	if !utf8.ValidString(data) {
		return nil, invalidUTF8([]byte(data))
	}
	s := jsonScanner{data: data}
	s.skipSpace()
	if s.pos == len(data) {
		return nil, fmt.Errorf("%w: empty input", ErrInvalidJSON)
	}
	if data[s.pos] != '{' {
		if json.Valid([]byte(data)) {
			return nil, fmt.Errorf("%w: found %s", ErrNotObject, kindOf(data[s.pos]))
		}
		return nil, s.validate()
	}
	s.pos++
	s.fields = make(map[string]string, 16)
	if err := s.object("", 1); err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(data) {
		return nil, fmt.Errorf("%w: data after the object at byte %d", ErrInvalidJSON, s.pos)
	}
	return s.fields, nil
}

// maxJSONDepth bounds nesting like encoding/json does.
const maxJSONDepth = 10000

type jsonScanner struct {
	data   string
	pos    int
	fields map[string]string
	buf    []byte // scratch for unescaping and compacting
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *jsonScanner) errorf(context string) error {
	if s.pos >= len(s.data) {
		return fmt.Errorf("%w: unexpected end of input", ErrInvalidJSON)
	}
	r, _ := utf8.DecodeRuneInString(s.data[s.pos:])
	if context != "" {
		context = " " + context
	}
	return fmt.Errorf("%w: invalid character %s%s at byte %d", ErrInvalidJSON, quoteChar(r), context, s.pos)
}

func quoteChar(r rune) string {
	if r == '\'' {
		return `'\''`
	}
	if r == '"' {
		return `'"'`
	}
	q := strconv.Quote(string(r))
	return "'" + q[1:len(q)-1] + "'"
}

// object reads the members of an object whose '{' was consumed.
func (s *jsonScanner) object(prefix string, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("%w: nested too deeply", ErrInvalidJSON)
	}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.errorf("looking for beginning of object key string")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.errorf("after object key")
		}
		s.pos++
		s.skipSpace()
		if err := s.value(prefix+key, depth); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("after object key:value pair")
		}
	}
}

// value reads one member value into field name.
func (s *jsonScanner) value(name string, depth int) error {
	if s.pos >= len(s.data) {
		return s.errorf("")
	}
	var v string
	switch c := s.data[s.pos]; c {
	case '{':
		s.pos++
		return s.object(name+".", depth+1)
	case '[':
		start := s.pos
		if err := s.skipValue(depth + 1); err != nil {
			return err
		}
		v = s.compact(s.data[start:s.pos])
	case '"':
		str, err := s.str()
		if err != nil {
			return err
		}
		v = str
	case 't', 'f', 'n':
		lit := map[byte]string{'t': "true", 'f': "false", 'n': "null"}[c]
		if err := s.literal(lit); err != nil {
			return err
		}
		if c == 'n' {
			return nil
		}
		v = lit
	default:
		start := s.pos
		if err := s.number(); err != nil {
			return err
		}
		v = s.data[start:s.pos]
	}
	if _, dup := s.fields[name]; dup {
		return fmt.Errorf("%w %q", ErrDuplicateField, name)
	}
	s.fields[name] = v
	return nil
}

// skipValue validates and consumes any value.
func (s *jsonScanner) skipValue(depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("%w: nested too deeply", ErrInvalidJSON)
	}
	if s.pos >= len(s.data) {
		return s.errorf("")
	}
	switch c := s.data[s.pos]; c {
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.pos++
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == end {
			s.pos++
			return nil
		}
		for {
			s.skipSpace()
			if c == '{' {
				if s.pos >= len(s.data) || s.data[s.pos] != '"' {
					return s.errorf("looking for beginning of object key string")
				}
				if err := s.skipString(); err != nil {
					return err
				}
				s.skipSpace()
				if s.pos >= len(s.data) || s.data[s.pos] != ':' {
					return s.errorf("after object key")
				}
				s.pos++
				s.skipSpace()
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos >= len(s.data) {
				return s.errorf("")
			}
			switch s.data[s.pos] {
			case ',':
				s.pos++
			case end:
				s.pos++
				return nil
			default:
				if c == '{' {
					return s.errorf("after object key:value pair")
				}
				return s.errorf("after array element")
			}
		}
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *jsonScanner) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		if s.pos >= len(s.data) || s.data[s.pos] != lit[i] {
			if i == 0 {
				return s.errorf("looking for beginning of value")
			}
			return s.errorf("in literal " + lit + " (expecting " + quoteChar(rune(lit[i])) + ")")
		}
		s.pos++
	}
	return nil
}

// number consumes a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() error {
	d := s.data
	if s.pos < len(d) && d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(d) && d[s.pos] == '0':
		s.pos++
	case s.pos < len(d) && d[s.pos] >= '1' && d[s.pos] <= '9':
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	default:
		if s.pos > 0 && d[s.pos-1] == '-' {
			return s.errorf("in numeric literal")
		}
		return s.errorf("looking for beginning of value")
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if s.pos >= len(d) || !isDigit(d[s.pos]) {
			return s.errorf("after decimal point in numeric literal")
		}
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.pos >= len(d) || !isDigit(d[s.pos]) {
			return s.errorf("in exponent of numeric literal")
		}
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipString validates and consumes a string literal.
func (s *jsonScanner) skipString() error {
	_, err := s.scanString(false)
	return err
}

// str consumes a string literal and returns its value.
func (s *jsonScanner) str() (string, error) {
	return s.scanString(true)
}

// scanString consumes the string literal at s.pos (its '"'), unescaping
// it when decode is set. Lone surrogates become U+FFFD, as in
// encoding/json. The input is known to be valid UTF-8.
func (s *jsonScanner) scanString(decode bool) (string, error) {
	d := s.data
	s.pos++ // opening quote
	start := s.pos
	for s.pos < len(d) { // fast path: no escapes
		c := d[s.pos]
		if c == '"' {
			s.pos++
			if !decode {
				return "", nil
			}
			return d[start : s.pos-1], nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", s.errorf("in string literal")
		}
		s.pos++
	}
	buf := append(s.buf[:0], d[start:s.pos]...)
	for s.pos < len(d) {
		c := d[s.pos]
		switch {
		case c == '"':
			s.pos++
			s.buf = buf
			if !decode {
				return "", nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", s.errorf("in string literal")
		case c != '\\':
			buf = append(buf, c)
			s.pos++
			continue
		}
		s.pos++ // backslash
		if s.pos >= len(d) {
			break
		}
		switch e := d[s.pos]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := s.hex4(s.pos + 1)
			if !ok {
				return "", s.errorf("in \\u hexadecimal character escape")
			}
			s.pos += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if s.pos+2 < len(d) && d[s.pos+1] == '\\' && d[s.pos+2] == 'u' {
					r2, ok2 = s.hex4(s.pos + 3)
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					s.pos += 6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", s.errorf("in string escape code")
		}
		s.pos++
	}
	s.buf = buf
	return "", fmt.Errorf("%w: unexpected end of input", ErrInvalidJSON)
}

// hex4 reads four hex digits at i.
func (s *jsonScanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.data) {
		if i < len(s.data) {
			s.pos = len(s.data) // report the end of input
		}
		return 0, false
	}
	var r rune
	for _, c := range s.data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// compact returns a validated value's text without insignificant space.
func (s *jsonScanner) compact(text string) string {
	if !containsSpace(text) {
		return text
	}
	buf := s.buf[:0]
	inString := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			buf = append(buf, c)
			if c == '\\' && i+1 < len(text) {
				i++
				buf = append(buf, text[i])
			} else if c == '"' {
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			if c == '"' {
				inString = true
			}
			buf = append(buf, c)
		}
	}
	s.buf = buf
	return string(buf)
}

// containsSpace reports whether text has JSON whitespace anywhere (in
// strings too: then compact does the exact work).
func containsSpace(text string) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
			return true
		}
	}
	return false
}

// validate returns the syntax error of invalid input that does not start
// with '{'.
func (s *jsonScanner) validate() error {
	s.fields = map[string]string{}
	if err := s.skipValue(1); err != nil {
		return err
	}
	s.skipSpace()
	return fmt.Errorf("%w: data after the value at byte %d", ErrInvalidJSON, s.pos)
}

func kindOf(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	}
	return fmt.Sprintf("%T", tok)
}
