package matchers

// Colour variants are the commonest look-alike products: the same line and
// model family in black and in silver, with titles that differ only in the
// colour word (or a two-letter code after the model number) and prices a
// few per cent apart. Colours are read into a bit set of colour families so
// that two records can be compared in one AND.

// colourSet is a bit set of colour families.
type colourSet uint32

// colourWords maps colour words, common abbreviations and two-word names
// (joined by a space, matched first) to families. Near shades a maker sells
// as different products keep separate families (gray vs graphite/charcoal,
// blue vs navy/midnight blue).
var colourWords = func() map[string]colourSet {
	families := [][]string{
		{"black", "blk", "matte black", "jet black", "onyx"},
		{"white", "wht", "glacier white", "ivory"},
		{"silver", "slvr", "platinum silver", "platinum"},
		{"gray", "grey", "gry", "space gray", "space grey"},
		{"graphite", "charcoal", "dark gray", "dark grey", "gunmetal"},
		{"blue", "blu", "ocean blue", "sky blue"},
		{"navy", "midnight", "midnight blue", "navy blue"},
		{"red", "crimson", "crimson red", "burgundy"},
		{"green", "grn", "sage", "sage green", "olive"},
		{"pink", "rose pink", "rose"},
		{"gold", "champagne gold", "champagne", "rose gold"},
		{"beige", "sand", "sandstone", "cream"},
		{"purple", "violet", "lavender"},
		{"yellow"},
		{"orange"},
		{"brown", "bronze"},
	}
	m := map[string]colourSet{}
	for i, words := range families {
		for _, w := range words {
			m[w] = 1 << i
		}
	}
	return m
}()

// colourCodes are two-letter colour codes, read only right after one of
// the record's model numbers ("3800NR6 GY", "WH-1000XM4/B" style
// suffixes), where they cannot be ordinary words.
var colourCodes = map[string]string{
	"bk": "black", "wh": "white", "sl": "silver", "gy": "gray", "gr": "graphite",
	"bl": "blue", "mb": "navy", "rd": "red", "gn": "green", "pk": "pink",
	"gd": "gold", "bg": "beige",
}

// titleColours returns the colour families named by a record's title
// tokens.
func titleColours(tokens, models []string) colourSet {
	var set colourSet
	for i := 0; i < len(tokens); i++ {
		if i+1 < len(tokens) {
			if c, ok := colourWords[tokens[i]+" "+tokens[i+1]]; ok {
				set |= c
				i++
				continue
			}
		}
		if c, ok := colourWords[tokens[i]]; ok {
			set |= c
			continue
		}
		if name, ok := colourCodes[tokens[i]]; ok && i > 0 && endsModel(tokens[:i], models) {
			set |= colourWords[name]
		}
	}
	return set
}

// endsModel reports whether the tokens end with one of the model numbers
// (spelt by one token or the last few).
func endsModel(tokens, models []string) bool {
	for k := 1; k <= maxModelParts && k <= len(tokens); k++ {
		for _, m := range models {
			if modelAt(m, tokens[len(tokens)-k:]) {
				return true
			}
		}
	}
	return false
}
