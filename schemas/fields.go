package schemas

import (
	"cmp"
	"slices"
	"strconv"
)

// The one list of Product's fields. The codec, fingerprints, the source
// mapping, contracts and survivorship work through it. The output rows
// declare their columns as Go structs, as Parquet wants: the product's
// content columns once, in ProductColumns (rows.go), which RecordRow,
// ProductRow and MasterRow embed, and CuratedMasterRow too but for
// category, its partition (it embeds the two structs around category).
//
// Adding a field to Product: add it to fieldID, ProductFields and, for a
// string, stringFields below; then as a column to ProductColumns (in
// ProductFields order, so in ColumnsBeforeCategory or
// ColumnsAfterCategory) and to its conversions, NewProductColumns and
// Values. TestProductFieldsCoverProduct, TestRowsHaveEveryField and
// TestRowConversions fail until each is done.

// fieldID numbers Product's fields in Product's order; it indexes
// ProductFields.
type fieldID uint8

const (
	fSource fieldID = iota
	fID
	fTitle
	fDescription
	fBrand
	fManufacturer
	fCategory
	fPrice
	fCurrency
	fModelNumber
	fGTIN
	fURL
	fUpdatedAt
)

// FieldKind is how Product holds a field's value. Price and UpdatedAt are
// the only fields of their kinds: the codec, Text, Has and Copy name them.
type FieldKind uint8

const (
	KindString FieldKind = iota // a string, empty when unknown
	KindPrice                   // Price, set when HasPrice; it comes with Currency
	KindTime                    // UpdatedAt: Unix microseconds, 0 when unknown
)

// ProductField describes one field of Product.
type ProductField struct {
	// Name is the unified field name: in configs, reject rows, provenance
	// and, except "id" (source_id), as the column name.
	Name string
	Kind FieldKind
	// Key fields (source, id) identify the record; the others are its
	// content, which fingerprints hash and masters carry.
	Key bool
	// Survives: survivorship picks the field for a master. All content
	// fields but currency, which comes with the price: an amount means
	// nothing in another record's currency.
	Survives bool

	id fieldID
}

// ProductFields lists Product's fields in Product's order, which is also
// the order of the rows' columns.
var ProductFields = [...]ProductField{
	{Name: "source", Key: true, id: fSource},
	{Name: "id", Key: true, id: fID},
	{Name: "title", Survives: true, id: fTitle},
	{Name: "description", Survives: true, id: fDescription},
	{Name: "brand", Survives: true, id: fBrand},
	{Name: "manufacturer", Survives: true, id: fManufacturer},
	{Name: "category", Survives: true, id: fCategory},
	{Name: "price", Kind: KindPrice, Survives: true, id: fPrice},
	{Name: "currency", id: fCurrency},
	{Name: "model_number", Survives: true, id: fModelNumber},
	{Name: "gtin", Survives: true, id: fGTIN},
	{Name: "url", Survives: true, id: fURL},
	{Name: "updated_at", Kind: KindTime, Survives: true, id: fUpdatedAt},
}

// FieldsByKind are ProductFields stably sorted by kind: the strings, then
// the price, then the update time. The codec and fingerprints encode the
// fields in this order and survivorship picks them in it, so the order
// of master provenance follows it too.
var FieldsByKind = func() []ProductField {
	fs := slices.Clone(ProductFields[:])
	slices.SortStableFunc(fs, func(a, b ProductField) int { return cmp.Compare(a.Kind, b.Kind) })
	return fs
}()

// stringFields returns pointers to p's string fields, indexed by
// fieldID; nil for other kinds. An array of pointers rather than a func in
// ProductField: an indirect call would make p escape to the heap in the
// codec and in Mapper.Map.
func stringFields(p *Product) [len(ProductFields)]*string {
	return [...]*string{fSource: &p.Source, fID: &p.SourceID, fTitle: &p.Title, fDescription: &p.Description,
		fBrand: &p.Brand, fManufacturer: &p.Manufacturer, fCategory: &p.Category, fPrice: nil, fCurrency: &p.Currency,
		fModelNumber: &p.ModelNumber, fGTIN: &p.GTIN, fURL: &p.URL, fUpdatedAt: nil}
}

// stringField returns the string field of p for f, nil for other kinds.
func stringField(p *Product, f fieldID) *string { return stringFields(p)[f] }

// Text returns f's value in p as text, empty when unset: a price with
// strconv's shortest 'f' formatting, a time as its decimal microseconds.
func (f *ProductField) Text(p *Product) string {
	switch f.Kind {
	case KindPrice:
		if !p.HasPrice {
			return ""
		}
		return strconv.FormatFloat(p.Price, 'f', -1, 64)
	case KindTime:
		if p.UpdatedAt == 0 {
			return ""
		}
		return strconv.FormatInt(p.UpdatedAt, 10)
	}
	return *stringField(p, f.id)
}

// Has reports whether f is set in p: a non-empty string, a price, a time
// other than 0.
func (f *ProductField) Has(p *Product) bool {
	switch f.Kind {
	case KindPrice:
		return p.HasPrice
	case KindTime:
		return p.UpdatedAt != 0
	}
	return *stringField(p, f.id) != ""
}

// Copy sets f in dst to its value in src; a price comes with its currency.
func (f *ProductField) Copy(dst, src *Product) {
	switch f.Kind {
	case KindPrice:
		dst.Price, dst.HasPrice, dst.Currency = src.Price, src.HasPrice, src.Currency
	case KindTime:
		dst.UpdatedAt = src.UpdatedAt
	default:
		*stringField(dst, f.id) = *stringField(src, f.id)
	}
}
