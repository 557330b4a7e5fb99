package transforms

import (
	"strings"
	"testing"
)

func TestCheckRejectRatios(t *testing.T) {
	sum := map[string]*SourceTally{
		"shop":   {Source: "shop", Read: 100, Rejected: 6},
		"legacy": {Source: "legacy", Read: 50, Rejected: 1},
		"api":    {Source: "api", Read: 10, Rejected: 9},
	}
	err := checkRejectRatios(sum, map[string]float64{"shop": 0.05, "legacy": 0.05})
	if err == nil {
		t.Fatal("shop at 6% passed a 5% limit")
	}
	msg := err.Error()
	if !strings.Contains(msg, "source shop rejected 6 of 100 records (6.0%)") {
		t.Errorf("message %q does not name the source and ratio", msg)
	}
	if strings.Contains(msg, "legacy") || strings.Contains(msg, "api") {
		t.Errorf("message %q names a source within its limit or without one", msg)
	}
	if err := checkRejectRatios(sum, map[string]float64{"shop": 0.06}); err != nil {
		t.Errorf("6%% at a 6%% limit: %v", err)
	}
}
