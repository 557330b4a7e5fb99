package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// pipelineYAML is the linkbeam configuration of the generated catalogue.
// Locations are relative, so the config resolves against its own
// directory; survivorship and output keep their defaults.
const pipelineYAML = `# linkbeam configuration for the synthetic catalogue written by
# "linkbeam generate" (seed %d, %d records, %d files per source).
# truth.csv beside this file maps every valid (source, source_id) to its
# entity; malformed rows are deliberately absent from it.
sources:
  api:
    type: jsonl
    location: api/*.jsonl
    schema: products_v1
    priority: 1
    frequency: hourly
  partner:
    type: csv
    location: partner/*.csv
    schema: items_v2
    priority: 2
    frequency: daily
  legacy:
    type: parquet
    location: legacy/*.parquet
    schema: legacy_products
    priority: 3
    frequency: weekly

schemas:
  products_v1:
    fields:
      product_id: id
      product_name: {to: title, transforms: [collapse_spaces]}
      product_description: {to: description, transforms: [collapse_spaces]}
      brand: brand
      cost: {to: price, transforms: [price], currency: USD}   # "$1,299.00"
      product_category: category
      mpn: model_number
      ean: {to: gtin, transforms: [digits]}
      link: url
      updated: {to: updated_at, transforms: [timestamp]}      # RFC 3339
    contract:
      required: [id, title]
      min_price: 0

  items_v2:
    fields:
      item_id: id
      item_title: {to: title, transforms: [collapse_spaces]}
      item_price: {to: price, transforms: [price], currency: USD}   # "1299.00 usd", "1.299,00 EUR"
      item_cat: category
      maker: brand
      model: model_number
      barcode: {to: gtin, transforms: [digits]}
      last_modified: {to: updated_at, transforms: [timestamp], format: "2006-01-02 15:04:05"}
    contract:
      required: [id, title]
      min_price: 0

  legacy_products:
    fields:
      sku: id
      name: {to: title, transforms: [collapse_spaces]}
      description: description
      price: {to: price, transforms: [price], currency: USD}   # double; currency column wins
      currency: currency
      manufacturer: manufacturer
      part_number: model_number
      modified: {to: updated_at, transforms: [timestamp]}      # Unix seconds
    contract:
      required: [id, title]
      min_price: 0

matching:
  clustering:
    # Each source lists a product once (older versions share its id), so
    # a master holds at most one record per source.
    one_per_source: true
`

func writePipelineYAML(opts Options) error {
	text := fmt.Sprintf(pipelineYAML, opts.Seed, opts.Records, opts.FilesPerSource)
	return os.WriteFile(filepath.Join(opts.Out, "pipeline.yaml"), []byte(text), 0o644)
}
