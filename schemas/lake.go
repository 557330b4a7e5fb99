package schemas

// The rows of the data-lake layout (output.layout: lake). Partition
// columns live in the path, Hive style, and not in the files: a column in
// both makes DataFusion fail ("duplicate qualified field") and Spark read
// the path value or the file value depending on version. Engines reading
// the folder as a Hive-partitioned table (Spark, Trino, DuckDB with
// hive_partitioning, BigQuery external tables) add them back as columns.
//
//	raw/source=<source>/run_date=<YYYY-MM-DD>/part-*.parquet   RawRow
//	processed/part-*.parquet                                   ProductRow
//	curated/category=<category>/part-*.parquet                 CuratedMasterRow

// RawRow is one source record as the reader decoded it, before mapping:
// raw/source=<source>/run_date=<date>/.
type RawRow struct {
	Position string `parquet:"position"` // "file.csv:12"
	// Fields are the record's values by source field name, as decoded
	// (nested JSON flattened to dotted names); a Parquet MAP column.
	Fields map[string]string `parquet:"fields"`
	// DecodeError is set when the reader could not decode the record; it
	// then also appears in rejected/.
	DecodeError string `parquet:"decode_error"`
}

// ProductRow is one harmonized record after within-source dedupe: the
// unified Product in processed/.
type ProductRow struct {
	Source   string `parquet:"source,dict"`
	SourceID string `parquet:"source_id"`
	ProductColumns
}

// NewProductRow returns p as a processed/ row.
func NewProductRow(p *Product) ProductRow {
	return ProductRow{Source: p.Source, SourceID: p.SourceID, ProductColumns: NewProductColumns(p)}
}

// CuratedMasterRow is a MasterRow without its category, which is the
// partition: curated/category=<category>/. Its columns are MasterRow's in
// the same order (TestCuratedMasterRowSchema checks it).
type CuratedMasterRow struct {
	MasterID string `parquet:"master_id"`
	ColumnsBeforeCategory
	ColumnsAfterCategory
	MemberCount int64             `parquet:"member_count"`
	Sources     []string          `parquet:"sources,dict"`
	Provenance  []FieldProvenance `parquet:"provenance"`
	// CreatedGeneration: see MasterRow.
	CreatedGeneration int64 `parquet:"created_generation"`
}

// NewCuratedMasterRow returns m without its category.
func NewCuratedMasterRow(m *MasterRow) CuratedMasterRow {
	return CuratedMasterRow{
		MasterID: m.MasterID, ColumnsBeforeCategory: m.ColumnsBeforeCategory, ColumnsAfterCategory: m.ColumnsAfterCategory,
		MemberCount: m.MemberCount, Sources: m.Sources, Provenance: m.Provenance, CreatedGeneration: m.CreatedGeneration,
	}
}
