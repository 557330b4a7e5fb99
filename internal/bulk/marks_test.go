package bulk

import (
	"errors"
	"slices"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

// Marks of several batches decode into one set, sorted and without
// repeats; a batch cut short is schemas.ErrCorruptBatch.
func TestChangeMarks(t *testing.T) {
	var ma, mb ChangeMarks
	ma.MarkKey("shop:9")
	ma.MarkKey("shop:3")
	ma.Blocks = []uint64{40, 1 << 63, 40}
	mb.MarkKey("shop:3")
	a, b := AppendChangeMarks(nil, &ma), AppendChangeMarks(nil, &mb)
	var m ChangeMarks
	for _, batch := range [][]byte{a, b} {
		if err := DecodeChangeMarks(batch, &m); err != nil {
			t.Fatal(err)
		}
	}
	m.Sort()
	if len(m.Keys) != 2 || !slices.IsSorted(m.Keys) || !slices.Equal(m.Blocks, []uint64{40, 1 << 63}) {
		t.Errorf("decoded %v, %v", m.Keys, m.Blocks)
	}
	if !m.Changed("shop:9") || !m.Changed("shop:3") || m.Changed("shop:4") || !m.Touches(1<<63) || m.Touches(41) {
		t.Error("membership of shop:9, shop:3, shop:4, 1<<63, 41: want true, true, false, true, false")
	}
	for _, cut := range []int{1, 8, len(a) - 1} {
		if err := DecodeChangeMarks(a[:len(a)-cut], &ChangeMarks{}); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a batch cut by %d: %v, want ErrCorruptBatch", cut, err)
		}
	}
	if err := DecodeChangeMarks(append(slices.Clone(a), 0, 0), &ChangeMarks{}); !errors.Is(err, schemas.ErrCorruptBatch) {
		t.Errorf("trailing bytes: %v, want ErrCorruptBatch", err)
	}
}
