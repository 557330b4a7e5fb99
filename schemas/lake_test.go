package schemas

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// The curated files are the masters minus the partition column, nothing
// else: same names, types and order.
func TestCuratedMasterRowSchema(t *testing.T) {
	var want []string
	for _, f := range parquet.SchemaOf(MasterRow{}).Fields() {
		if f.Name() != "category" {
			want = append(want, f.Name()+" "+f.String())
		}
	}
	var got []string
	for _, f := range parquet.SchemaOf(CuratedMasterRow{}).Fields() {
		got = append(got, f.Name()+" "+f.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("CuratedMasterRow columns\n%q\nwant MasterRow's without category\n%q", got, want)
	}
}

// fillNonZero sets every field of the struct v points to, and of the
// structs it embeds.
func fillNonZero(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if v.Type().Field(i).Anonymous {
			fillNonZero(f)
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x" + v.Type().Field(i).Name)
		case reflect.Int64:
			f.SetInt(int64(i + 1))
		case reflect.Float64:
			f.SetFloat(float64(i) + 0.5)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		}
	}
}

// zeroFields lists the fields of the struct v that are zero, and those of
// the structs it embeds.
func zeroFields(v reflect.Value) []string {
	var out []string
	for i := range v.NumField() {
		if v.Type().Field(i).Anonymous {
			out = append(out, zeroFields(v.Field(i))...)
		} else if v.Field(i).IsZero() {
			out = append(out, v.Type().Field(i).Name)
		}
	}
	return out
}

// A field added to Product or MasterRow but not to the conversion shows up
// here as a zero column.
func TestLakeRowConversionsCopyEveryField(t *testing.T) {
	var p Product
	fillNonZero(reflect.ValueOf(&p).Elem())
	if z := zeroFields(reflect.ValueOf(NewProductRow(&p))); len(z) > 0 {
		t.Errorf("NewProductRow leaves %v unset", z)
	}
	var m MasterRow
	fillNonZero(reflect.ValueOf(&m).Elem())
	if z := zeroFields(reflect.ValueOf(NewCuratedMasterRow(&m))); len(z) > 0 {
		t.Errorf("NewCuratedMasterRow leaves %v unset", z)
	}
}

func TestRawRowParquetRoundTrip(t *testing.T) {
	rows := []RawRow{
		{Position: "items.csv:2", Fields: map[string]string{"item_id": "7", "item_title": "Sony WH-1000XM4"}},
		{Position: "items.csv:3", Fields: map[string]string{}, DecodeError: "wrong number of fields"},
	}
	if got := roundTrip(t, rows); !reflect.DeepEqual(got, rows) {
		t.Errorf("RawRow round trip = %+v", got)
	}
	if s := parquet.SchemaOf(RawRow{}).String(); !strings.Contains(s, "(MAP)") {
		t.Errorf("RawRow fields is not a MAP column:\n%s", s)
	}
}
