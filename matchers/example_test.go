package matchers_test

import (
	"fmt"

	"github.com/linkbeam/linkbeam/matchers"
)

func ExampleNormalizeText() {
	fmt.Println(matchers.NormalizeText("Bose Acoustimass - Two 2-1/2' Drivers, 5.1-Channel, $1,299"))
	fmt.Println(matchers.NormalizeText("Panasonic KX-TG9361B Wi-Fi 500 GB Built-In Café"))
	// Output:
	// bose acoustimass two 2.5in drivers 5.1ch 1299
	// panasonic kxtg9361b wifi 500gb built in cafe
}

func ExampleExtractModelNumbers() {
	fmt.Println(matchers.ExtractModelNumbers("Sony Turntable - PSLX350H", ""))
	fmt.Println(matchers.ExtractModelNumbers("Bose 27028 161 Bookshelf Speakers In White - 161WH", ""))
	fmt.Println(matchers.ExtractModelNumbers("Canon Ink Cartridge For PIXMA iP4200 - 0620B002", ""))
	fmt.Println(matchers.ExtractModelNumbers("Panasonic Headset", "Panasonic KX-TCA92 headset, 2.4GHz"))
	// Output:
	// [PSLX350H]
	// [161WH 27028]
	// [0620B002]
	// [KXTCA92]
}

func ExampleNormalizeGTIN() {
	fmt.Println(matchers.NormalizeGTIN("0 36000 29145 2")) // UPC-A
	fmt.Println(matchers.NormalizeGTIN("036000291453"))    // bad check digit
	// Output:
	// 00036000291452
	//
}

func ExampleJaroWinkler() {
	fmt.Printf("%.4f %.4f\n", matchers.Jaro("MARTHA", "MARHTA"), matchers.JaroWinkler("MARTHA", "MARHTA"))
	// Output: 0.9444 0.9611
}

func ExampleIdentifierAgreement() {
	fmt.Println(matchers.IdentifierAgreement([]string{"PSLX350H"}, []string{"PSLX350H"}))
	fmt.Println(matchers.IdentifierAgreement([]string{"NNSD377SS"}, []string{"NNSD377S"}))
	fmt.Println(matchers.IdentifierAgreement([]string{"LN52A550"}, []string{"LN52A650"}))
	fmt.Println(matchers.IdentifierAgreement(nil, []string{"LN52A650"}))
	// Output:
	// agree
	// partial
	// disagree
	// missing
}

func ExampleModelInText() {
	title := matchers.Tokens(matchers.NormalizeText("Apple Wireless Mighty Mouse - MB111LL/A"))
	fmt.Println(title)
	fmt.Println(matchers.ModelInText([]string{"MB111LLA"}, title))
	// Output:
	// [apple wireless mighty mouse mb111ll a]
	// true
}

func ExampleBrandIndex_Detect() {
	brands := matchers.NewBrandIndex([]string{"Acme Gadgets|Acme"})
	fmt.Println(brands.Detect("Hewlett-Packard LaserJet P1006"))
	fmt.Println(brands.Detect("Western Digital My Passport"))
	fmt.Println(brands.Detect("ACME Rocket Skates"))
	fmt.Println(brands.Normalize("LG Electronics"))
	// Output:
	// hp
	// western digital
	// acme gadgets
	// lg
}

func ExampleIDF() {
	titles := []string{
		"sony bravia kdl52w4100 lcd hdtv",
		"sony kdl52w4100 52in lcd",
		"samsung ln52a650 lcd hdtv",
	}
	var idf matchers.IDF
	for _, t := range titles {
		idf.Add(matchers.Tokens(t))
	}
	v := make([]matchers.SparseVector, len(titles))
	for i, t := range titles {
		v[i] = idf.Vector(matchers.Tokens(t))
	}
	fmt.Printf("same model %.2f, other model %.2f\n", matchers.Cosine(v[0], v[1]), matchers.Cosine(v[0], v[2]))
	// Output: same model 0.54, other model 0.31
}

func ExamplePrepare() {
	p := matchers.Prepare(matchers.Fields{
		Title:        "Linksys EtherFast 8-Port 10/100 Switch - EZXS88W",
		Manufacturer: "LINKSYS",
		Price:        49.99, HasPrice: true,
	}, nil)
	fmt.Printf("%q\n%q %q %v\n", p.Title, p.Brand, p.Models, p.Price)
	// Output:
	// "linksys etherfast 8 port 10/100 switch ezxs88w"
	// "linksys" ["EZXS88W"] 49.99
}
