package sources

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/ocf"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() { Register("avro", openAvro) }

// avroDecoder reads Avro Object Container Files (any codec hamba/avro
// supports: null, deflate, snappy, zstandard) with the writer's schema.
//
// Nested records are flattened with dotted names; a union takes the
// branch present in the record (null: absent); arrays and maps become
// compact JSON text. int and long are decimal, float and double strconv
// 'g' -1, bytes and fixed are text when valid UTF-8 else standard base64,
// enums their symbol. Logical types: decimal exactly ("12.50"), date as
// 2006-01-02, timestamps (also local-timestamp) as RFC 3339 in UTC,
// time-millis/micros as a Go duration ("1h2m3s"), uuid as is.
//
// Raw is the record's fields as a JSON object. A string that is not valid
// UTF-8 is a record error; a corrupt header or block (bad sync marker,
// truncated data, codec failure) is fatal, as is a panic inside the
// decoder.
type avroDecoder struct {
	name   string
	dec    *ocf.Decoder
	schema avro.Schema
	record int
	done   bool
}

func openAvro(r io.Reader, name string, _ schemas.SourceConfig) (d Decoder, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("opening %s as avro: decoder panic: %v", name, p)
		}
	}()
	dec, err := ocf.NewDecoder(r)
	if err != nil {
		return nil, fmt.Errorf("opening %s as avro: reading the header: %w", name, err)
	}
	return &avroDecoder{name: name, dec: dec, schema: dec.Schema()}, nil
}

func (d *avroDecoder) Next() (rec schemas.RawRecord, err error) {
	if d.done {
		return schemas.RawRecord{}, io.EOF
	}
	defer func() {
		if p := recover(); p != nil {
			d.done = true
			rec, err = schemas.RawRecord{}, fmt.Errorf("reading %s near record %d: decoder panic: %v", d.name, d.record+1, p)
		}
	}()
	if !d.dec.HasNext() {
		d.done = true
		if err := d.dec.Error(); err != nil {
			return schemas.RawRecord{}, fmt.Errorf("reading %s after record %d: %w", d.name, d.record, err)
		}
		return schemas.RawRecord{}, io.EOF
	}
	var v any
	if err := d.dec.Decode(&v); err != nil {
		d.done = true
		return schemas.RawRecord{}, fmt.Errorf("reading %s: decoding record %d: %w", d.name, d.record+1, err)
	}
	d.record++
	rec.Position = d.name + " record " + strconv.Itoa(d.record)
	f := avroFlattener{fields: map[string]string{}}
	if d.schema.Type() == avro.Record || d.schema.Type() == avro.Ref {
		f.record("", d.schema, v)
	} else {
		f.value("value", d.schema, v) // a file of bare values
	}
	raw, _ := json.Marshal(f.fields)
	rec.Raw = rawText(raw)
	if f.err != nil {
		rec.Err = &DecodeError{Position: rec.Position, Field: f.errField, Err: f.err}
	} else {
		rec.Fields = f.fields
	}
	return rec, nil
}

type avroFlattener struct {
	fields   map[string]string
	err      error
	errField string
}

func (f *avroFlattener) record(prefix string, s avro.Schema, v any) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	rs, ok := s.(*avro.RecordSchema)
	m, ok2 := v.(map[string]any)
	if !ok || !ok2 {
		f.fail(prefix, fmt.Errorf("decoded %T for a %s", v, s.Type()))
		return
	}
	for _, field := range rs.Fields() {
		f.value(prefix+field.Name(), field.Type(), m[field.Name()])
	}
}

func (f *avroFlattener) value(name string, s avro.Schema, v any) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if v == nil {
		return
	}
	switch s.Type() {
	case avro.Record:
		f.record(name+".", s, v)
		return
	case avro.Union:
		branch, inner, ok := unionBranch(s.(*avro.UnionSchema), v)
		if !ok {
			f.fail(name, fmt.Errorf("cannot tell the union branch of a %T", v))
			return
		}
		f.value(name, branch, inner)
		return
	case avro.Array, avro.Map:
		b, err := json.Marshal(avroJSON(s, v))
		if err != nil {
			f.fail(name, err)
			return
		}
		f.fields[name] = string(b)
		return
	case avro.String:
		if str, ok := v.(string); ok && !utf8.ValidString(str) {
			f.fail(name, invalidUTF8([]byte(str)))
			return
		}
	}
	f.fields[name] = avroText(s, v)
}

func (f *avroFlattener) fail(field string, err error) {
	if f.err == nil {
		f.err, f.errField = err, field
	}
}

// unionBranch finds the schema of a decoded union value. hamba/avro
// decodes a union value either wrapped as {"branch name": value} or, for
// unions it can resolve, as the bare value: then the branch is the first
// whose Go type matches.
func unionBranch(u *avro.UnionSchema, v any) (avro.Schema, any, bool) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for key, inner := range m {
			for _, t := range u.Types() {
				if avroTypeName(t) == key {
					return t, inner, true
				}
			}
		}
	}
	for _, t := range u.Types() {
		if avroMatches(t, v) {
			return t, v, true
		}
	}
	return nil, nil, false
}

// avroMatches reports whether v is what hamba/avro decodes for s.
func avroMatches(s avro.Schema, v any) bool {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	ls := avroLogical(s)
	switch v.(type) {
	case time.Time:
		return ls != nil
	case time.Duration:
		return ls != nil
	case *big.Rat:
		return ls != nil && ls.Type() == avro.Decimal
	}
	if ls != nil {
		switch ls.Type() {
		case avro.Decimal, avro.Date, avro.TimeMillis, avro.TimeMicros, avro.TimestampMillis,
			avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
			return false // decoded as time or *big.Rat, handled above
		}
	}
	switch v.(type) {
	case string:
		return s.Type() == avro.String || s.Type() == avro.Enum
	case bool:
		return s.Type() == avro.Boolean
	case int, int32:
		return s.Type() == avro.Int
	case int64:
		return s.Type() == avro.Long
	case float32:
		return s.Type() == avro.Float
	case float64:
		return s.Type() == avro.Double
	case []byte:
		return s.Type() == avro.Bytes
	case []any:
		return s.Type() == avro.Array
	case map[string]any:
		return s.Type() == avro.Record || s.Type() == avro.Map
	}
	rv := reflect.ValueOf(v)
	return s.Type() == avro.Fixed && rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8
}

func avroTypeName(s avro.Schema) string {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if ls := avroLogical(s); ls != nil {
		name += "." + string(ls.Type())
	}
	return name
}

func avroLogical(s avro.Schema) avro.LogicalSchema {
	if lts, ok := s.(avro.LogicalTypeSchema); ok {
		if ls := lts.Logical(); ls != nil && !reflect.ValueOf(ls).IsNil() {
			return ls
		}
	}
	return nil
}

// avroText renders a scalar value.
func avroText(s avro.Schema, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		if ls := avroLogical(s); ls != nil && ls.Type() == avro.Date {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		return x.String()
	case *big.Rat:
		scale := 0
		if dec, ok := avroLogical(s).(*avro.DecimalLogicalSchema); ok {
			scale = dec.Scale()
		}
		return ratString(x, scale)
	case []byte:
		return bytesText(x)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 { // fixed
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return bytesText(b)
	}
	return fmt.Sprint(v)
}

func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func ratString(r *big.Rat, scale int) string {
	if scale <= 0 {
		return r.RatString()
	}
	return r.FloatString(scale)
}

// avroJSON converts a decoded array or map into values json.Marshal
// renders faithfully: unions unwrapped, scalars rendered like fields,
// numbers kept as numbers (NaN and infinities as strings).
func avroJSON(s avro.Schema, v any) any {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if v == nil {
		return nil
	}
	switch s.Type() {
	case avro.Union:
		branch, inner, ok := unionBranch(s.(*avro.UnionSchema), v)
		if !ok {
			return fmt.Sprint(v)
		}
		return avroJSON(branch, inner)
	case avro.Array:
		items, _ := v.([]any)
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = avroJSON(s.(*avro.ArraySchema).Items(), item)
		}
		return out
	case avro.Map:
		m, _ := v.(map[string]any)
		out := make(map[string]any, len(m))
		for k, item := range m {
			out[k] = avroJSON(s.(*avro.MapSchema).Values(), item)
		}
		return out
	case avro.Record:
		m, _ := v.(map[string]any)
		out := make(map[string]any, len(m))
		for _, field := range s.(*avro.RecordSchema).Fields() {
			out[field.Name()] = avroJSON(field.Type(), m[field.Name()])
		}
		return out
	}
	switch x := v.(type) {
	case bool, int, int32, int64:
		return x
	case float32:
		if f := float64(x); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 32))
		}
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case *big.Rat:
		return json.Number(avroText(s, v))
	}
	return avroText(s, v)
}
