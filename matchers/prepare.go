package matchers

import (
	"math"
	"strings"
)

// maxFallbackTitle bounds how much of a description stands in for a
// missing title: the opening words name the product, the rest would only
// dilute title similarities.
const maxFallbackTitle = 200

// Prepare computes a record's matching view once, so that comparing it
// with many candidates costs no further parsing:
//
//   - Title: NormalizeText of the title, or of the description's first
//     200 bytes (cut at a space) when the title is empty; TitleTokens its
//     tokens.
//   - Brand: the Brand field, else Manufacturer, each through
//     brands.Normalize; else the brand brands.Detect finds in the title.
//     A field naming a company that owns the brand the title names
//     ("Harman International", "JBL Charge 5") gives the title's brand.
//   - Models: the ModelNumber field (NormalizeModel) first, marked
//     DeclaredModel, then ExtractModelNumbers of title and description,
//     without duplicates and without the brand itself ("Twenty20").
//   - GTIN: NormalizeGTIN of the GTIN field, else ExtractGTIN of the title.
//   - Price: kept only when HasPrice and positive and finite; Currency is
//     trimmed and upper-cased.
//
// TFIDF is left nil: IDF statistics need a pass over all records, after
// which the caller sets p.TFIDF = idf.Vector(p.TitleTokens). A nil brands
// means DefaultBrandIndex().
func Prepare(f Fields, brands *BrandIndex) Prepared {
	if brands == nil {
		brands = builtinIndex()
	}
	p := Prepared{Source: f.Source}

	title, desc := f.Title, f.Description
	extractTitle := title
	if strings.TrimSpace(title) == "" {
		title, extractTitle = cutAtSpace(desc, maxFallbackTitle), ""
	}
	p.Title = NormalizeText(title)
	p.TitleTokens = Tokens(p.Title)

	p.Brand = brands.Normalize(f.Brand)
	if p.Brand == "" {
		p.Brand = brands.Normalize(f.Manufacturer)
	}
	if p.Brand == "" {
		p.Brand = brands.detectTokens(p.TitleTokens)
	} else {
		p.Brand = brands.ownedBrand(p.Brand, p.TitleTokens)
	}

	brandCode := strings.ToUpper(strings.ReplaceAll(p.Brand, " ", ""))
	extracted := ExtractModelNumbers(extractTitle, desc)
	models := make([]string, 0, len(extracted)+1)
	if m := NormalizeModel(f.ModelNumber); m != "" {
		models = append(models, m)
		p.DeclaredModel = true
	}
	for _, m := range extracted {
		if m != brandCode && indexOf(models, m) < 0 {
			models = append(models, m)
		}
	}
	if len(models) > 0 {
		p.Models = models
	}

	p.GTIN = NormalizeGTIN(f.GTIN)
	if p.GTIN == "" {
		p.GTIN = ExtractGTIN(f.Title)
	}

	if f.HasPrice && f.Price > 0 && !math.IsInf(f.Price, 1) {
		p.Price, p.HasPrice = f.Price, true
	}
	p.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	p.index()
	return p
}

// cutAtSpace returns at most n bytes of s, cut at the last space before
// the limit when there is one.
func cutAtSpace(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i]
	}
	return s[:n]
}
