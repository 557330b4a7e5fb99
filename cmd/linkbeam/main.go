// Command linkbeam is an entity-resolution job for product catalogues on
// Apache Beam. It reads product feeds, maps them to one schema, removes
// duplicates within and across sources, and writes master records.
//
//	linkbeam run      --config FILE --output DIR [--model FILE] [--threshold P] [Beam flags]
//	linkbeam validate --config FILE [run's flags, Beam flags]
//	linkbeam train    --config FILE --pairs FILE --out model.json
//	linkbeam label    --config FILE --labels FILE --out model.json [--model FILE] [--rounds N] [--per-round N]
//	linkbeam evaluate --output DIR --truth FILE [--config FILE --report report.html]
//	linkbeam explain  --config FILE --output DIR --record SOURCE:ID [--model FILE]
//	linkbeam explain  --config FILE --output DIR --pair SOURCE:ID SOURCE:ID [--model FILE]
//	linkbeam generate --records N --seed S --out DIR
//
// Beam flags (--runner, --endpoint, --environment_type, Dataflow's
// --project, --region, ...) go after the command; see runners/README.md.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

type command struct {
	name, summary string
	run           func(args []string) error
}

var commands = []command{
	{"run", "run the entity-resolution job", runCmd},
	{"validate", "check a job config and report every problem", validateCmd},
	{"train", "train a match model on labelled pairs", trainCmd},
	{"label", "answer questions about pairs; fine-tunes the model to your catalogue", labelCmd},
	{"evaluate", "score a run's clusters against ground truth", evaluateCmd},
	{"explain", "show why a record is in its master, or which stage decided a pair", explainCmd},
	{"generate", "write a synthetic product catalogue with ground truth", generateCmd},
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "" || os.Args[1][0] == '-' {
		// Remote Beam workers start the binary with flags only
		// (--worker=true ...): beam.Init runs the harness and never returns.
		flag.Parse()
		beam.Init()
		usage()
		os.Exit(2)
	}
	for _, c := range commands {
		if c.name == os.Args[1] {
			if err := c.run(os.Args[2:]); err != nil {
				fmt.Fprintf(os.Stderr, "linkbeam %s: %v\n", c.name, err)
				os.Exit(1)
			}
			return
		}
	}
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: linkbeam COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-9s %s\n", c.name, c.summary)
	}
}
