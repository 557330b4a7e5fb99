package schemas_test

import (
	"fmt"

	"github.com/linkbeam/linkbeam/schemas"
)

func ExampleParsePrice() {
	for _, s := range []string{"$1,299.00", "1.299,00 €", "69.71 gbp", "12", "call for price"} {
		price, currency, err := schemas.ParsePrice(s, "USD")
		fmt.Println(price, currency, err)
	}
	// Output:
	// 1299 USD <nil>
	// 1299 EUR <nil>
	// 69.71 GBP <nil>
	// 12 USD <nil>
	// 0  invalid price "call for price"
}

func ExampleParse() {
	_, err := schemas.Parse([]byte(`
sources:
  shop:
    type: csv
    location: shop.csv
    schema: products
    csv: {delimter: ";"}
schemas:
  products:
    fields:
      sku: id
      name: {to: titel}
`), "job.yaml")
	fmt.Println(err)
	// Output:
	// job.yaml:7: sources.shop.csv: unknown key "delimter"
	// job.yaml:10: schemas.products.fields: no source field maps to title
	// job.yaml:12: schemas.products.fields.name: unknown unified field "titel" (want id, title, description, brand, manufacturer, category, price, currency, model_number, gtin, url or updated_at)
}
