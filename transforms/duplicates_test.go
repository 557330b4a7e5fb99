package transforms

import (
	"math"
	"slices"
	"testing"
)

func TestDuplicateKinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group []duplicateMember
		want  []string
	}{
		{
			"GTIN shared by two of three, model by the third",
			[]duplicateMember{
				{source: "a", gtin: "00012345678905", models: []string{"KDL40"}},
				{source: "b", gtin: "00012345678905"},
				{source: "c", models: []string{"KDL40", "X1"}},
			},
			[]string{DuplicateGTIN, DuplicateGTIN, DuplicateModel},
		},
		{
			"different GTINs, shared model",
			[]duplicateMember{
				{source: "a", gtin: "1", models: []string{"M1"}},
				{source: "b", gtin: "2", models: []string{"M2", "M1"}},
			},
			[]string{DuplicateModel, DuplicateModel},
		},
		{
			"nothing shared",
			[]duplicateMember{
				{source: "a", gtin: "1", models: []string{"M1"}},
				{source: "b", models: []string{"M2"}},
				{source: "c"},
			},
			[]string{DuplicateFuzzy, DuplicateFuzzy, DuplicateFuzzy},
		},
	} {
		if got := duplicateKinds(tc.group); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDurationCounterNames(t *testing.T) {
	for _, le := range append(slices.Clone(DurationBuckets), math.Inf(1)) {
		source, got, isSum, ok := ParseDurationCounter(DurationBucketCounter("shop_eu", le))
		if !ok || isSum || source != "shop_eu" || got != le {
			t.Errorf("bucket %v: parsed %q %v sum=%v ok=%v", le, source, got, isSum, ok)
		}
	}
	if source, _, isSum, ok := ParseDurationCounter(DurationSumCounter("shop")); !ok || !isSum || source != "shop" {
		t.Errorf("sum counter: parsed %q sum=%v ok=%v", source, isSum, ok)
	}
	for _, bad := range []string{"bucket/shop", "bucket/shop/x", "other/shop", ""} {
		if _, _, _, ok := ParseDurationCounter(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	if !slices.IsSorted(DurationBuckets) {
		t.Error("DurationBuckets not sorted")
	}
}
