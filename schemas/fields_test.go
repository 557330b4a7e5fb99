package schemas

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// A field of Product missing from ProductFields, or described with the
// wrong kind, shows up here.
func TestProductFieldsCoverProduct(t *testing.T) {
	var full Product
	fillNonZero(reflect.ValueOf(&full).Elem())
	var copied Product
	for i, f := range ProductFields {
		if f.id != fieldID(i) {
			t.Errorf("ProductFields[%d] (%s) has id %d", i, f.Name, f.id)
		}
		if (stringField(&full, f.id) != nil) != (f.Kind == KindString) {
			t.Errorf("%s: kind %d, but stringField says otherwise", f.Name, f.Kind)
		}
		if !f.Has(&full) || f.Text(&full) == "" || f.Has(&Product{}) || f.Text(&Product{}) != "" {
			t.Errorf("%s: Has or Text does not see the field", f.Name)
		}
		f.Copy(&copied, &full)
	}
	if copied != full {
		t.Errorf("copying every ProductField gives\n%+v\nnot\n%+v", copied, full)
	}
	var decoded Product
	if _, err := DecodeProduct(AppendProduct(nil, &full), &decoded); err != nil || decoded != full {
		t.Errorf("codec round trip gives %+v, %v", decoded, err)
	}
	if got := UnifiedFields(); len(got) != len(ProductFields)-1 || slices.Contains(got, "source") {
		t.Errorf("UnifiedFields() = %q: want every field but source", got)
	}
}

// Every output row that carries a product has a column for each of its
// fields, in ProductFields order (other columns may come between): a field
// added to the table but not to ProductColumns fails here.
func TestRowsHaveEveryField(t *testing.T) {
	var key, content []string
	for _, f := range ProductFields {
		switch {
		case f.Name == "id":
			key = append(key, "source_id")
		case f.Key:
			key = append(key, f.Name)
		default:
			content = append(content, f.Name)
		}
	}
	curated := slices.DeleteFunc(slices.Clone(content), func(c string) bool { return c == "category" }) // the partition
	for _, tc := range []struct {
		row  any
		want []string
	}{
		{RecordRow{}, slices.Concat(key, content)},
		{ProductRow{}, slices.Concat(key, content)},
		{MasterRow{}, content},
		{CuratedMasterRow{}, curated},
	} {
		var got []string
		for _, f := range parquet.SchemaOf(tc.row).Fields() {
			if slices.Contains(tc.want, f.Name()) {
				got = append(got, f.Name())
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%T has the product columns %q, want %q", tc.row, got, tc.want)
		}
	}
}

// The conversions between Product and the rows copy every field.
func TestRowConversions(t *testing.T) {
	var p Product
	fillNonZero(reflect.ValueOf(&p).Elem())
	content := p
	content.Source, content.SourceID = "", ""
	c := NewProductColumns(&p)
	if z := zeroFields(reflect.ValueOf(c)); len(z) > 0 {
		t.Errorf("NewProductColumns leaves %v unset", z)
	}
	if got := c.Values(); got != content {
		t.Errorf("NewProductColumns, Values = %+v, want %+v", got, content)
	}
	if c := NewProductColumns(&Product{Price: 3}); c.Price != nil {
		t.Errorf("a price without HasPrice became %v", *c.Price)
	}
	if c := NewProductColumns(&Product{HasPrice: true}); c.Price == nil || *c.Price != 0 || !c.Values().HasPrice {
		t.Errorf("a zero price that is set became %v", c.Price)
	}
	r := NewRecordRow(&p)
	if got := r.Product(); got != p {
		t.Errorf("RecordRow round trip = %+v, want %+v", got, p)
	}
}
