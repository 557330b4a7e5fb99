package synth

import (
	"hash/fnv"
	"time"

	"github.com/parquet-go/parquet-go"
)

// render fills g.rec with the current entity as source src shows it under
// the choices ch.
func (g *generator) render(src int, ch *choice) {
	r := g.r
	e := &g.ent
	f := e.fam
	c := f.bc.cat
	b := f.bc.brand
	rc := &g.rec
	rc.ch = ch
	ph := phrases[c]

	// Title slot values.
	v := &g.vals
	*v = [numSlots]string{}
	switch {
	case ch.brandTitle == 0:
		v[slotBrand] = b.name
	case ch.brandTitle > 0:
		v[slotBrand] = b.aliases[(ch.brandTitle-1)%len(b.aliases)]
	}
	if ch.line {
		v[slotLine] = f.line
	}
	v[slotAttr] = e.attr.forms[ch.attrForm%len(e.attr.forms)]
	noun := ph.nouns[f.noun]
	switch {
	case ch.shortNoun:
		v[slotNoun] = c.short
	case ch.abbr:
		v[slotNoun] = noun.abbr
	default:
		v[slotNoun] = noun.full
	}
	if ch.feature {
		ft := ph.features[f.features[0]]
		if f.features[1] >= 0 && src == srcAPI {
			ft = ph.features[f.features[1]]
		}
		if ch.abbr {
			v[slotFeature] = ft.abbr
		} else {
			v[slotFeature] = ft.full
		}
	}
	g.tmp = g.tmp[:0]
	if ch.modelTitle >= 0 {
		g.tmp = appendModelFormat(g.tmp, e.model, ch.modelTitle)
	}
	var ms, me int
	rc.title, ms, me = titleTmpls[src][ch.tmpl%len(titleTmpls[src])].render(rc.title[:0], v, g.tmp)
	if ch.upper {
		upperInPlace(rc.title)
	}
	if ch.typo {
		rc.title = g.typo(rc.title, ms, me)
	}
	if g.opts.ChangeTitles > 0 && src == sourceIndex(g.opts.ChangeSource) && changed(rc.id, g.opts.ChangeTitles) {
		rc.title = append(rc.title, " - Renewed"...)
	}
	rc.truncated = false
	if src == srcLegacy && len(rc.title) > legacyTitleMax {
		rc.title = rc.title[:legacyTitleMax]
		rc.truncated = true
	}

	// Model-number field.
	rc.model = rc.model[:0]
	if ch.modelField >= 0 {
		rc.model = appendModelFormat(rc.model, e.model, ch.modelField)
	}

	// Brand field (legacy: manufacturer).
	rc.brand = rc.brand[:0]
	if ch.brandField >= 0 {
		switch {
		case src == srcLegacy && ch.brandField == 0:
			rc.brand = append(rc.brand, b.maker...)
		case src == srcLegacy && ch.brandField == 1, ch.brandField == 0:
			rc.brand = append(rc.brand, b.name...)
		case src == srcLegacy:
			rc.brand = append(rc.brand, b.name...)
			upperInPlace(rc.brand)
		default:
			rc.brand = append(rc.brand, b.aliases[(ch.brandField-1)%len(b.aliases)]...)
		}
	}

	// GTIN.
	rc.gtin = rc.gtin[:0]
	if ch.gtinFmt >= 0 && len(e.gtin) == 13 {
		switch {
		case ch.gtinFmt == 1:
			rc.gtin = append(append(rc.gtin, '0'), e.gtin...)
		case ch.gtinFmt == 2 && e.gtin[0] == '0':
			rc.gtin = append(rc.gtin, e.gtin[1:]...)
		default:
			rc.gtin = append(rc.gtin, e.gtin...)
		}
	}

	// Price.
	cur := currencies[ch.currency]
	rc.currency = cur.code
	rc.priceVal = float64(toCents(e.price*ch.priceFactor*cur.rate)) / 100
	rc.price = rc.price[:0]
	if !ch.noPrice {
		cents := toCents(rc.priceVal)
		switch src {
		case srcAPI:
			rc.price = append(rc.price, '$')
			rc.price = appendMoney(rc.price, cents, '.', ',')
		case srcPartner:
			code := cur.code
			if ch.lowerCode {
				code = cur.lower
			}
			if ch.currency == 1 {
				rc.price = appendMoney(rc.price, cents, ',', '.')
			} else {
				rc.price = appendMoney(rc.price, cents, '.', 0)
			}
			rc.price = append(rc.price, ' ')
			rc.price = append(rc.price, code...)
		}
	}

	// Category.
	switch src {
	case srcAPI:
		rc.category = c.apiPath
	case srcPartner:
		rc.category = c.partner
	default:
		rc.category = ""
	}

	// Description.
	rc.desc = rc.desc[:0]
	codeText := e.model // the model number as descriptions and URLs spell it
	if g.opts.NoCodes {
		codeText = nil
	}
	if ch.desc {
		dv := &g.vals
		*dv = [numSlots]string{slotBrand: b.name, slotLine: f.line, slotAttr: e.attr.forms[0], slotNoun: ph.nouns[f.noun].full}
		if f.features[0] >= 0 {
			dv[slotFeature] = c.features[f.features[0]]
		}
		switch src {
		case srcAPI:
			ts := descTmpls[c]
			n := 1 + r.IntN(3)
			first := r.IntN(len(ts))
			for i := 0; i < n; i++ {
				if i > 0 {
					rc.desc = append(rc.desc, ' ')
				}
				rc.desc, _, _ = ts[(first+i)%len(ts)].render(rc.desc, dv, codeText)
			}
		case srcLegacy:
			t := legacyDescTmpls[r.IntN(len(legacyDescTmpls))]
			rc.desc, _, _ = t.render(rc.desc, dv, codeText)
			if ch.upper {
				upperInPlace(rc.desc)
			}
		}
	}

	// URL (api).
	rc.url = rc.url[:0]
	if src == srcAPI {
		rc.url = append(rc.url, "https://shop.example.com/"...)
		rc.url = appendSlug(rc.url, b.name, f.line, codeText)
		rc.url = append(rc.url, "/dp/"...)
		rc.url = append(rc.url, rc.id...)
	}

	// Updated time.
	rc.updated = ch.updated
	rc.ts = rc.ts[:0]
	switch src {
	case srcAPI:
		rc.ts = time.Unix(ch.updated, 0).In(zones[ch.zone]).AppendFormat(rc.ts, time.RFC3339)
	case srcPartner:
		rc.ts = time.Unix(ch.updated, 0).UTC().AppendFormat(rc.ts, time.DateTime)
	}
}

// appendSlug appends "brand-line-model" lower-cased with runs of other
// characters collapsed to '-'.
func appendSlug(dst []byte, parts ...any) []byte {
	dash := false
	start := len(dst)
	add := func(c byte) {
		c = lower(c)
		if isLetter(c) || isDigit(c) {
			if dash && len(dst) > start {
				dst = append(dst, '-')
			}
			dst = append(dst, c)
			dash = false
		} else {
			dash = true
		}
	}
	for _, p := range parts {
		switch s := p.(type) {
		case string:
			for i := 0; i < len(s); i++ {
				add(s[i])
			}
		case []byte:
			for _, c := range s {
				add(c)
			}
		}
		dash = true
	}
	return dst
}

// keyboard neighbours for replacement typos.
var neighbours = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
	"njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
}

// typo applies one keyboard slip to a word of at least four letters outside
// the model number at title[ms:me].
func (g *generator) typo(title []byte, ms, me int) []byte {
	r := g.r
	var starts [32]int
	var ends [32]int
	n := 0
	for i := 0; i < len(title) && n < len(starts); {
		if !isLetter(title[i]) {
			i++
			continue
		}
		j := i
		for j < len(title) && isLetter(title[j]) {
			j++
		}
		if j-i >= 4 && (j <= ms || i >= me) {
			starts[n], ends[n] = i, j
			n++
		}
		i = j
	}
	if n == 0 {
		return title
	}
	k := r.IntN(n)
	s, e := starts[k], ends[k]
	p := s + 1 + r.IntN(e-s-2) // an inner position, not the first or last letter
	switch r.IntN(4) {
	case 0: // swap with the next letter
		title[p], title[p+1] = title[p+1], title[p]
	case 1: // drop
		title = append(title[:p], title[p+1:]...)
	case 2: // double
		title = append(title[:p+1], title[p:]...)
	case 3: // neighbouring key
		c := title[p]
		lc := lower(c)
		nb := neighbours[lc-'a']
		x := nb[r.IntN(len(nb))]
		if c != lc {
			x = upper(x)
		}
		title[p] = x
	}
	return title
}

// write serialises g.rec to a shard of source src.
func (g *generator) write(src, shard int) {
	switch src {
	case srcAPI:
		g.writeAPI(g.api[shard])
	case srcPartner:
		g.writePartner(g.partner[shard])
	case srcLegacy:
		g.writeLegacy(g.legacy[shard])
	}
}

func (g *generator) writeAPI(sf *shardFile) {
	rc := &g.rec
	ch := rc.ch
	b := g.line[:0]
	missing := func(b []byte, key string, style int) []byte {
		switch style {
		case 1:
			b = append(b, ',', '"')
			b = append(b, key...)
			b = append(b, `":null`...)
		case 2:
			b = append(b, ',', '"')
			b = append(b, key...)
			b = append(b, `":""`...)
		}
		return b
	}
	b = append(b, `{"product_id":`...)
	b = appendJSONString(b, rc.id)
	if ch.malformed != malMissingTitle {
		b = append(b, `,"product_name":`...)
		b = appendJSONString(b, rc.title)
	} else {
		b = missing(b, "product_name", ch.missStyle)
	}
	if len(rc.desc) > 0 {
		b = append(b, `,"product_description":`...)
		b = appendJSONString(b, rc.desc)
	} else {
		b = missing(b, "product_description", ch.missStyle)
	}
	if len(rc.brand) > 0 {
		b = append(b, `,"brand":`...)
		b = appendJSONString(b, rc.brand)
	} else {
		b = missing(b, "brand", min(ch.missStyle, 1))
	}
	switch {
	case ch.malformed == malBadPrice:
		b = append(b, `,"cost":"N/A"`...)
	case len(rc.price) > 0:
		b = append(b, `,"cost":`...)
		b = appendJSONString(b, rc.price)
	default:
		b = append(b, `,"cost":null`...)
	}
	b = append(b, `,"product_category":`...)
	b = appendJSONString(b, rc.category)
	if len(rc.model) > 0 {
		b = append(b, `,"mpn":`...)
		b = appendJSONString(b, rc.model)
	} else {
		b = missing(b, "mpn", ch.missStyle)
	}
	if len(rc.gtin) > 0 {
		b = append(b, `,"ean":`...)
		b = appendJSONString(b, rc.gtin)
	}
	b = append(b, `,"link":`...)
	b = appendJSONString(b, rc.url)
	b = append(b, `,"updated":`...)
	b = appendJSONString(b, rc.ts)
	b = append(b, '}')
	if ch.malformed == malBroken {
		// Cut the line short: no valid JSON object is a proper prefix of
		// another.
		b = b[:len(b)/3+g.r.IntN(len(b)/2)]
	}
	b = append(b, '\n')
	g.line = b
	_, err := sf.w.Write(b)
	g.writeErr(err)
}

func (g *generator) writePartner(sf *shardFile) {
	rc := &g.rec
	ch := rc.ch
	b := g.line[:0]
	b = appendCSVField(b, rc.id)
	b = append(b, ',')
	if ch.malformed != malMissingTitle {
		b = appendCSVField(b, rc.title)
	}
	b = append(b, ',')
	if ch.malformed == malBadPrice {
		b = append(b, "N/A"...)
	} else {
		b = appendCSVField(b, rc.price)
	}
	b = append(b, ',')
	b = append(b, rc.category...)
	b = append(b, ',')
	b = appendCSVField(b, rc.brand)
	if ch.malformed == malBroken && g.r.IntN(2) == 0 {
		// Ragged: the row ends after the maker.
		b = append(b, '\n')
		g.line = b
		_, err := sf.w.Write(b)
		g.writeErr(err)
		return
	}
	b = append(b, ',')
	b = appendCSVField(b, rc.model)
	b = append(b, ',')
	b = append(b, rc.gtin...)
	b = append(b, ',')
	b = append(b, rc.ts...)
	if ch.malformed == malBroken {
		// Ragged: a stray extra column.
		b = append(b, ",see notes"...)
	}
	b = append(b, '\n')
	g.line = b
	_, err := sf.w.Write(b)
	g.writeErr(err)
}

// legacyRow is the legacy source's Parquet schema (legacy_products).
type legacyRow struct {
	SKU          string   `parquet:"sku"`
	Name         string   `parquet:"name,optional"`
	Description  string   `parquet:"description,optional"`
	Price        *float64 `parquet:"price,optional"`
	Currency     string   `parquet:"currency,optional,dict"`
	Manufacturer string   `parquet:"manufacturer,optional,dict"`
	PartNumber   string   `parquet:"part_number,optional"`
	Modified     int64    `parquet:"modified"` // Unix seconds
}

const (
	legacyBatch        = 1024
	legacyRowGroupRows = 50_000
)

type legacyShard struct {
	file  *shardFile
	w     *parquet.GenericWriter[legacyRow]
	batch []legacyRow
	price []float64
}

func newLegacyShard(sf *shardFile) *legacyShard {
	return &legacyShard{
		file: sf,
		w: parquet.NewGenericWriter[legacyRow](sf.w,
			parquet.Compression(&parquet.Snappy),
			parquet.MaxRowsPerRowGroup(legacyRowGroupRows),
			parquet.CreatedBy("linkbeam-synth", "1", "0"),
		),
		batch: make([]legacyRow, 0, legacyBatch),
		price: make([]float64, legacyBatch),
	}
}

func (s *legacyShard) flush() error {
	if len(s.batch) == 0 {
		return nil
	}
	_, err := s.w.Write(s.batch)
	clear(s.batch)
	s.batch = s.batch[:0]
	return err
}

func (s *legacyShard) close() error {
	err := s.flush()
	if cerr := s.w.Close(); err == nil {
		err = cerr
	}
	if cerr := s.file.close(); err == nil {
		err = cerr
	}
	return err
}

func (g *generator) writeLegacy(s *legacyShard) {
	rc := &g.rec
	ch := rc.ch
	i := len(s.batch)
	row := legacyRow{
		SKU:          string(rc.id),
		Description:  string(rc.desc),
		Currency:     rc.currency,
		Manufacturer: string(rc.brand),
		PartNumber:   string(rc.model),
		Modified:     rc.updated,
	}
	if ch.malformed != malMissingTitle {
		row.Name = string(rc.title)
	}
	if ch.malformed == malBroken {
		row.SKU = ""
	}
	if !ch.noPrice || ch.malformed == malBadPrice {
		s.price[i] = rc.priceVal
		if ch.malformed == malBadPrice {
			s.price[i] = -rc.priceVal
		}
		row.Price = &s.price[i]
	} else {
		row.Currency = ""
	}
	s.batch = append(s.batch, row)
	if len(s.batch) == cap(s.batch) {
		g.writeErr(s.flush())
	}
}

// changed reports whether the record with this id is among the share
// whose title Options.ChangeTitles changes: a hash of the id, not a random
// draw, so the random stream and every other record stay the same.
func changed(id []byte, share float64) bool {
	h := fnv.New32a()
	h.Write(id)
	return float64(h.Sum32()%1_000_000) < share*1_000_000
}
