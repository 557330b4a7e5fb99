package schemas

import (
	"errors"
	"strings"
)

// The output rows. Column names are the same in Parquet (parquet tags, for
// github.com/parquet-go/parquet-go) and BigQuery (bigquery tags).
//
// Repeated fields are plain repeated Parquet columns rather than LIST
// groups: BigQuery loads a plain repeated column as REPEATED without the
// list-inference option, whereas a LIST group becomes a nested
// "list.element" record unless every load job sets that option.

// RejectRow is a dead-letter record: one per rejected input record.
type RejectRow struct {
	Source   string `parquet:"source,dict" bigquery:"source"`
	SourceID string `parquet:"source_id" bigquery:"source_id"`
	Position string `parquet:"position" bigquery:"position"` // "file.jsonl:18"
	Field    string `parquet:"field,dict" bigquery:"field"`  // unified fields, comma-separated; empty for decode errors
	Reason   string `parquet:"reason" bigquery:"reason"`     // "; "-separated when several
	Raw      string `parquet:"raw" bigquery:"raw"`           // the record's text, at most MaxRawBytes
}

// LinkRow links one input record to its master record.
type LinkRow struct {
	MasterID         string  `parquet:"master_id" bigquery:"master_id"`
	Source           string  `parquet:"source,dict" bigquery:"source"`
	SourceID         string  `parquet:"source_id" bigquery:"source_id"`
	MatchProbability float64 `parquet:"match_probability" bigquery:"match_probability"` // in [0, 1], as the clustering stage reports it
}

// MasterRow is one golden record, built from a cluster by survivorship.
//
// BigQuery: bigquery.InferSchema (and so Beam's bigqueryio.Write) rejects
// *float64, so masters reach BigQuery by loading the Parquet files, where
// price is a NULLABLE FLOAT64 and updated_at a TIMESTAMP.
type MasterRow struct {
	MasterID string `parquet:"master_id" bigquery:"master_id"`
	// ProductColumns are the surviving values; price is nil when no
	// member has a price.
	ProductColumns
	MemberCount int64    `parquet:"member_count" bigquery:"member_count"`
	Sources     []string `parquet:"sources,dict" bigquery:"sources"` // distinct source names, sorted
	// Provenance says which record each master field came from, one entry
	// per non-empty field. A repeated group rather than a JSON string: it
	// is typed and columnar, so "which source wins price most often" is
	//   SELECT p.source, COUNT(*) FROM masters, UNNEST(provenance) p
	//   WHERE p.field = 'price' GROUP BY 1
	// without parsing JSON per row, and it can name the winning record,
	// not just its source.
	Provenance []FieldProvenance `parquet:"provenance" bigquery:"provenance"`
	// CreatedGeneration is the run generation that created master_id:
	// 0 in a run without --previous; an incremental run gives the ids it
	// creates one more than the largest generation of the previous
	// masters, and kept ids keep theirs. A smaller number is an older id,
	// which decides merges of equal size (see package reconcile).
	CreatedGeneration int64 `parquet:"created_generation" bigquery:"created_generation"`
}

// ProductColumns are the columns of a product's content, title to
// updated_at in ProductFields order, which RecordRow, ProductRow and
// MasterRow embed; NewProductColumns and Values convert them from and to
// Product. They are two structs around category, since CuratedMasterRow
// has the others without it: category is its partition.
//
// Embedded, they are the row's own columns in Parquet (parquet-go
// flattens embedded structs; v0.32.0 read a null price in one back as a
// pointer to 0) and so in BigQuery (transforms.BigQuerySchema derives
// from the Parquet schema).
type ProductColumns struct {
	ColumnsBeforeCategory
	Category string `parquet:"category,dict" bigquery:"category"`
	ColumnsAfterCategory
}

// ColumnsBeforeCategory are the product columns before category: title
// to manufacturer.
type ColumnsBeforeCategory struct {
	Title        string `parquet:"title" bigquery:"title"`
	Description  string `parquet:"description" bigquery:"description"`
	Brand        string `parquet:"brand,dict" bigquery:"brand"`
	Manufacturer string `parquet:"manufacturer,dict" bigquery:"manufacturer"`
}

// ColumnsAfterCategory are the product columns after category: price to
// updated_at.
type ColumnsAfterCategory struct {
	Price       *float64 `parquet:"price,optional" bigquery:"price"` // nil when there is no price
	Currency    string   `parquet:"currency,dict" bigquery:"currency"`
	ModelNumber string   `parquet:"model_number" bigquery:"model_number"`
	GTIN        string   `parquet:"gtin" bigquery:"gtin"`
	URL         string   `parquet:"url" bigquery:"url"`
	// UpdatedAt is Unix microseconds, written as a TIMESTAMP(MICROS)
	// column; 0 (unknown) is written as null.
	UpdatedAt int64 `parquet:"updated_at,optional,timestamp(microsecond)" bigquery:"updated_at"`
}

// NewProductColumns returns p's content fields as columns; a price only
// when p.HasPrice.
func NewProductColumns(p *Product) ProductColumns {
	c := ProductColumns{
		ColumnsBeforeCategory: ColumnsBeforeCategory{Title: p.Title, Description: p.Description, Brand: p.Brand,
			Manufacturer: p.Manufacturer},
		Category: p.Category,
		ColumnsAfterCategory: ColumnsAfterCategory{Currency: p.Currency, ModelNumber: p.ModelNumber, GTIN: p.GTIN,
			URL: p.URL, UpdatedAt: p.UpdatedAt},
	}
	if p.HasPrice {
		c.Price = new(p.Price)
	}
	return c
}

// Values returns the columns as a Product without a key.
func (c *ProductColumns) Values() Product {
	p := Product{Title: c.Title, Description: c.Description, Brand: c.Brand, Manufacturer: c.Manufacturer,
		Category: c.Category, Currency: c.Currency, ModelNumber: c.ModelNumber, GTIN: c.GTIN, URL: c.URL,
		UpdatedAt: c.UpdatedAt}
	if c.Price != nil {
		p.Price, p.HasPrice = *c.Price, true
	}
	return p
}

// FieldProvenance is the record a master field was taken from.
type FieldProvenance struct {
	Field    string `parquet:"field,dict" bigquery:"field"` // unified field name
	Source   string `parquet:"source,dict" bigquery:"source"`
	SourceID string `parquet:"source_id" bigquery:"source_id"`
	Rule     string `parquet:"rule,dict" bigquery:"rule"` // the survivorship rule that decided; may be empty
}

// NewRejectRow builds the dead-letter row for a record rejected with err
// (from Mapper.Map, MapChecked or ContractConfig.Check). Several joined
// RejectErrors become one row listing all fields and reasons.
func NewRejectRow(err error, raw RawRecord) RejectRow {
	row := RejectRow{Position: raw.Position, Raw: raw.Raw}
	if len(row.Raw) > MaxRawBytes {
		row.Raw = row.Raw[:MaxRawBytes]
	}
	var fields, reasons []string
	for _, re := range rejectErrors(err) {
		row.Source = cmpOr(row.Source, re.Source)
		row.SourceID = cmpOr(row.SourceID, re.SourceID)
		row.Position = cmpOr(row.Position, re.Position)
		if re.Field != "" {
			fields = append(fields, re.Field)
		}
		reasons = append(reasons, re.reason())
	}
	if reasons == nil {
		reasons = append(reasons, err.Error())
	}
	row.Field = strings.Join(fields, ",")
	row.Reason = strings.Join(reasons, "; ")
	return row
}

// rejectErrors lists the RejectErrors in err's tree, outermost first.
func rejectErrors(err error) []*RejectError {
	if re, ok := err.(*RejectError); ok {
		return []*RejectError{re}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*RejectError
		for _, e := range j.Unwrap() {
			out = append(out, rejectErrors(e)...)
		}
		return out
	}
	var re *RejectError
	if errors.As(err, &re) {
		return []*RejectError{re}
	}
	return nil
}

// PairRow is one scored candidate pair, written to pairs/ when the config
// asks for it (output.write_pairs): the input of blocking-recall and
// threshold-sweep evaluation and of explanations.
type PairRow struct {
	LeftSource       string  `parquet:"left_source,dict" bigquery:"left_source"`
	LeftID           string  `parquet:"left_id" bigquery:"left_id"`
	RightSource      string  `parquet:"right_source,dict" bigquery:"right_source"`
	RightID          string  `parquet:"right_id" bigquery:"right_id"`
	MatchProbability float64 `parquet:"match_probability" bigquery:"match_probability"`
	// IdentifiersAgree: the records share a GTIN or a model number
	// (matchers.IdentifiersAgree), which clustering.confirmed_first
	// merges first; a sweep re-clustering the pairs needs it.
	IdentifiersAgree bool `parquet:"identifiers_agree" bigquery:"identifiers_agree"`
	// TextSimilarity: the two records' text sketches alike
	// (matchers.TextSketch), which orders pairs of equal probability
	// when clustering; a sweep re-clustering the pairs needs it.
	TextSimilarity float32 `parquet:"text_similarity" bigquery:"text_similarity"`
}

// Keys returns the record keys of the pair's left and right records.
func (p *PairRow) Keys() (left, right string) {
	return RecordKey(p.LeftSource, p.LeftID), RecordKey(p.RightSource, p.RightID)
}

// PairKey returns the pair's PairKey, the same whichever record is left.
func (p *PairRow) PairKey() [2]string { return PairKey(p.Keys()) }

// EdgeRow is one accepted match edge, a pair of records whose match
// probability reached the threshold: edges/, written by every
// standard-layout run. An incremental run keeps the edges between records
// that did not change instead of scoring those pairs again.
type EdgeRow struct {
	A                string  `parquet:"a" bigquery:"a"` // record key "source:source_id", A < B
	B                string  `parquet:"b" bigquery:"b"`
	MatchProbability float64 `parquet:"match_probability" bigquery:"match_probability"`
}

// RecordRow is one accepted record after within-source dedupe, in the
// unified schema: records/, written by every standard-layout run. An
// incremental run with --sources reads the records of the sources that
// are not due from the previous run's records/ instead of their feeds.
type RecordRow struct {
	Source   string `parquet:"source,dict" bigquery:"source"`
	SourceID string `parquet:"source_id" bigquery:"source_id"`
	ProductColumns
	// Fingerprint is Fingerprint(product): equal fingerprints of one
	// record key in two runs mean its unified fields did not change.
	Fingerprint string `parquet:"fingerprint" bigquery:"fingerprint"`
}

// NewRecordRow returns p as a records/ row, with its fingerprint.
func NewRecordRow(p *Product) RecordRow {
	return RecordRow{Source: p.Source, SourceID: p.SourceID, ProductColumns: NewProductColumns(p),
		Fingerprint: Fingerprint(p)}
}

// Product returns the record of a records/ row.
func (r *RecordRow) Product() Product {
	p := r.Values()
	p.Source, p.SourceID = r.Source, r.SourceID
	return p
}

// ChangeRow is one change of the masters between the previous run and
// this one: changes/, written by an incremental run (--previous). The
// events and the rule that keeps ids are documented in package reconcile
// and in the README ("Incremental runs").
type ChangeRow struct {
	RunID string `parquet:"run_id,dict" bigquery:"run_id"`
	Event string `parquet:"event,dict" bigquery:"event"` // created, updated, merged, split, retired
	// MasterID is the master in this run; empty for retired.
	MasterID string `parquet:"master_id" bigquery:"master_id"`
	// PreviousMasterIDs are the previous run's masters involved, sorted:
	// the kept id (updated), the absorbed one (merged), those the records
	// came from (split), the retired one; none for created.
	PreviousMasterIDs   []string `parquet:"previous_master_ids" bigquery:"previous_master_ids"`
	RecordCount         int64    `parquet:"record_count" bigquery:"record_count"`                   // members of master_id in this run
	PreviousRecordCount int64    `parquet:"previous_record_count" bigquery:"previous_record_count"` // members of previous_master_ids in the previous run
	SharedRecordCount   int64    `parquet:"shared_record_count" bigquery:"shared_record_count"`     // records of previous_master_ids now in master_id
}
