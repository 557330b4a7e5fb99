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
