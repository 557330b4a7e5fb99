package sources

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() { Register("jsonl", openJSONL) }

// jsonlDecoder reads JSON Lines: one object per line, in the encoding of
// JSONOptions.Encoding. Blank lines are skipped; a leading UTF-8 BOM and
// CR before LF are dropped. A line that does not parse or is not an object
// is a record error with the line as Raw. Lines have no length limit.
type jsonlDecoder struct {
	br   *bufio.Reader
	name string
	line int
	long []byte // accumulates a line longer than br's buffer
}

func openJSONL(r io.Reader, name string, src schemas.SourceConfig) (Decoder, error) {
	br, _, err := textReader(r, src.JSON.Encoding)
	if err != nil {
		return nil, fmt.Errorf("opening %s as jsonl: %w", name, err)
	}
	return &jsonlDecoder{br: br, name: name}, nil
}

func (d *jsonlDecoder) Next() (schemas.RawRecord, error) {
	for {
		line, err := d.readLine()
		if err != nil && err != io.EOF {
			return schemas.RawRecord{}, fmt.Errorf("reading %s line %d: %w", d.name, d.line+1, err)
		}
		if len(line) == 0 && err == io.EOF {
			return schemas.RawRecord{}, io.EOF
		}
		d.line++
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.Trim(line, " \t\r")) == 0 { // JSON whitespace only
			continue
		}
		text := string(line) // one copy, shared by Raw and the fields
		rec := schemas.RawRecord{
			Position: d.name + ":" + strconv.Itoa(d.line),
			Raw:      rawTextString(text),
		}
		fields, ferr := flattenJSON(text)
		if ferr != nil {
			rec.Err = &DecodeError{Position: rec.Position, Err: encodingHint(ferr, "json.encoding")}
		} else {
			rec.Fields = fields
		}
		return rec, nil
	}
}

// readLine returns the next line including its '\n'. The slice is valid
// until the next call.
func (d *jsonlDecoder) readLine() ([]byte, error) {
	chunk, err := d.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return chunk, err
	}
	d.long = append(d.long[:0], chunk...)
	for err == bufio.ErrBufferFull {
		chunk, err = d.br.ReadSlice('\n')
		d.long = append(d.long, chunk...)
	}
	line := d.long
	if cap(d.long) > 4*readBufferSize {
		d.long = nil // don't pin a huge buffer
	}
	return line, err
}
