package pipelines

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/jobtest"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/reconcile"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// copyDemo copies testdata/demo.yaml and testdata/demo/ into a temporary
// folder, applies edit to each data file's text (by base name), and
// returns the copied config's path.
func copyDemo(t *testing.T, edit map[string]func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "demo"), 0o755); err != nil {
		t.Fatal(err)
	}
	cp := func(from, to string, edit func(string) string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			data = []byte(edit(string(data)))
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp(demoConfig, filepath.Join(dir, "demo.yaml"), nil)
	files, _ := filepath.Glob("../testdata/demo/*")
	for _, f := range files {
		cp(f, filepath.Join(dir, "demo", filepath.Base(f)), edit[filepath.Base(f)])
	}
	return filepath.Join(dir, "demo.yaml")
}

// editLines rewrites the lines of a text file: change returns the new
// line, or "" to delete it; extra lines are appended.
func editLines(change func(line string) string, extra ...string) func(string) string {
	return func(text string) string {
		var out []string
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if line = change(line); line != "" {
				out = append(out, line)
			}
		}
		return strings.Join(append(out, extra...), "\n") + "\n"
	}
}

func linkMap(t *testing.T, dir string) map[string]string {
	t.Helper()
	links, err := ReadLinks(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, l := range links {
		m[schemas.RecordKey(l.Source, l.SourceID)] = l.MasterID
	}
	return m
}

func changesOf(t *testing.T, dir string) []string {
	t.Helper()
	rows, err := ReadChanges(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, changeString(r))
	}
	slices.Sort(out)
	return out
}

func changeString(r schemas.ChangeRow) string {
	return fmt.Sprintf("%s %s %v records %d previous %d shared %d run %s", r.Event, r.MasterID,
		r.PreviousMasterIDs, r.RecordCount, r.PreviousRecordCount, r.SharedRecordCount, r.RunID)
}

// files reads every file of the given output folders.
func files(t *testing.T, dir string, subs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, sub := range subs {
		paths, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Join(sub, filepath.Base(p))] = string(data)
		}
	}
	return out
}

func assertSameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: no files", what)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s missing", what, name)
		} else if g != want[name] {
			t.Errorf("%s: %s differs", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s is new", what, name)
		}
	}
}

// editedDemo is the demo config on edited data: an edited title
// (shop:SHP-1002), a newer version of a record (marketplace:20403), a
// cross-source duplicate of a singleton (marketplace:20450), a new product
// (shop:SHP-1040) and two deleted records (marketplace:20428, 20413).
func editedDemo(t *testing.T) *schemas.Config {
	t.Helper()
	const newProduct = `{"product_id": "SHP-1040", "product_name": "Garmin Forerunner 265 GPS Running Smartwatch, Black", "brand": "Garmin", "cost": "$449.99", "product_category": "Wearables", "mpn": "010-02810-00", "ean": "0753759312373", "link": "https://shop.example.com/p/SHP-1040", "updated": "2024-06-01T10:00:00Z"}`
	cfgPath := copyDemo(t, map[string]func(string) string{
		"products_v1.jsonl": editLines(func(line string) string {
			if strings.Contains(line, `"SHP-1002"`) {
				return strings.Replace(line, `Smart TV (2023)`, `Smart TV (2023 model)`, 1)
			}
			return line
		}, newProduct),
		"items_v2.csv": editLines(func(line string) string {
			if strings.HasPrefix(line, "20428,") || strings.HasPrefix(line, "20413,") {
				return "" // deleted: a canon camera (shared with the shop), jbl (a singleton)
			}
			return line
		},
			`20450,Samsung Galaxy Buds2 Pro Earbuds Graphite,219.00,Headphones,Samsung,SM-R510NZAAXAR,8806094933215,20/06/2024 10:00`,
			`20403,"LG OLED65C3 65"" OLED evo 4K TV",1999.99,TV & Video,LG Electronics,OLED65C3,,20/06/2024 08:00`),
	})
	cfg, _, err := LoadJob(context.Background(), cfgPath, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The demo, then the edited demo (editedDemo) with --previous: ids
// persist and each change is one event. A third run on the same input, in
// place, changes nothing and scores no pair.
func TestIncrementalRun(t *testing.T) {
	ctx := context.Background()
	cfg, opts := loadDemo(t)
	dirA := opts.Output
	opts.RunID = "run1"
	sumA, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sumA.Changes != nil {
		t.Errorf("a run without --previous counts changes: %v", sumA.Changes)
	}
	if rows, err := ReadChanges(ctx, dirA); err != nil || len(rows) != 0 {
		t.Errorf("a run without --previous wrote changes: %v, %v", rows, err)
	}
	records, err := ReadRecords(ctx, dirA)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(records)) != sumA.Linked() {
		t.Errorf("records/ has %d rows, %d records linked", len(records), sumA.Linked())
	}
	fingerprintA := map[string]string{}
	for _, r := range records {
		p := r.Product()
		if r.Fingerprint != schemas.Fingerprint(&p) {
			t.Errorf("records/ %s: fingerprint %s, the record's is %s", p.Key(), r.Fingerprint, schemas.Fingerprint(&p))
		}
		fingerprintA[p.Key()] = r.Fingerprint
	}
	a := linkMap(t, dirA)

	cfgB := editedDemo(t)
	optsB := opts
	optsB.Output, optsB.Previous, optsB.RunID = t.TempDir(), dirA, "run2"
	sumB, err := runJob(t, cfgB, optsB)
	if err != nil {
		t.Fatal(err)
	}
	if err := sumB.Check(); err != nil {
		t.Errorf("accounting: %v", err)
	}
	b := linkMap(t, optsB.Output)

	// The expectations follow run A's clusters; the premises are checked.
	size := map[string]int64{}
	for _, id := range a {
		size[id]++
	}
	samsung, buds, lg, canon, jbl := a["shop:SHP-1002"], a["shop:SHP-1030"], a["marketplace:20403"], a["marketplace:20428"], a["marketplace:20413"]
	if a["shop:SHP-1028"] != canon || canon != transforms.MasterID("marketplace:20428") || size[jbl] != 1 || a["marketplace:20402"] != samsung {
		t.Fatalf("the demo clusters changed: canon R50 %s and %s, jbl %d records, samsung 65 %s and %s",
			canon, a["shop:SHP-1028"], size[jbl], samsung, a["marketplace:20402"])
	}
	if got, want := sumB.Sources["marketplace"].Superseded, sumA.Sources["marketplace"].Superseded+1; got != want {
		t.Errorf("marketplace superseded %d, want %d (the newer 20403)", got, want)
	}
	created := transforms.MasterID("shop:SHP-1040")
	updated := func(id string, records, previous, shared int64) string {
		return changeString(schemas.ChangeRow{Event: reconcile.Updated, MasterID: id, PreviousMasterIDs: []string{id},
			RecordCount: records, PreviousRecordCount: previous, SharedRecordCount: shared, RunID: "run2"})
	}
	want := []string{
		updated(samsung, size[samsung], size[samsung], size[samsung]), // title edited
		updated(lg, size[lg], size[lg], size[lg]),                     // newer version, lower price
		updated(buds, size[buds]+1, size[buds], size[buds]),           // a duplicate in another source
		updated(canon, size[canon]-1, size[canon], size[canon]-1),     // a member deleted
		changeString(schemas.ChangeRow{Event: reconcile.Retired, PreviousMasterIDs: []string{jbl}, PreviousRecordCount: 1, RunID: "run2"}),
		changeString(schemas.ChangeRow{Event: reconcile.Created, MasterID: created, RecordCount: 1, RunID: "run2"}),
	}
	slices.Sort(want)
	if got := changesOf(t, optsB.Output); !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantCounts := map[string]int64{reconcile.Created: 1, reconcile.Updated: 4, reconcile.Merged: 0, reconcile.Split: 0, reconcile.Retired: 1}
	if !maps.Equal(sumB.Changes, wantCounts) {
		t.Errorf("summary changes %v, want %v", sumB.Changes, wantCounts)
	}
	// Every record of both runs keeps its master: the buds' master keeps
	// the shop's id though the marketplace record is now its smallest
	// member, and the canon's keeps the id of its deleted record.
	if b["marketplace:20450"] != buds || transforms.MasterID("marketplace:20450") == buds {
		t.Errorf("the new buds duplicate is in %s, want the shop record's master %s", b["marketplace:20450"], buds)
	}
	if b["shop:SHP-1040"] != created {
		t.Errorf("the new product is in %s, want %s", b["shop:SHP-1040"], created)
	}
	for key, id := range a {
		if nid, ok := b[key]; ok && nid != id {
			t.Errorf("%s moved from %s to %s", key, id, nid)
		}
	}
	mastersB, err := ReadMasters(ctx, optsB.Output)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mastersB {
		if want := int64(0); m.MasterID == created {
			want = 1
			if m.CreatedGeneration != want {
				t.Errorf("created master %s: generation %d, want %d", m.MasterID, m.CreatedGeneration, want)
			}
		} else if m.CreatedGeneration != want {
			t.Errorf("kept master %s: generation %d, want %d", m.MasterID, m.CreatedGeneration, want)
		}
	}
	// records/ tells the edited records from the others.
	recordsB, err := ReadRecords(ctx, optsB.Output)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, r := range recordsB {
		if k := schemas.RecordKey(r.Source, r.SourceID); fingerprintA[k] != r.Fingerprint {
			changed = append(changed, k)
		}
	}
	slices.Sort(changed)
	if want := []string{"marketplace:20403", "marketplace:20450", "shop:SHP-1002", "shop:SHP-1040"}; !slices.Equal(changed, want) {
		t.Errorf("records with a new fingerprint: %v, want %v", changed, want)
	}

	// Unchanged input, in place (--previous = --output): no events, the
	// same masters, links and records.
	before := files(t, optsB.Output, transforms.MastersDir, transforms.LinksDir, transforms.RecordsDir)
	optsC := optsB
	optsC.Previous, optsC.RunID = optsB.Output, "run3"
	sumC, err := runJob(t, cfgB, optsC)
	if err != nil {
		t.Fatal(err)
	}
	if got := changesOf(t, optsC.Output); len(got) != 0 {
		t.Errorf("unchanged input gives changes:\n%s", strings.Join(got, "\n"))
	}
	for kind, n := range sumC.Changes {
		if n != 0 {
			t.Errorf("unchanged input counts %d %s", n, kind)
		}
	}
	// No block holds a changed record, so none is paired; each block
	// shard keeps the previous edges whose records meet there.
	if n := int64(len(edgeMap(t, optsB.Output))); sumC.CandidatePairs != 0 || sumC.ScoredPairs != 0 || sumC.KeptEdges < n {
		t.Errorf("unchanged input: %d candidate pairs, %d scored, %d edges kept; want 0, 0 and all %d", sumC.CandidatePairs, sumC.ScoredPairs, sumC.KeptEdges, n)
	}
	assertSameFiles(t, "rerun on unchanged input", files(t, optsC.Output, transforms.MastersDir, transforms.LinksDir, transforms.RecordsDir), before)
}

// --sources shop --previous DIR reads the shop's feed and reuses the
// other sources' records from DIR/records/: the masters are those of a
// full run.
func TestIncrementalRunDueSources(t *testing.T) {
	ctx := context.Background()
	cfg, opts := loadDemo(t)
	sumA, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	full := files(t, opts.Output, transforms.MastersDir, transforms.LinksDir, transforms.RecordsDir)

	due := opts
	due.Output, due.Previous, due.Sources, due.RunID = t.TempDir(), opts.Output, []string{"shop"}, "due"
	sum, err := runJob(t, cfg, due)
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.Check(); err != nil {
		t.Errorf("accounting: %v", err)
	}
	for _, name := range cfg.SourceNames() {
		c, ca := sum.Sources[name], sumA.Sources[name]
		if name == "shop" {
			if c.Read != ca.Read || c.Reused != 0 {
				t.Errorf("due source shop: read %d, reused %d; want read %d, reused 0", c.Read, c.Reused, ca.Read)
			}
			continue
		}
		if c.Read != 0 || c.Reused != ca.Linked || c.Linked != ca.Linked {
			t.Errorf("source %s not due: read %d, reused %d, linked %d; want 0, %d, %d", name, c.Read, c.Reused, c.Linked, ca.Linked, ca.Linked)
		}
	}
	if n := int64(len(edgeMap(t, opts.Output))); sum.CandidatePairs != 0 || sum.ScoredPairs != 0 || sum.KeptEdges < n {
		t.Errorf("the shop's unchanged feed: %d candidate pairs, %d scored, %d edges kept; want 0, 0 and all %d", sum.CandidatePairs, sum.ScoredPairs, sum.KeptEdges, n)
	}
	assertSameFiles(t, "due sources only", files(t, due.Output, transforms.MastersDir, transforms.LinksDir, transforms.RecordsDir), full)
	if rows, err := ReadChanges(ctx, due.Output); err != nil || len(rows) != 0 {
		t.Errorf("changes %v, %v; want none", rows, err)
	}
}

func TestIncrementalRunChecksPrevious(t *testing.T) {
	cfg, opts := loadDemo(t)
	opts.Previous = t.TempDir() // no _SUCCESS
	if err := buildOnly(cfg, opts); err == nil || !strings.Contains(err.Error(), "not a committed linkbeam output") {
		t.Errorf("--previous of an empty folder: %v", err)
	}

	touch := func(dir string, names ...string) string {
		for _, f := range names {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	opts.Previous = touch(t.TempDir(), transforms.SuccessMarker, "links/part-00000.parquet", "curated/category=TVs/part-00000.parquet")
	if err := buildOnly(cfg, opts); err == nil || !strings.Contains(err.Error(), "standard layout") {
		t.Errorf("--previous of a lake layout output: %v", err)
	}

	// An output without records/ (an older release) can keep ids but not
	// stand in for sources that are not read.
	opts.Previous = touch(t.TempDir(), transforms.SuccessMarker, "links/part-00000.parquet", "masters/part-00000.parquet")
	if err := buildOnly(cfg, opts); err != nil {
		t.Errorf("--previous of an output without records/: %v", err)
	}
	opts.Sources = []string{"shop"}
	if err := buildOnly(cfg, opts); err == nil || !strings.Contains(err.Error(), "no records/") {
		t.Errorf("--sources with --previous of an output without records/: %v", err)
	}

	lake := *cfg
	lake.Output.Layout = schemas.LayoutLake
	opts.Sources = nil
	if err := buildOnly(&lake, opts); err == nil || !strings.Contains(err.Error(), "standard output layout") {
		t.Errorf("--previous with the lake layout: %v", err)
	}
}

// buildOnly builds the job without running it.
func buildOnly(cfg *schemas.Config, opts Options) error {
	_, s := beam.NewPipelineWithRoot()
	_, err := Build(s, cfg, opts)
	return err
}

func TestSummaryCountsReusedAndChanges(t *testing.T) {
	sum := Summary{
		Sources: map[string]SourceCounts{
			"shop":   {Read: 10, Accepted: 8, Rejected: 2, Superseded: 1, Linked: 7},
			"legacy": {Reused: 5, Linked: 5},
		},
		CandidatePairs: 12, ScoredPairs: 3, KeptEdges: 8, MatchedPairs: 2,
		Masters: 9,
		Changes: map[string]int64{reconcile.Created: 1, reconcile.Retired: 2},
	}
	if err := sum.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	var b strings.Builder
	sum.Write(&b)
	for _, want := range []string{
		"reused from the previous run (linked, not read): legacy 5\n",
		"changes since the previous run: 1 created, 0 updated, 0 merged, 0 split, 2 retired\n",
		"candidate pairs 12, scored 3, matched 2, 8 previous edges kept (unchanged records)\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	bad := sum
	bad.Sources = map[string]SourceCounts{"legacy": {Reused: 5, Linked: 4}}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "accepted 0 + reused 5 != linked 4 + superseded 0") {
		t.Errorf("Check of a lost reused record: %v", err)
	}
}

// The demo; a rerun on the same input with --previous; then the edited
// demo in place, --previous = --output, as a scheduled run does. A pair of
// two unchanged records is not scored and keeps its previous decision:
// the rerun pairs nothing and changes nothing, and the edited run pairs
// only the blocks of changed or new records, scores exactly the candidate
// pairs with such a record, and clusters as a full run on the edited
// input does.
func TestIncrementalRunKeepsDecisions(t *testing.T) {
	ctx := context.Background()
	cfg, opts := loadDemo(t)
	opts.BlockShards = 1 // each candidate pair is scored once, as CandidatePairs lists it
	opts.RunID = "first"
	sumA, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	candidatesA := candidatePairs(t, cfg, opts.Output)
	if sumA.ScoredPairs != int64(len(candidatesA)) || sumA.KeptEdges != 0 {
		t.Fatalf("first run: %d pairs scored, %d edges kept; want the %d candidate pairs and 0", sumA.ScoredPairs, sumA.KeptEdges, len(candidatesA))
	}
	edgesA := edgeMap(t, opts.Output)
	if int64(len(edgesA)) != sumA.MatchedPairs || len(edgesA) == 0 {
		t.Errorf("edges/ has %d pairs, %d matched", len(edgesA), sumA.MatchedPairs)
	}
	threshold := opts.Model.Threshold
	for pair, p := range edgesA {
		if p < threshold || pair[0] >= pair[1] {
			t.Errorf("edge %v: probability %v, threshold %v", pair, p, threshold)
		}
	}
	scoring, err := transforms.PreviousScoring(ctx, opts.Output)
	if want := transforms.ScoringHash(opts.Model, threshold, cfg.Matching.Blocking, cfg.Matching.Clustering.OnePerSource); err != nil || scoring != want {
		t.Errorf("edges/%s: %q, %v; want %q", transforms.ScoringFile, scoring, err, want)
	}

	// Unchanged input: nothing scored, the same output.
	rerun := opts
	rerun.Output, rerun.Previous, rerun.RunID = jobtest.TempOutput(t), opts.Output, "rerun"
	sumB, err := runJob(t, cfg, rerun)
	if err != nil {
		t.Fatal(err)
	}
	if sumB.CandidatePairs != 0 || sumB.ScoredPairs != 0 || sumB.KeptEdges != int64(len(edgesA)) {
		t.Errorf("rerun: %d candidate pairs, %d scored, %d edges kept; want 0, 0 and %d", sumB.CandidatePairs, sumB.ScoredPairs,
			sumB.KeptEdges, len(edgesA))
	}
	dirs := []string{transforms.MastersDir, transforms.LinksDir, transforms.EdgesDir}
	assertSameFiles(t, "rerun on unchanged input", files(t, rerun.Output, dirs...), files(t, opts.Output, dirs...))

	// The edited input, in place.
	fingerprintB := fingerprints(t, rerun.Output)
	cfgC := editedDemo(t)
	edit := rerun
	edit.Previous, edit.RunID = rerun.Output, "edit"
	sumC, err := runJob(t, cfgC, edit)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := map[string]bool{}
	for key, fp := range fingerprints(t, edit.Output) {
		unchanged[key] = fingerprintB[key] == fp
	}
	var wantScored, untouched, wantKept int64
	for _, pair := range candidatePairs(t, cfgC, edit.Output) {
		if unchanged[pair[0]] && unchanged[pair[1]] {
			untouched++
		} else {
			wantScored++
		}
	}
	for pair := range edgesA {
		if unchanged[pair[0]] && unchanged[pair[1]] {
			wantKept++
		}
	}
	if wantScored == 0 || untouched == 0 || sumC.ScoredPairs != wantScored || sumC.KeptEdges != wantKept {
		t.Errorf("edited input: %d pairs scored, %d edges kept; want %d with a changed or new record, %d of two unchanged",
			sumC.ScoredPairs, sumC.KeptEdges, wantScored, wantKept)
	}
	if sumC.CandidatePairs >= wantScored+untouched {
		t.Errorf("edited input: %d candidate pairs; want fewer than all %d: only blocks with a changed record are paired",
			sumC.CandidatePairs, wantScored+untouched)
	}

	full := opts
	full.Output, full.RunID = jobtest.TempOutput(t), "full"
	sumD, err := runJob(t, cfgC, full)
	if err != nil {
		t.Fatal(err)
	}
	if sumD.ScoredPairs != wantScored+untouched {
		t.Errorf("full run on the edited input: %d pairs scored, want %d", sumD.ScoredPairs, wantScored+untouched)
	}
	// The same edges; a pair of two unchanged records carries the
	// probability of the previous run, the others that of the full run.
	edgesC, edgesD := edgeMap(t, edit.Output), edgeMap(t, full.Output)
	if len(edgesC) != len(edgesD) {
		t.Errorf("%d edges, the full run %d", len(edgesC), len(edgesD))
	}
	var kept int
	for pair, p := range edgesC {
		want, ok := edgesD[pair]
		if !ok {
			t.Errorf("edge %v is not in the full run's", pair)
		}
		if unchanged[pair[0]] && unchanged[pair[1]] {
			want = edgesA[pair]
			kept++
		}
		if p != want {
			t.Errorf("edge %v: probability %v, want %v", pair, p, want)
		}
	}
	if kept == 0 || kept == len(edgesC) {
		t.Errorf("%d of %d edges kept: the edits should touch some", kept, len(edgesC))
	}
	t.Logf("first run: %d candidate pairs scored, %d edges; rerun: %d kept; edited input: %d of %d candidate pairs scored, %d of %d edges kept",
		sumA.ScoredPairs, len(edgesA), sumB.KeptEdges, sumC.ScoredPairs, sumC.CandidatePairs, kept, len(edgesC))
	// The same masters and links but for ids, and for the probability of
	// links whose strongest edge was kept (TF-IDF weights are not
	// re-applied to kept pairs): each link carries its record's strongest
	// edge in its master.
	mastersC, inC, probC := byMembers(t, edit.Output)
	mastersD, inD, probD := byMembers(t, full.Output)
	if !maps.EqualFunc(mastersC, mastersD, func(a, b schemas.MasterRow) bool { return reflect.DeepEqual(a, b) }) {
		t.Errorf("masters differ from a full run's:\n%v\n%v", mastersC, mastersD)
	}
	if !maps.Equal(inC, inD) {
		t.Errorf("masters by record:\n%v\nfull run:\n%v", inC, inD)
	}
	for key, p := range probC {
		want, strongest := probD[key], -1.0
		for pair, pe := range edgesC {
			if (pair[0] == key || pair[1] == key) && inC[pair[0]] == inC[pair[1]] {
				strongest = max(strongest, pe)
			}
		}
		if strongest >= 0 {
			want = strongest
		}
		if p != want {
			t.Errorf("link %s: probability %v, want %v (the full run's %v)", key, p, want, probD[key])
		}
	}
}

// A run whose model differs from the previous run's, or whose previous
// output has no edges/, scores every pair, and says why.
func TestIncrementalRunRescores(t *testing.T) {
	cfg, opts := loadDemo(t)
	sumA, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Pairs that share blocking keys in several of the 8 block shards are
	// scored, and matched, in each; edges/ holds them once.
	if n := len(edgeMap(t, opts.Output)); n == 0 || int64(n) >= sumA.MatchedPairs {
		t.Errorf("edges/ has %d pairs, %d matched in 8 block shards", n, sumA.MatchedPairs)
	}
	other := *opts.Model
	other.Weights = slices.Clone(other.Weights)
	other.Weights[0] += 0.5
	scoring := transforms.ScoringHash(opts.Model, opts.Model.Threshold, cfg.Matching.Blocking, cfg.Matching.Clustering.OnePerSource)
	otherScoring := transforms.ScoringHash(&other, other.Threshold, cfg.Matching.Blocking, cfg.Matching.Clustering.OnePerSource)
	withPairs := *cfg
	withPairs.Output.WritePairs = true
	prev := opts
	prev.Previous = opts.Output
	for _, c := range []struct {
		cfg     *schemas.Config
		scoring string
		why     string
	}{
		{cfg, scoring, ""},
		{cfg, otherScoring, "another model"},
		{&withPairs, scoring, "write_pairs"},
	} {
		inc, err := newIncremental(c.cfg, prev, c.cfg.SourceNames(), c.scoring)
		if err != nil {
			t.Fatal(err)
		}
		if c.why == "" && (inc.rescore != "" || inc.keptFrom() != opts.Output) || c.why != "" && (!strings.Contains(inc.rescore, c.why) || inc.keptFrom() != "") {
			t.Errorf("rescore %q, decisions kept from %q; want the reason to mention %q", inc.rescore, inc.keptFrom(), c.why)
		}
	}

	changed := prev
	changed.Output, changed.Model, changed.RunID = jobtest.TempOutput(t), &other, "model"
	sumB, err := runJob(t, cfg, changed)
	if err != nil {
		t.Fatal(err)
	}
	if sumB.ScoredPairs != sumA.ScoredPairs || sumB.KeptEdges != 0 {
		t.Errorf("another model: %d pairs scored, %d edges kept; want %d and 0", sumB.ScoredPairs, sumB.KeptEdges, sumA.ScoredPairs)
	}

	if err := os.RemoveAll(filepath.Join(opts.Output, transforms.EdgesDir)); err != nil {
		t.Fatal(err)
	}
	inc, err := newIncremental(cfg, prev, cfg.SourceNames(), scoring)
	if err != nil || !strings.Contains(inc.rescore, "no edges/") {
		t.Errorf("previous output without edges/: rescore %q, %v", inc.rescore, err)
	}
	older := prev
	older.Output, older.RunID = jobtest.TempOutput(t), "older"
	sumC, err := runJob(t, cfg, older)
	if err != nil {
		t.Fatal(err)
	}
	if sumC.ScoredPairs != sumA.ScoredPairs || sumC.KeptEdges != 0 {
		t.Errorf("previous output without edges/: %d pairs scored, %d edges kept; want %d and 0", sumC.ScoredPairs, sumC.KeptEdges, sumA.ScoredPairs)
	}
}

// candidatePairs lists the candidate pairs of the records/ of a run,
// blocked in memory as the job blocks them, by record key.
func candidatePairs(t *testing.T, cfg *schemas.Config, dir string) [][2]string {
	t.Helper()
	rows, err := ReadRecords(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	records := make([]schemas.Product, len(rows))
	for i := range rows {
		records[i] = rows[i].Product()
	}
	pairs, err := replay.CandidatePairs(records, cfg.Matching.Blocking)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, p := range pairs {
		a, b := &records[p[0]], &records[p[1]]
		if cfg.Matching.Clustering.OnePerSource && a.Source == b.Source {
			continue
		}
		out = append(out, [2]string{a.Key(), b.Key()})
	}
	return out
}

func fingerprints(t *testing.T, dir string) map[string]string {
	t.Helper()
	rows, err := ReadRecords(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		m[schemas.RecordKey(r.Source, r.SourceID)] = r.Fingerprint
	}
	return m
}

func edgeMap(t *testing.T, dir string) map[[2]string]float64 {
	t.Helper()
	rows, err := ReadEdges(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[[2]string]float64{}
	for _, e := range rows {
		k := [2]string{e.A, e.B}
		if _, dup := m[k]; dup {
			t.Errorf("edges/ has %v twice", k)
		}
		m[k] = e.MatchProbability
	}
	return m
}

// byMembers reads an output's masters and links with each master id
// replaced by its members' record keys, which runs that name masters
// differently share: the masters without id and generation by members,
// and by record key its master's members and its match probability.
func byMembers(t *testing.T, dir string) (masters map[string]schemas.MasterRow, in map[string]string, prob map[string]float64) {
	t.Helper()
	links, err := ReadLinks(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]string{}
	for _, l := range links {
		members[l.MasterID] = append(members[l.MasterID], schemas.RecordKey(l.Source, l.SourceID))
	}
	name := map[string]string{}
	for id, keys := range members {
		slices.Sort(keys)
		name[id] = strings.Join(keys, " ")
	}
	in, prob = map[string]string{}, map[string]float64{}
	for _, l := range links {
		key := schemas.RecordKey(l.Source, l.SourceID)
		in[key], prob[key] = name[l.MasterID], l.MatchProbability
	}
	rows, err := ReadMasters(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	masters = map[string]schemas.MasterRow{}
	for _, m := range rows {
		key := name[m.MasterID]
		m.MasterID, m.CreatedGeneration = "", 0
		masters[key] = m
	}
	return masters, in, prob
}
