package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/spill"
)

// Bulk data crosses the job's shuffles as files in the staging folder's
// spill folder (only references travel through the runner), and the
// commit removes them with the staging folder.
func TestBulkDataCrossesAsSpillFiles(t *testing.T) {
	cfg, opts := loadDemo(t)
	opts.CommitInJob = false
	p, s := beam.NewPipelineWithRoot()
	staged, err := Build(s, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(staged.staging, spill.DirName)
	for _, stage := range []string{"products", "survivors", "candidates", "edges", "edge-shards", "assignments", "members"} {
		files, err := filepath.Glob(filepath.Join(dir, stage, "*", "*.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("no %s batch was spilled under %s", stage, dir)
		}
	}
	if err := staged.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(opts.Output, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("%s left in the output after the commit", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
