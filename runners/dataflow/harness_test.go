package dataflow_test

// The offline harness for running the SDK's Dataflow runner with --dry_run
// inside a test. What the runner does in a dry run (runners/dataflow in the
// Beam Go SDK v2.77.0):
//
//   - getJobOptions: --project, --region and --staging_location must be set
//     (with --project empty it would look for default credentials; with
//     --region empty it would run `gcloud config get-value`), then
//     checkSoftDeletePolicyEnabled opens a GCS client and reads the
//     metadata of the staging and temp buckets. That is the only network
//     call; a failure there is only a warning, but finding out fails slowly
//     (default credentials, the GCE metadata server). Here the client is
//     pointed at a loopback fake with STORAGE_EMULATOR_HOST, which also
//     turns authentication off in the storage client.
//   - the pipeline is translated to the Beam model (graphx.Marshal) and the
//     model is logged with log.Info (its String form), then
//     dataflowlib.Translate builds the v1b3 Job and dataflowlib.PrintJob
//     logs it as indented JSON. Nothing is staged and nothing is compiled:
//     --worker_binary is only copied into the options (the worker package
//     is the URL STAGING/go-N-TIME/worker, with no hash), so it may point
//     nowhere.
//   - Execute returns a nil result and nil error.
//
// The Job JSON has no steps: Dataflow Runner v2 reads the graph from the
// model (sdkPipelineOptions.options.pipelineUrl), so the stages are checked
// in the logged model, parsed back with prototext.
//
// A loopback HTTP(S) proxy set in TestMain records any other HTTP request
// the process makes (Go never proxies loopback addresses, so the fake GCS
// is not affected); a hit fails the test.

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
	beamdataflow "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	df "google.golang.org/api/dataflow/v1b3"
	"google.golang.org/protobuf/encoding/prototext"
)

var egress = &tripwire{}

func TestMain(m *testing.M) {
	// Before anything reads the proxy settings (net/http caches them).
	if err := egress.start(); err != nil {
		fmt.Fprintln(os.Stderr, "tripwire:", err)
		os.Exit(2)
	}
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		os.Setenv(k, "http://"+egress.addr())
	}
	for _, k := range []string{"NO_PROXY", "no_proxy"} {
		os.Setenv(k, "")
	}
	flag.Parse()
	beam.Init()
	code := m.Run()
	if hits := egress.hits(); len(hits) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: outbound HTTP attempted: %q\n", hits)
		code = 1
	}
	os.Exit(code)
}

// tripwire is a proxy that answers nothing and remembers who asked.
type tripwire struct {
	ln  net.Listener
	mu  sync.Mutex
	got []string
}

func (tw *tripwire) start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	tw.ln = ln
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				tw.mu.Lock()
				tw.got = append(tw.got, strings.TrimSpace(line))
				tw.mu.Unlock()
				fmt.Fprint(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			}()
		}
	}()
	return nil
}

func (tw *tripwire) addr() string { return tw.ln.Addr().String() }

func (tw *tripwire) hits() []string {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return append([]string(nil), tw.got...)
}

// fakeGCS answers bucket metadata reads (soft delete off) and records every
// request; anything else is a 404, and shows up in the record.
type fakeGCS struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []string
}

func newFakeGCS(t *testing.T) *fakeGCS {
	f := &fakeGCS{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/storage/v1/b/"), "/")
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/storage/v1/b/") && rest == "" {
			fmt.Fprintf(w, `{"kind":"storage#bucket","id":%q,"name":%q,"softDeletePolicy":{"retentionDurationSeconds":"0"}}`, bucket, bucket)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":404,"message":"not found in fake GCS"}}`)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGCS) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

// logCapture is a beam log.Logger that keeps every message.
type logCapture struct {
	mu   sync.Mutex
	msgs []logged
}

type logged struct {
	sev log.Severity
	msg string
}

func (c *logCapture) Log(_ context.Context, sev log.Severity, _ int, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, logged{sev, msg})
}

// dryRunResult is what the Dataflow runner produced in a dry run.
type dryRunResult struct {
	Job     *df.Job          // the v1b3 job as it would be submitted
	JobJSON string           // the same, as logged
	Model   *pipepb.Pipeline // the Beam model the job points to
	GCS     []string         // requests the runner made to (fake) GCS
	Log     []logged         // everything the SDK logged
}

// dryRun runs the SDK's Dataflow runner on p with --dry_run and the given
// flags (name → value, as on the command line), offline.
func dryRun(t *testing.T, p *beam.Pipeline, flags map[string]string) dryRunResult {
	t.Helper()
	gcs := newFakeGCS(t)
	t.Setenv("STORAGE_EMULATOR_HOST", gcs.srv.Listener.Addr().String())
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")

	set := map[string]string{"dry_run": "true"}
	for k, v := range flags {
		set[k] = v
	}
	for name, value := range set {
		f := flag.Lookup(name)
		if f == nil {
			t.Fatalf("flag --%s is not registered by the SDK", name)
		}
		old := f.Value.String()
		if err := flag.Set(name, value); err != nil {
			t.Fatalf("--%s=%s: %v", name, value, err)
		}
		t.Cleanup(func() { f.Value.Set(old) })
	}

	capture := &logCapture{}
	log.SetLogger(capture)
	t.Cleanup(func() { log.SetLogger(&log.Structural{}) })

	res, err := beamdataflow.Execute(context.Background(), p)
	if err != nil {
		t.Fatalf("dataflow dry run: %v", err)
	}
	if res != nil {
		t.Errorf("dry run returned a result (%T): was the job submitted?", res)
	}

	out := dryRunResult{GCS: gcs.requests()}
	capture.mu.Lock()
	out.Log = append(out.Log, capture.msgs...)
	capture.mu.Unlock()
	for i, m := range out.Log {
		switch {
		case strings.Contains(m.msg, "Dry-run: not submitting job"):
			if i+1 < len(out.Log) {
				var model pipepb.Pipeline
				if err := prototext.Unmarshal([]byte(out.Log[i+1].msg), &model); err != nil {
					t.Fatalf("the message after %q is not a Beam model: %v", m.msg, err)
				}
				out.Model = &model
			}
		case strings.HasPrefix(strings.TrimSpace(m.msg), "{") && strings.Contains(m.msg, `"projectId"`):
			var job df.Job
			if err := json.Unmarshal([]byte(m.msg), &job); err != nil {
				t.Fatalf("logged job JSON does not parse: %v", err)
			}
			out.Job, out.JobJSON = &job, m.msg
		}
	}
	if out.Model == nil || out.Job == nil {
		t.Fatalf("dry run logged no model (%v) or no job (%v); log:\n%s", out.Model != nil, out.Job != nil, dump(out.Log))
	}
	if hits := egress.hits(); len(hits) > 0 {
		t.Errorf("outbound HTTP attempted during the dry run: %q", hits)
	}
	return out
}

func dump(msgs []logged) string {
	var b strings.Builder
	for _, m := range msgs {
		msg := m.msg
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		fmt.Fprintf(&b, "  [%v] %s\n", m.sev, msg)
	}
	return b.String()
}

// stages maps each composite transform's unique name to its id.
func compositeIDs(model *pipepb.Pipeline) map[string][]string {
	out := map[string][]string{}
	for id, tr := range model.GetComponents().GetTransforms() {
		if len(tr.GetSubtransforms()) > 0 {
			out[tr.GetUniqueName()] = append(out[tr.GetUniqueName()], id)
		}
	}
	return out
}

// feeds reports whether data flows from stage from to stage to (stage
// name → composite transform id in stages): a PCollection produced inside
// from is consumed inside to, directly or through transforms that belong to
// no stage (a Flatten of several stages' outputs, say), but not through
// another stage.
func feeds(model *pipepb.Pipeline, stages map[string]string, from, to string) bool {
	trs := model.GetComponents().GetTransforms()
	stageOf := map[string]string{} // leaf transform id → stage name
	var leaves func(id string, visit func(string))
	leaves = func(id string, visit func(string)) {
		if subs := trs[id].GetSubtransforms(); len(subs) > 0 {
			for _, sub := range subs {
				leaves(sub, visit)
			}
			return
		}
		visit(id)
	}
	for name, id := range stages {
		leaves(id, func(leaf string) { stageOf[leaf] = name })
	}
	consumers := map[string][]string{} // PCollection → leaf transforms reading it
	for id, tr := range trs {
		if len(tr.GetSubtransforms()) > 0 {
			continue
		}
		for _, pc := range tr.GetInputs() {
			consumers[pc] = append(consumers[pc], id)
		}
	}
	var queue []string
	seen := map[string]bool{}
	push := func(leaf string) {
		for _, pc := range trs[leaf].GetOutputs() {
			if !seen[pc] {
				seen[pc] = true
				queue = append(queue, pc)
			}
		}
	}
	leaves(stages[from], push)
	for len(queue) > 0 {
		pc := queue[0]
		queue = queue[1:]
		for _, c := range consumers[pc] {
			switch stageOf[c] {
			case to:
				return true
			case "":
				push(c)
			}
		}
	}
	return false
}
