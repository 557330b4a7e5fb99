package spill

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

func TestPutGetRoundTrip(t *testing.T) {
	ctx := context.Background()
	store := Store{Dir: filepath.Join(t.TempDir(), DirName)}
	batch := bytes.Repeat([]byte("product;"), 1000)
	ref, err := store.Put(ctx, "survivors", 3, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Path) > 200 {
		t.Errorf("a reference of %d bytes: it should name the batch, not carry it", len(ref.Path))
	}
	got, err := Get(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, batch) {
		t.Errorf("Get returned %d bytes, want the %d put", len(got), len(batch))
	}
}

// A retried bundle writes the same batch again: it must land in the same
// file, and nothing half-written may remain beside it.
func TestPutIsDeterministic(t *testing.T) {
	ctx := context.Background()
	store := Store{Dir: filepath.Join(t.TempDir(), DirName)}
	first, err := store.Put(ctx, "candidates", 0, []byte("same bytes"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := store.Put(ctx, "candidates", 0, []byte("same bytes"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Put(ctx, "candidates", 0, []byte("other bytes"))
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Errorf("the same batch got two references: %v and %v", first, again)
	}
	if first.Path == other.Path {
		t.Errorf("two batches share the file %q", first.Path)
	}
	files, err := filepath.Glob(filepath.Join(store.Dir, "candidates", "00000", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Errorf("files %v, want the two batches' files and no temporary one", files)
	}
}

func TestGetRejectsBadReferences(t *testing.T) {
	ctx := context.Background()
	store := Store{Dir: filepath.Join(t.TempDir(), DirName)}
	ref, err := store.Put(ctx, "edges", 1, []byte("0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Get(ctx, Ref{}); !errors.Is(err, ErrBadRef) {
		t.Errorf("Get(Ref{}) = %v, want ErrBadRef", err)
	}
	if _, err := Get(ctx, Ref{Size: 10}); !errors.Is(err, ErrBadRef) {
		t.Errorf("Get of a length without a path = %v, want ErrBadRef", err)
	}
	if _, err := Get(ctx, Ref{Path: ref.Path, Size: -1}); !errors.Is(err, ErrBadRef) {
		t.Errorf("Get of a negative length = %v, want ErrBadRef", err)
	}
	// A batch file cut short (a disk full, a truncated copy) is an error,
	// not a shorter batch.
	path := ref.Path
	if err := os.Truncate(path, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := Get(ctx, ref); err == nil {
		t.Error("Get of a truncated batch file succeeded")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Get(ctx, ref); err == nil {
		t.Error("Get of a missing batch file succeeded")
	}
}

func TestPutNeedsAFolder(t *testing.T) {
	if _, err := (Store{}).Put(context.Background(), "products", 0, []byte("x")); err == nil {
		t.Error("Put without a folder succeeded")
	}
}
