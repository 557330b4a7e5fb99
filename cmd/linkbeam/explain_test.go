package main

import (
	"strings"
	"testing"
)

// explain and evaluate refuse incomplete flags before reading anything.
func TestExplainAndEvaluateFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func([]string) error
		args []string
		want string
	}{
		{"explain without flags", explainCmd, nil, "--config, --output and --record are required"},
		{"explain without record", explainCmd, []string{"--config", "c.yaml", "--output", "out"}, "--record"},
		{"explain with an unknown flag", explainCmd, []string{"--recrod", "shop:1"}, "flag provided but not defined"},
		{"evaluate without truth", evaluateCmd, []string{"--output", "out", "--report", "r.html"}, "--output and --truth are required"},
	} {
		err := tc.run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	var found bool
	for _, c := range commands {
		found = found || (c.name == "explain")
	}
	if !found {
		t.Error("explain is not a command")
	}
}
