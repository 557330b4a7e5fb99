package pipelines

import (
	"context"
	"fmt"
	"time"

	"github.com/linkbeam/linkbeam/transforms"
)

// Staged is the output a job leaves in its staging folder for the caller
// to publish once the job has succeeded: see Build.
type Staged struct {
	dir, staging string
	plan         transforms.CommitPlan
	built        time.Time
	bigQuery     *transforms.BigQueryTarget
}

// Commit publishes the staged output into the output directory (the
// commit of transforms.CommitWith, see transforms.CommitStaged), then
// loads it into BigQuery when the job has that sink. Call it only after
// the job has succeeded: a failed job's staging folder stays, unpublished,
// until a later run's commit removes it.
func (st *Staged) Commit(ctx context.Context) error {
	published, err := transforms.CommitStaged(ctx, st.dir, st.staging, st.plan, st.built)
	if err != nil {
		return err
	}
	if st.bigQuery == nil {
		return nil
	}
	if err := transforms.LoadTables(ctx, *st.bigQuery, published); err != nil {
		return fmt.Errorf("the output is committed to %s, but %w", st.dir, err)
	}
	return nil
}
