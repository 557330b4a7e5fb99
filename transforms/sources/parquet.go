package sources

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() { Register("parquet", openParquet) }

// parquetDecoder reads any Parquet schema generically, row group by row
// group, a batch of rows at a time (never the whole file's rows).
//
// Every leaf column becomes a field named by its dotted path
// ("offer.price", "tags.list.element"). Values are rendered as text:
// integers in decimal (unsigned when annotated so), FLOAT and DOUBLE with
// strconv 'g' -1, booleans as true/false, strings as is, DECIMAL exactly
// ("12.50"), DATE as 2006-01-02, TIME as 15:04:05.999999999, TIMESTAMP and
// legacy INT96 timestamps as RFC 3339 in UTC (also for timestamps not
// adjusted to UTC), UUID in canonical form, and other binary values as
// text when they are valid UTF-8, else standard base64. Null values are
// absent. A repeated column becomes a JSON array of its values in the row.
//
// Raw is the record's fields as a JSON object. A STRING value that is not
// valid UTF-8 is a record error; a corrupt file (footer, page, encoding)
// is fatal, as is a panic inside parquet-go.
//
// Parquet needs random access: when r is not an io.ReaderAt with a known
// size (an *os.File, *bytes.Reader, *strings.Reader, *io.SectionReader),
// the whole file is read into memory first.
type parquetDecoder struct {
	name    string
	file    *parquet.File
	columns []parquetColumn
	groups  []parquet.RowGroup
	rows    parquet.Rows // current row group's rows; nil between groups
	batch   []parquet.Row
	pending []schemas.RawRecord
	row     int64
	done    bool
}

type parquetColumn struct {
	name     string
	typ      parquet.Type
	repeated bool
}

const parquetBatch = 128

func openParquet(r io.Reader, name string, _ schemas.SourceConfig) (dec Decoder, err error) {
	ra, size, err := readerAt(r)
	if err != nil {
		return nil, fmt.Errorf("opening %s as parquet: reading the file: %w", name, err)
	}
	defer func() {
		if p := recover(); p != nil {
			dec, err = nil, fmt.Errorf("opening %s as parquet: decoder panic: %v", name, p)
		}
	}()
	f, err := parquet.OpenFile(ra, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, fmt.Errorf("opening %s as parquet: %w", name, err)
	}
	d := &parquetDecoder{name: name, file: f, groups: f.RowGroups()}
	schema := f.Schema()
	for _, path := range schema.Columns() {
		leaf, ok := schema.Lookup(path...)
		if !ok {
			return nil, fmt.Errorf("opening %s as parquet: column %s is not in the schema", name, strings.Join(path, "."))
		}
		if leaf.ColumnIndex != len(d.columns) {
			return nil, fmt.Errorf("opening %s as parquet: column %s has index %d, want %d", name, strings.Join(path, "."), leaf.ColumnIndex, len(d.columns))
		}
		d.columns = append(d.columns, parquetColumn{
			name:     strings.Join(path, "."),
			typ:      leaf.Node.Type(),
			repeated: leaf.MaxRepetitionLevel > 0,
		})
	}
	return d, nil
}

// readerAt gives random access to r, reading it into memory if needed.
func readerAt(r io.Reader) (io.ReaderAt, int64, error) {
	switch v := r.(type) {
	case *os.File:
		st, err := v.Stat()
		if err == nil && st.Mode().IsRegular() {
			return v, st.Size(), nil
		}
	case interface {
		io.ReaderAt
		Size() int64
	}:
		return v, v.Size(), nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, err
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

func (d *parquetDecoder) Next() (rec schemas.RawRecord, err error) {
	for len(d.pending) == 0 {
		if d.done {
			return schemas.RawRecord{}, io.EOF
		}
		if err := d.fill(); err != nil {
			d.done = true
			if d.rows != nil {
				d.rows.Close()
			}
			return schemas.RawRecord{}, err
		}
	}
	rec = d.pending[0]
	d.pending[0] = schemas.RawRecord{}
	d.pending = d.pending[1:]
	return rec, nil
}

// fill decodes the next batch of rows into d.pending, or sets d.done.
func (d *parquetDecoder) fill() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reading %s near row %d: decoder panic: %v", d.name, d.row+1, p)
		}
	}()
	if d.rows == nil {
		if len(d.groups) == 0 {
			d.done = true
			return nil
		}
		d.rows = d.groups[0].Rows()
		d.groups = d.groups[1:]
	}
	if d.batch == nil {
		d.batch = make([]parquet.Row, parquetBatch)
	}
	n, err := d.rows.ReadRows(d.batch)
	if err != nil && err != io.EOF {
		return fmt.Errorf("reading %s near row %d: %w", d.name, d.row+1, err)
	}
	if d.pending == nil || cap(d.pending) < n {
		d.pending = make([]schemas.RawRecord, 0, parquetBatch)
	}
	d.pending = d.pending[:0]
	for _, row := range d.batch[:n] {
		d.row++
		d.pending = append(d.pending, d.record(row))
	}
	if err == io.EOF || n == 0 {
		if cerr := d.rows.Close(); cerr != nil {
			return fmt.Errorf("reading %s: closing row group: %w", d.name, cerr)
		}
		d.rows = nil
	}
	return nil
}

// record renders one row. Values come ordered by column index.
func (d *parquetDecoder) record(row parquet.Row) schemas.RawRecord {
	rec := schemas.RawRecord{Position: d.name + " row " + strconv.FormatInt(d.row, 10)}
	fields := make(map[string]string, len(d.columns))
	for i := 0; i < len(row); {
		col := row[i].Column()
		j := i + 1
		for j < len(row) && row[j].Column() == col {
			j++
		}
		values := row[i:j]
		i = j
		if col < 0 || col >= len(d.columns) {
			rec.Err = &DecodeError{Position: rec.Position, Err: fmt.Errorf("value for unknown column %d", col)}
			continue
		}
		c := d.columns[col]
		if !c.repeated {
			if values[0].IsNull() {
				continue
			}
			s, _, err := renderParquet(values[0], c.typ)
			if err != nil && rec.Err == nil {
				rec.Err = &DecodeError{Position: rec.Position, Field: c.name, Err: err}
			}
			fields[c.name] = s
			continue
		}
		var arr []byte
		for _, v := range values {
			if v.IsNull() {
				continue // an empty or null list, or a null element
			}
			s, quote, err := renderParquet(v, c.typ)
			if err != nil && rec.Err == nil {
				rec.Err = &DecodeError{Position: rec.Position, Field: c.name, Err: err}
			}
			if arr == nil {
				arr = append(arr, '[')
			} else {
				arr = append(arr, ',')
			}
			if quote {
				arr = appendJSONString(arr, s)
			} else {
				arr = append(arr, s...)
			}
		}
		if arr != nil {
			fields[c.name] = string(append(arr, ']'))
		}
	}
	raw, _ := json.Marshal(fields) // a map[string]string always marshals
	rec.Raw = rawText(raw)
	if rec.Err == nil {
		rec.Fields = fields
	}
	return rec
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// renderParquet renders one non-null value of a column of type t. quote
// reports whether the text is a JSON string (false for numbers and
// booleans) when it goes into a JSON array.
func renderParquet(v parquet.Value, t parquet.Type) (s string, quote bool, err error) {
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch l := lt.Value.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			b := v.ByteArray()
			if !utf8.Valid(b) {
				return rawText(b), true, invalidUTF8(b)
			}
			return string(b), true, nil
		case *format.DateType:
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly), true, nil
		case *format.TimestampType:
			return unitTime(v.Int64(), l.Unit).Format(time.RFC3339Nano), true, nil
		case *format.TimeType:
			var n int64
			if v.Kind() == parquet.Int32 {
				n = int64(v.Int32())
			} else {
				n = v.Int64()
			}
			return unitTime(n, l.Unit).Format("15:04:05.999999999"), true, nil
		case *format.DecimalType:
			return renderDecimal(v, int(l.Scale)), false, nil
		case *format.IntType:
			if !l.IsSigned {
				if v.Kind() == parquet.Int32 {
					return strconv.FormatUint(uint64(v.Uint32()), 10), false, nil
				}
				return strconv.FormatUint(v.Uint64(), 10), false, nil
			}
		case *format.UUIDType:
			b := v.ByteArray()
			if len(b) == 16 {
				return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), true, nil
			}
		case *format.Float16Type:
			b := v.ByteArray()
			if len(b) == 2 {
				return formatFloat(float64(float16(binary.LittleEndian.Uint16(b))), 32)
			}
		}
	}
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean()), false, nil
	case parquet.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10), false, nil
	case parquet.Int64:
		return strconv.FormatInt(v.Int64(), 10), false, nil
	case parquet.Int96:
		// Legacy (Impala, Spark) timestamps: nanoseconds of the day, then
		// the Julian day number.
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		days := int64(i[2]) - 2440588 // Julian day of 1970-01-01
		return time.Unix(days*86400, nanos).UTC().Format(time.RFC3339Nano), true, nil
	case parquet.Float:
		return formatFloat(float64(v.Float()), 32)
	case parquet.Double:
		return formatFloat(v.Double(), 64)
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if utf8.Valid(b) {
			return string(b), true, nil
		}
		return base64.StdEncoding.EncodeToString(b), true, nil
	}
	return v.String(), true, nil
}

// formatFloat renders like strconv 'g' -1; NaN and infinities, which JSON
// cannot hold as numbers, are rendered as text and quoted in arrays.
func formatFloat(f float64, bits int) (s string, quote bool, err error) {
	return strconv.FormatFloat(f, 'g', -1, bits), math.IsNaN(f) || math.IsInf(f, 0), nil
}

func unitTime(n int64, unit format.TimeUnit) time.Time {
	switch unit.Value.(type) {
	case *format.MilliSeconds:
		return time.UnixMilli(n).UTC()
	case *format.NanoSeconds:
		return time.Unix(0, n).UTC()
	default:
		return time.UnixMicro(n).UTC()
	}
}

// renderDecimal renders an unscaled decimal (INT32, INT64 or big-endian
// two's complement bytes) with scale digits after the point.
func renderDecimal(v parquet.Value, scale int) string {
	var unscaled *big.Int
	switch v.Kind() {
	case parquet.Int32:
		unscaled = big.NewInt(int64(v.Int32()))
	case parquet.Int64:
		unscaled = big.NewInt(v.Int64())
	default:
		b := v.ByteArray()
		unscaled = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
		}
	}
	return decimalString(unscaled, scale)
}

func decimalString(unscaled *big.Int, scale int) string {
	if scale <= 0 {
		return new(big.Int).Mul(unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil)).String()
	}
	neg := unscaled.Sign() < 0
	digits := new(big.Int).Abs(unscaled).String()
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	s := digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

// float16 converts IEEE 754 half-precision bits.
func float16(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		f := float32(frac) / 1024 / 16384
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}
