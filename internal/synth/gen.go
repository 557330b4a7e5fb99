package synth

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Distribution knobs. Shares are of entities, source appearances or rows as
// named; see the package documentation for the overall design.
var (
	// Number of sources an entity appears in: 1, 2 or 3.
	sourceCountWeights = []float64{45, 35, 20}
	// Which source holds a single-source entity: api, partner, legacy.
	singleSourceWeights = []float64{40, 35, 25}
	// Which pair holds a two-source entity: api+partner, api+legacy, partner+legacy.
	pairWeights = []float64{45, 30, 25}
	pairs       = [3][2]int{{srcAPI, srcPartner}, {srcAPI, srcLegacy}, {srcPartner, srcLegacy}}
)

const (
	pOlderVersions = 0.04  // an appearance also has older versions
	pTwoOlder      = 0.2   // ... two of them rather than one
	pMalformed     = 0.002 // a single-version appearance is written malformed
	pSuccessor     = 0.25  // a family is the next generation of its range's previous family
	pGTIN          = 0.7   // an entity has a GTIN
	maxGen         = 3     // generations per base code: 0..maxGen
	gtinRefs       = 1_000_000
)

// Updated times of latest versions are uniform over [updStart, updEnd).
var (
	updStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	updEnd   = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).Unix()
)

// Currencies with their rate against USD.
var currencies = []struct {
	code, lower string
	rate        float64
}{{"USD", "usd", 1}, {"EUR", "eur", 0.92}, {"GBP", "gbp", 0.79}}

var zones = []*time.Location{
	time.UTC,
	time.FixedZone("", -5*3600), time.FixedZone("", -8*3600), time.FixedZone("", 1*3600),
	time.FixedZone("", 2*3600), time.FixedZone("", 5*3600+1800), time.FixedZone("", 9*3600),
}

// Title templates per source; see tmpl for the syntax.
var titleTmpls = [3][]tmpl{
	srcAPI: parseTmpls(
		"[{brand} ][{line} ][{attr} ]{noun}[ {feature}][ - {model}]",
		"[{brand} ][{model} ][{line} ]{noun}[ - {attr}][, {feature}]",
		"[{brand} ][{line} ]{noun}, {attr}[, {feature}][ ({model})]",
		"[{brand} ][{line} ][{model} ]{noun}[ {feature}], {attr}",
	),
	srcPartner: parseTmpls(
		"[{model} - ][{brand} ][{line} ]{attr} {noun}",
		"[{brand} ][{line} ]{noun} {attr}[ {model}]",
		"[{model} ][{brand} ]{noun} {attr}",
		"[{brand} ][{model} ]{attr}[ {line}] {noun}",
	),
	srcLegacy: parseTmpls(
		"[{brand} ][{model} ]{noun} {attr}",
		"{noun}, [{brand} ][{line} ][{model} ]{attr}",
		"[{brand} ][{line} ]{attr} {noun}[ {model}]",
		"[{brand} ][{line} ]{noun} {attr}[ {model}][ {feature}]",
	),
}

var descTmpls = map[*category][]tmpl{}

func init() {
	for _, c := range categories {
		descTmpls[c] = parseTmpls(c.desc...)
	}
}

var legacyDescTmpls = parseTmpls(
	"{noun} by {brand}, {attr}.",
	"[{brand} ][{line} ]{noun}. [Part {model}.]",
	"{attr} {noun}[ - {feature}]",
)

// rangeState is the per-(brand, category) model-number allocator. Base codes
// are a bijective scramble of a counter, so model numbers are unique without
// remembering them.
type rangeState struct {
	a, c     uint64 // code = (a*i + c) mod capacity
	capacity uint64
	next     uint64 // next base counter
	lastCode uint64
	lastBlk  int
	lastGen  int
	hasLast  bool
}

type family struct {
	bc       *brandCat
	line     string
	noun     int
	features [2]int // -1: none
	attrs    [8]int
	nVar     int
	code     uint64
	block    int
	gen      int
	price    float64
}

type entity struct {
	fam   *family
	id    []byte // E000000001
	attr  *attrValue
	model []byte // canonical model number
	gtin  []byte // GTIN-13 or empty
	price float64
}

// choice holds the random decisions behind one record, so that an older
// version can be rendered as a light perturbation of the latest one.
type choice struct {
	tmpl        int
	brandField  int // -1 missing, 0 canonical, 1+ alias / manufacturer form
	brandTitle  int // -1 missing, 0 canonical, 1+ alias
	modelField  int // -1 missing, else model format
	modelTitle  int // -1 missing, else model format
	line        bool
	feature     bool
	shortNoun   bool
	abbr        bool
	upper       bool
	typo        bool
	attrForm    int
	priceFactor float64
	noPrice     bool
	currency    int
	lowerCode   bool
	gtinFmt     int // -1 none; 0 GTIN-13; 1 GTIN-14; 2 UPC-12 when possible
	desc        bool
	missStyle   int // how api writes missing values: 0 omitted, 1 null, 2 ""
	updated     int64
	zone        int
	malformed   int // -1 none, else a malformed kind
}

// Malformed kinds.
const (
	malMissingTitle = iota
	malBadPrice
	malBroken // api: truncated JSON; partner: ragged row; legacy: empty sku
)

var malformedNames = [3][3]string{
	srcAPI:     {"missing_title", "bad_price", "broken_row"},
	srcPartner: {"missing_title", "bad_price", "broken_row"},
	srcLegacy:  {"missing_title", "bad_price", "missing_id"},
}

// rec is one rendered record; its buffers are reused from row to row.
type rec struct {
	id, title, desc, brand, model, gtin, price, url, ts []byte
	category                                            string
	priceVal                                            float64
	currency                                            string
	updated                                             int64
	truncated                                           bool
	ch                                                  *choice
}

type generator struct {
	opts   Options
	r      *rand.Rand
	target int
	rows   int
	err    error

	api     []*shardFile
	partner []*shardFile
	legacy  []*legacyShard
	truth   *shardFile

	ranges   []rangeState
	gtinNext []int
	gtinA    uint64
	gtinC    []uint64 // per brand
	idNext   [3]uint64
	idA      [3]uint64
	idC      [3]uint64
	entityN  int

	catCum   []float64
	brandCum map[*category][]float64

	fam  family
	ent  entity
	rec  rec
	line []byte // output row scratch
	tmp  []byte // model format scratch
	tmp2 []byte
	slug []byte
	vals [numSlots]string

	sum Summary
}

// splitmix64 derives independent constants from the seed.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// scatter returns (a*i + c) mod m without overflow; with a coprime to m it
// is a bijection of [0, m).
func scatter(a, i, c, m uint64) uint64 {
	hi, lo := bits.Mul64(a, i%m)
	_, rem := bits.Div64(hi%m, lo, m)
	return (rem + c%m) % m
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// coprimeMultiplier returns a multiplier in [m/3, m) coprime with m (for
// m > 2), derived from h, so that i → (a*i + c) mod m is a bijection that
// scatters consecutive counters.
func coprimeMultiplier(h, m uint64) uint64 {
	if m <= 2 {
		return 1
	}
	a := m/3 + h%(m-m/3)
	for gcd(a, m) != 1 {
		a++
		if a >= m {
			a = 1
		}
	}
	return a
}

func newGenerator(opts Options) *generator {
	g := &generator{
		opts:     opts,
		r:        rand.New(rand.NewPCG(opts.Seed, splitmix64(opts.Seed^0x6c696e6b6265616d))),
		target:   opts.Records,
		ranges:   make([]rangeState, len(allBrandCats)),
		gtinNext: make([]int, len(brands)),
		brandCum: map[*category][]float64{},
	}
	h := splitmix64(opts.Seed)
	for i, bc := range allBrandCats {
		st := &g.ranges[i]
		st.capacity = patternCapacity(bc.pattern)
		h = splitmix64(h)
		st.a = coprimeMultiplier(h, st.capacity)
		h = splitmix64(h)
		st.c = h % st.capacity
	}
	h = splitmix64(h)
	g.gtinA = coprimeMultiplier(h, gtinRefs)
	for range brands {
		h = splitmix64(h)
		g.gtinC = append(g.gtinC, h%gtinRefs)
	}
	for s := range 3 {
		h = splitmix64(h)
		g.idA[s] = coprimeMultiplier(h, idSpace[s])
		h = splitmix64(h)
		g.idC[s] = h % idSpace[s]
	}
	tot := 0.0
	for _, c := range categories {
		tot += c.weight
		g.catCum = append(g.catCum, tot)
		t := 0.0
		var cum []float64
		for _, bc := range catBrands[c] {
			t += bc.brand.weight
			cum = append(cum, t)
		}
		g.brandCum[c] = cum
	}
	g.sum.Sources = make([]SourceSummary, 3)
	for i, sp := range sourceSpecs {
		g.sum.Sources[i] = SourceSummary{Name: sp.name, Schema: sp.schema, Format: sp.format, MalformedKinds: map[string]int{}}
	}
	return g
}

// Source id spaces: api "B0" + 8 base-36 characters, partner 9 digits,
// legacy "SKU-" + 8 digits.
var idSpace = [3]uint64{36 * 36 * 36 * 36 * 36 * 36 * 36 * 36, 1_000_000_000, 100_000_000}

func pickCum(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

func pickWeights(r *rand.Rand, w []float64) int {
	t := 0.0
	for _, x := range w {
		t += x
	}
	x := r.Float64() * t
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *generator) run() {
	for g.rows < g.target && g.err == nil {
		g.newFamily()
		f := &g.fam
		for v := 0; v < f.nVar && g.rows < g.target && g.err == nil; v++ {
			g.newEntity(v)
			g.emit()
		}
	}
}

func (g *generator) newFamily() {
	r := g.r
	c := categories[pickCum(r, g.catCum)]
	bc := catBrands[c][pickCum(r, g.brandCum[c])]
	st := &g.ranges[bc.idx]
	f := &g.fam
	*f = family{bc: bc}
	if st.hasLast && st.lastGen < maxGen && g.chance(pSuccessor) {
		st.lastGen++
		f.code, f.block, f.gen = st.lastCode, st.lastBlk, st.lastGen
		g.sum.Successors++
	} else {
		i := st.next
		st.next++
		f.block = int(i / st.capacity)
		f.code = scatter(st.a, i, st.c, st.capacity)
		st.lastCode, st.lastBlk, st.lastGen, st.hasLast = f.code, f.block, 0, true
	}
	f.line = bc.lines[r.IntN(len(bc.lines))]
	f.noun = r.IntN(len(c.nouns))
	if bc.brand.name == "Apple" && strings.Contains(c.nouns[f.noun], "Android") {
		f.noun = 0
	}
	f.features = [2]int{r.IntN(len(c.features)), -1}
	if g.chance(0.4) {
		f.features[1] = r.IntN(len(c.features))
		if f.features[1] == f.features[0] {
			f.features[1] = -1
		}
	}
	n := pickWeights(r, c.variants) + 1
	n = min(n, len(c.values), len(f.attrs))
	f.nVar = n
	switch c.attr {
	case attrColour, attrKit, attrSwitch:
		// Distinct values in random order (partial Fisher-Yates).
		var idx [16]int
		for i := range c.values {
			idx[i] = i
		}
		for i := 0; i < n; i++ {
			j := i + r.IntN(len(c.values)-i)
			idx[i], idx[j] = idx[j], idx[i]
			f.attrs[i] = idx[i]
		}
	default:
		// A contiguous run of sizes: the 55" and 65" of one line.
		s := r.IntN(len(c.values) - n + 1)
		for i := 0; i < n; i++ {
			f.attrs[i] = s + i
		}
	}
	f.price = logUniform(r, c.minPrice, c.maxPrice)
	g.sum.Families++
	if n > 1 {
		g.sum.LookAlikeFamilies++
	}
}

func (g *generator) newEntity(v int) {
	r := g.r
	f := &g.fam
	e := &g.ent
	g.entityN++
	g.sum.Entities++
	e.fam = f
	e.id = append(e.id[:0], 'E')
	e.id = appendPadded(e.id, uint64(g.entityN), 9)
	e.attr = &f.bc.cat.values[f.attrs[v]]
	e.model = renderModel(e.model[:0], f.bc.pattern, f.bc.prefix, f.code, f.block, f.gen, e.attr.code)
	e.gtin = e.gtin[:0]
	if g.chance(pGTIN) {
		b := f.bc.brand
		k := g.gtinNext[b.idx]
		if k < gtinRefs {
			g.gtinNext[b.idx]++
			ref := scatter(g.gtinA, uint64(k), g.gtinC[b.idx], gtinRefs)
			e.gtin = append(e.gtin, b.company...)
			e.gtin = appendPadded(e.gtin, ref, 6)
			e.gtin = append(e.gtin, gtinCheckDigit(e.gtin))
		}
	}
	p := f.price * e.attr.factor * (0.97 + 0.06*r.Float64())
	switch x := r.Float64(); {
	case x < 0.6:
		p = math.Floor(p) + 0.99
	case x < 0.85:
		p = math.Round(p)
	default:
		p = math.Floor(p) + 0.49
	}
	e.price = p
}

func appendPadded(dst []byte, v uint64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendUint(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// emit writes the current entity's records to the sources it appears in.
func (g *generator) emit() {
	r := g.r
	var srcs [3]int
	var versions [3]int
	n := pickWeights(r, sourceCountWeights) + 1
	switch n {
	case 1:
		srcs[0] = pickWeights(r, singleSourceWeights)
	case 2:
		p := pairs[pickWeights(r, pairWeights)]
		srcs[0], srcs[1] = p[0], p[1]
	case 3:
		srcs = [3]int{srcAPI, srcPartner, srcLegacy}
	}
	total := 0
	for i := 0; i < n; i++ {
		versions[i] = 1
		if g.chance(pOlderVersions) {
			versions[i]++
			if g.chance(pTwoOlder) {
				versions[i]++
			}
		}
		total += versions[i]
	}
	// Land exactly on the requested row count: drop older versions, then
	// sources, of the last entity.
	for remaining := g.target - g.rows; total > remaining; total-- {
		trimmed := false
		for i := n - 1; i >= 0; i-- {
			if versions[i] > 1 {
				versions[i]--
				trimmed = true
				break
			}
		}
		if !trimmed {
			n--
		}
	}
	valid := 0
	for i := 0; i < n; i++ {
		if g.emitAppearance(srcs[i], versions[i]) {
			valid++
		}
	}
	g.sum.EntitiesBySources[valid]++
	g.sum.MatchPairs += int64(valid * (valid - 1) / 2)
}

// emitAppearance writes one (source, source_id) with its versions and
// reports whether it is valid (in truth.csv).
func (g *generator) emitAppearance(src, versions int) bool {
	r := g.r
	ss := &g.sum.Sources[src]
	g.nextID(src)
	var ch choice
	g.choose(src, &ch)
	if versions == 1 && g.chance(pMalformed) {
		ch.malformed = r.IntN(3)
	}
	latest := r.IntN(versions)
	for v := 0; v < versions; v++ {
		c := ch
		if v != latest {
			g.perturb(&c, v)
		}
		g.render(src, &c)
		g.write(src, r.IntN(g.opts.FilesPerSource))
		g.rows++
		g.sum.Records++
		ss.Rows++
		if c.malformed >= 0 {
			g.sum.Malformed++
			ss.Malformed++
			ss.MalformedKinds[malformedNames[src][c.malformed]]++
			continue
		}
		g.sum.Valid++
		g.count(src, &c)
		if v != latest {
			g.sum.Superseded++
			ss.Superseded++
		}
	}
	if ch.malformed >= 0 {
		return false
	}
	w := g.truth.w
	w.WriteString(sourceSpecs[src].name)
	w.WriteByte(',')
	w.Write(g.rec.id)
	w.WriteByte(',')
	w.Write(g.ent.id)
	w.WriteByte('\n')
	g.sum.TruthRows++
	ss.IDs++
	return true
}

func (g *generator) nextID(src int) {
	i := g.idNext[src]
	g.idNext[src]++
	if i >= idSpace[src] {
		g.writeErr(errTooManyIDs)
	}
	x := scatter(g.idA[src], i, g.idC[src], idSpace[src])
	id := g.rec.id[:0]
	switch src {
	case srcAPI:
		id = append(id, 'B', '0')
		var tmp [8]byte
		for k := 7; k >= 0; k-- {
			tmp[k] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[x%36]
			x /= 36
		}
		id = append(id, tmp[:]...)
	case srcPartner:
		id = appendPadded(id, x, 9)
	case srcLegacy:
		id = append(id, "SKU-"...)
		id = appendPadded(id, x, 8)
	}
	g.rec.id = id
}

type synthError string

func (e synthError) Error() string { return string(e) }

const errTooManyIDs = synthError("synth: source id space exhausted; Records is too large")

// brandForm draws how a record names its brand: -1 not at all (a draw
// below none), 0 by its name (below name), else 1 + the index of one of
// its aliases.
func brandForm(r *rand.Rand, none, name float64, aliases int) int {
	switch x := r.Float64(); {
	case x < none:
		return -1
	case x < name:
		return 0
	}
	return 1 + r.IntN(aliases)
}

// choose draws the decisions of a source's latest record of the entity.
func (g *generator) choose(src int, ch *choice) {
	r := g.r
	e := &g.ent
	b := e.fam.bc.brand
	*ch = choice{malformed: -1, gtinFmt: -1, currency: 0, priceFactor: 1}
	ch.tmpl = r.IntN(len(titleTmpls[src]))
	ch.updated = updStart + r.Int64N(updEnd-updStart)
	if g.chance(0.7) {
		ch.priceFactor = 0.9 + 0.2*r.Float64()
	}
	ch.brandTitle = brandForm(r, 0.05, 0.85, len(b.aliases)) // brand in the title
	// Model field and title presence and format.
	var pField, pTitleWith float64
	var fmtW []float64 // weights of mfCanonical..mfUpperStripped
	switch src {
	case srcAPI:
		pField, pTitleWith = 0.8, 0.7
		fmtW = []float64{85, 6, 3, 2, 1, 3, 0}
	case srcPartner:
		pField, pTitleWith = 0.65, 0.75
		fmtW = []float64{55, 25, 6, 5, 3, 6, 0}
	case srcLegacy:
		pField, pTitleWith = 0.65, 0.8
		fmtW = []float64{50, 0, 4, 12, 4, 5, 25}
	}
	ch.modelField, ch.modelTitle = -1, -1
	if g.chance(pField) {
		ch.modelField = pickWeights(r, fmtW)
		if g.chance(pTitleWith) {
			ch.modelTitle = pickWeights(r, fmtW)
		}
	} else if g.chance(0.9) {
		ch.modelTitle = pickWeights(r, fmtW)
	}
	if g.opts.NoCodes {
		ch.modelField, ch.modelTitle = -1, -1 // the draws above still run: same stream
	}
	ch.feature = g.chance(0.6)
	ch.attrForm = 0
	switch src {
	case srcAPI:
		ch.brandField = brandForm(r, 0.08, 0.95, len(b.aliases))
		ch.line = g.chance(0.9)
		ch.abbr = g.chance(0.03)
		ch.typo = g.chance(0.06)
		if g.chance(0.2) {
			ch.attrForm = r.IntN(len(e.attr.forms))
		}
		ch.noPrice = g.chance(0.02)
		if len(e.gtin) > 0 && g.chance(0.35) {
			ch.gtinFmt = 0
		}
		ch.desc = g.chance(0.95)
		ch.missStyle = r.IntN(3)
		if g.chance(0.25) {
			ch.zone = 1 + r.IntN(len(zones)-1)
		}
	case srcPartner:
		ch.brandField = brandForm(r, 0.12, 0.75, len(b.aliases))
		ch.line = g.chance(0.7)
		ch.shortNoun = g.chance(0.5)
		ch.abbr = g.chance(0.3)
		ch.typo = g.chance(0.12)
		ch.attrForm = r.IntN(len(e.attr.forms))
		ch.noPrice = g.chance(0.02)
		ch.currency = pickWeights(r, []float64{60, 25, 15})
		ch.lowerCode = g.chance(0.6)
		if len(e.gtin) > 0 && g.chance(0.25) {
			ch.gtinFmt = pickWeights(r, []float64{60, 20, 20})
		}
	case srcLegacy:
		// brandField picks the manufacturer: corporate name, brand name,
		// upper-case brand name.
		switch x := r.Float64(); {
		case x < 0.10:
			ch.brandField = -1
		case x < 0.70:
			ch.brandField = 0
		case x < 0.95:
			ch.brandField = 1
		default:
			ch.brandField = 2
		}
		ch.line = g.chance(0.8)
		ch.shortNoun = g.chance(0.3)
		ch.abbr = g.chance(0.5)
		ch.upper = g.chance(0.35)
		ch.typo = g.chance(0.12)
		ch.attrForm = r.IntN(len(e.attr.forms))
		ch.noPrice = g.chance(0.04)
		ch.currency = pickWeights(r, []float64{80, 12, 8})
		ch.desc = g.chance(0.55)
	}
	if g.opts.NoCodes {
		ch.gtinFmt = -1
	}
}

// perturb turns the latest record's choices into an older version's:
// earlier, a different price, a slightly different title.
func (g *generator) perturb(ch *choice, v int) {
	r := g.r
	ch.updated -= int64(3*86400 + r.IntN(200*86400))
	ch.updated -= int64(v) * 86400
	ch.priceFactor *= 0.88 + 0.24*r.Float64()
	switch r.IntN(4) {
	case 0:
		ch.feature = !ch.feature
	case 1:
		ch.attrForm = r.IntN(len(g.ent.attr.forms))
	case 2:
		ch.abbr = !ch.abbr
	case 3:
		ch.line = !ch.line
	}
	ch.typo = g.chance(0.1)
}

// count adds a valid row's corruptions to the summary.
func (g *generator) count(src int, ch *choice) {
	c := &g.sum.Corruptions
	if ch.typo {
		c.TitleTypos++
	}
	if ch.brandField < 0 {
		c.BrandMissing++
	}
	if ch.brandTitle < 0 {
		c.BrandNotInTitle++
	}
	if (src != srcLegacy && ch.brandField > 0) || ch.brandTitle > 0 {
		c.BrandAlias++
	}
	if ch.modelField < 0 {
		c.ModelMissing++
	}
	if ch.modelTitle < 0 {
		c.ModelNotInTitle++
		if ch.modelField < 0 {
			c.ModelNowhere++
		}
	}
	if ch.modelField > 0 || ch.modelTitle > 0 {
		c.ModelReformatted++
	}
	if ch.abbr {
		c.Abbreviated++
	}
	if ch.upper {
		c.UpperCaseTitles++
	}
	if g.rec.truncated {
		c.TruncatedTitles++
	}
	if ch.gtinFmt >= 0 {
		c.GTINPresent++
	}
	if ch.noPrice {
		c.PriceMissing++
	} else if ch.priceFactor != 1 {
		c.PriceShifted++
	}
	if ch.currency != 0 {
		c.NonUSD++
	}
	if src != srcPartner && !ch.desc {
		c.DescMissing++
	}
}

const legacyTitleMax = 80
