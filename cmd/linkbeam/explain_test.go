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
		{"explain without flags", explainCmd, nil, "--config, --output and one of --record or --pair are required"},
		{"explain without record", explainCmd, []string{"--config", "c.yaml", "--output", "out"}, "--record or --pair"},
		{"explain with record and pair", explainCmd, []string{"--pair", "shop:1", "shop:2", "--record", "shop:1", "--config", "c.yaml", "--output", "out"}, "one of --record or --pair"},
		{"explain a pair of one record", explainCmd, []string{"--config", "c.yaml", "--pair", "shop:1", "--output", "out"}, "--pair takes two records"},
		{"explain a pair at the end", explainCmd, []string{"--config", "c.yaml", "--output", "out", "--pair", "shop:1"}, "--pair takes two records"},
		{"explain a stray argument", explainCmd, []string{"--config", "c.yaml", "--output", "out", "--record", "shop:1", "shop:2"}, "unexpected arguments"},
		{"explain with an unknown flag", explainCmd, []string{"--recrod", "shop:1"}, "flag provided but not defined"},
		{"evaluate without truth", evaluateCmd, []string{"--output", "out", "--report", "r.html"}, "--output and --truth are required"},
	} {
		err := tc.run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	pair, rest, err := cutPair([]string{"--config", "c.yaml", "--pair", "shop:1", "market:7", "--output", "out"})
	if err != nil || pair == nil || *pair != [2]string{"shop:1", "market:7"} || strings.Join(rest, " ") != "--config c.yaml --output out" {
		t.Errorf("cutPair: %v, %q, %v", pair, rest, err)
	}
	var found bool
	for _, c := range commands {
		found = found || (c.name == "explain")
	}
	if !found {
		t.Error("explain is not a command")
	}
}
