package transforms

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// registerBatchFn registers the type of a DoFn whose elements are a few
// batch references, paths or shards per bundle, so that workers can find
// it by name; Beam calls it by reflection. register.DoFnNxM would add
// generated wrappers that only pay off at millions of elements: for the
// twenty-odd such DoFns here they were a third of the binary (163 → 102 MB)
// and half of this package's compile (127 s and 6.5 GB → 66 s and 3 GB here),
// with no difference in a job's time. DoFns that see every record
// (Read, Harmonize, packing, the rejects and the raw lake writer) keep register.DoFnNxM.
func registerBatchFn(fn any) {
	beam.RegisterType(reflect.TypeOf(fn).Elem())
}
