package matchers

import (
	"testing"

	"github.com/xrash/smetrics"
)

// Benchmark inputs: real Abt and Buy titles of one product, typical of the
// text these functions see millions of times.
var (
	benchTitleA = "Sony BRAVIA KDL-52W4100 52' LCD Flat Panel HDTV - Black Finish - KDL52W4100"
	benchTitleB = "Sony BRAVIA W-Series KDL-52W4100 52-inch 1080p 120Hz LCD HDTV, $1,299.99"
	benchDesc   = "Sony BRAVIA KDL-52W4100/ 52' LCD/ 1920 x 1080 Resolution/ Motionflow 120Hz/ 3 HDMI Inputs"
)

func BenchmarkNormalizeText(b *testing.B) {
	b.Run("ascii", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchTitleA)))
		for b.Loop() {
			NormalizeText(benchTitleA)
		}
	})
	b.Run("unicode", func(b *testing.B) {
		s := "Café Crème Bose® 2½' Speaker™ – Noir"
		b.ReportAllocs()
		b.SetBytes(int64(len(s)))
		for b.Loop() {
			NormalizeText(s)
		}
	})
}

func BenchmarkTokens(b *testing.B) {
	n := NormalizeText(benchTitleA)
	b.ReportAllocs()
	for b.Loop() {
		Tokens(n)
	}
}

func BenchmarkExtractModelNumbers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ExtractModelNumbers(benchTitleA, benchDesc)
	}
}

func BenchmarkBrandDetect(b *testing.B) {
	idx := DefaultBrandIndex()
	b.ReportAllocs()
	for b.Loop() {
		idx.Detect(benchTitleB)
	}
}

func BenchmarkPrepare(b *testing.B) {
	f := Fields{Title: benchTitleA, Description: benchDesc, Manufacturer: "Sony", Price: 1299.99, HasPrice: true}
	idx := DefaultBrandIndex()
	b.ReportAllocs()
	for b.Loop() {
		Prepare(f, idx)
	}
}

// BenchmarkJaroWinkler compares smetrics with the allocation-free version
// on two normalised titles.
func BenchmarkJaroWinkler(b *testing.B) {
	x, y := NormalizeText(benchTitleA), NormalizeText(benchTitleB)
	b.Run("smetrics", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			smetrics.JaroWinkler(x, y, 0.7, 4)
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			JaroWinkler(x, y)
		}
	})
}

func BenchmarkLevenshteinRatio(b *testing.B) {
	x, y := NormalizeText(benchTitleA), NormalizeText(benchTitleB)
	b.ReportAllocs()
	for b.Loop() {
		LevenshteinRatio(x, y)
	}
}

func BenchmarkTokenSetSimilarity(b *testing.B) {
	x, y := Tokens(NormalizeText(benchTitleA)), Tokens(NormalizeText(benchTitleB))
	b.ReportAllocs()
	for b.Loop() {
		TokenSetSimilarity(x, y)
	}
}

func BenchmarkModelInText(b *testing.B) {
	models := ExtractModelNumbers(benchTitleA, "")
	toks := Tokens(NormalizeText(benchTitleB))
	b.ReportAllocs()
	for b.Loop() {
		ModelInText(models, toks)
	}
}

func benchIDF() (*IDF, []string, []string) {
	var idf IDF
	x, y := Tokens(NormalizeText(benchTitleA)), Tokens(NormalizeText(benchTitleB))
	idf.Add(x)
	idf.Add(y)
	idf.Add(Tokens(NormalizeText(benchDesc)))
	return &idf, x, y
}

func BenchmarkIDFVector(b *testing.B) {
	idf, x, _ := benchIDF()
	b.ReportAllocs()
	for b.Loop() {
		idf.Vector(x)
	}
}

func BenchmarkCosine(b *testing.B) {
	idf, x, y := benchIDF()
	vx, vy := idf.Vector(x), idf.Vector(y)
	b.ReportAllocs()
	for b.Loop() {
		Cosine(vx, vy)
	}
}

// benchCatalogue is a small catalogue of look-alike listings: duplicates
// across shops, siblings, and listings without codes.
var benchCatalogue = []Fields{
	{Title: "Sony WH-1000XM4 Wireless Noise Cancelling Headphones Black", Brand: "Sony", ModelNumber: "WH-1000XM4/B", Price: 348, HasPrice: true},
	{Title: "SONY WH1000XM4 Bluetooth Headphones - Black", Price: 329.99, HasPrice: true},
	{Title: "Sony WH-1000XM5 Wireless Headphones Silver", Brand: "Sony", Price: 399, HasPrice: true},
	{Title: "Samsung 55\" QLED 4K Smart TV QN55Q80C", Brand: "Samsung", ModelNumber: "QN55Q80CAFXZA", Price: 997, HasPrice: true},
	{Title: "Samsung QN65Q80C 65 inch QLED 4K TV", Brand: "Samsung", Price: 1297, HasPrice: true},
	{Title: "Samsung Q80C 55in QLED", Price: 949, HasPrice: true},
	{Title: "Logitech MX Master 3S Performance Wireless Mouse Graphite", Brand: "Logitech", ModelNumber: "910-006557", Price: 99.99, HasPrice: true},
	{Title: "Logitec MX Master 3 S wrls mouse, graphite", Price: 89, HasPrice: true},
	{Title: "Encore Software 32179 Hoyle Card Games 2008", Brand: "Encore", Price: 19.99, HasPrice: true},
	{Title: "Hoyle Card Games 2008 for Windows", Brand: "Encore", Price: 19.99, HasPrice: true},
	{Title: "Print Shop Deluxe 23 for Windows", Brand: "Broderbund", Price: 49.99, HasPrice: true},
	{Title: "The Print Shop 23 Deluxe (PC)", Price: 44.99, HasPrice: true},
	{Title: "Canon EOS R6 Mark II Mirrorless Camera Body", Brand: "Canon", ModelNumber: "5666C002", Price: 2499, HasPrice: true},
	{Title: "Canon EOS R6 II body only 24.2MP", Brand: "Canon", Price: 2299, HasPrice: true},
	{Title: "Panasonic NN-SD667S Microwave Oven Stainless 1.2 cu ft", Brand: "Panasonic", Price: 189, HasPrice: true},
	{Title: "Panasonic NNSD667SS 1.2 Cu. Ft. Inverter Microwave", Price: 179, HasPrice: true},
}

// BenchmarkScorePairs scores every pair of benchCatalogue with the shipped
// model as Score does (Scorer: costly features only where they can still
// change the decision); ns/op is per pair.
func BenchmarkScorePairs(b *testing.B) {
	m := DefaultModel()
	s, err := NewScorer(m, m.Threshold)
	if err != nil {
		b.Fatal(err)
	}
	idf := &IDF{DF: map[string]int32{}}
	recs := make([]Prepared, len(benchCatalogue))
	for i, f := range benchCatalogue {
		recs[i] = Prepare(f, nil)
		idf.Add(recs[i].TitleTokens)
	}
	for i := range recs {
		recs[i].TFIDF = idf.Vector(recs[i].TitleTokens)
	}
	var pairs [][2]int
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	var x []float64
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		p := pairs[k%len(pairs)]
		_, _, x = s.Match(&recs[p[0]], &recs[p[1]], x)
		k++
	}
}
