package pipelines

import (
	"bytes"
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// LoadJob loads and validates a job config and its match model. Both may
// live on any Beam filesystem (local, gs://, s3://), since launchers and
// workers do not share a disk. modelPath, when set, overrides the config's
// matching.model.
func LoadJob(ctx context.Context, configPath, modelPath string) (*schemas.Config, *matchers.Model, error) {
	data, err := ReadFile(ctx, configPath)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := schemas.Parse(data, configPath)
	if err != nil {
		return nil, nil, err
	}
	if modelPath == "" {
		modelPath = cfg.Matching.Model
	}
	model, err := LoadModel(ctx, modelPath)
	if err != nil {
		return nil, nil, err
	}
	if _, err := matchers.NewFeatureSet(model.Features); err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", modelPath, err)
	}
	return cfg, model, nil
}

// LoadModel loads a match model; "default" or "" is the model embedded in
// the binary.
func LoadModel(ctx context.Context, path string) (*matchers.Model, error) {
	if path == "" || path == "default" {
		return matchers.DefaultModel(), nil
	}
	data, err := ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	m, err := matchers.LoadModel(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return m, nil
}

// ReadFile reads a whole file from any registered Beam filesystem.
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer fs.Close()
	data, err := filesystem.Read(ctx, fs, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}
