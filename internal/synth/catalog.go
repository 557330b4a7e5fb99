package synth

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// The catalogue below is fixed data, identical for every seed: categories,
// brands, product lines and model-number patterns. Everything random is
// drawn from the seeded generator in gen.go.

// attrKind is the attribute that tells the variants of a family apart.
type attrKind int

const (
	attrInch     attrKind = iota // screen size in inches: 55"
	attrMM                       // case size in millimetres: 45mm
	attrStorage                  // 128GB, 1TB
	attrCapacity                 // drive capacity: 2TB
	attrColour                   // Black, Silver
	attrKit                      // camera body / lens kit
	attrSpeed                    // Wi-Fi class: AX3000
	attrSwitch                   // keyboard switch type
)

// attrValue is one value of a variant attribute.
type attrValue struct {
	forms  []string // title renderings; forms[0] is the canonical one
	code   string   // the value's part of the model number
	factor float64  // price factor relative to the family base price
}

// category is a product category and how each source names and describes it.
type category struct {
	key      string
	name     string   // canonical category name
	apiPath  string   // api product_category
	partner  string   // partner item_cat
	nouns    []string // product nouns for titles
	short    string   // short noun used by terse titles
	features []string
	attr     attrKind
	values   []attrValue
	variants []float64 // weights of 1, 2, 3, ... variants per family
	minPrice float64   // family base price range, USD
	maxPrice float64
	patterns []string // model-number patterns, see renderModel
	lines    []string // generic product-line names for brands without their own
	desc     []string // description sentence templates
	weight   float64
	letter   byte // used to derive model prefixes
}

func inchValues(sizes []int, factors []float64) []attrValue {
	out := make([]attrValue, len(sizes))
	for i, s := range sizes {
		n := strconv.Itoa(s)
		out[i] = attrValue{forms: []string{n + `"`, n + "-Inch", n + " Inch", n + "in", n + " in."}, code: n, factor: factors[i]}
	}
	return out
}

func mmValues(sizes []int) []attrValue {
	out := make([]attrValue, len(sizes))
	for i, s := range sizes {
		n := strconv.Itoa(s)
		out[i] = attrValue{forms: []string{n + "mm", n + " mm", n + "MM"}, code: n, factor: 1 + float64(i)*0.06}
	}
	return out
}

func storageValues(gbs []int, factors []float64, capacity bool) []attrValue {
	out := make([]attrValue, len(gbs))
	for i, g := range gbs {
		var label, code string
		if g >= 1000 {
			t := strconv.Itoa(g / 1000)
			label, code = t+"TB", t+"T"
		} else {
			label, code = strconv.Itoa(g)+"GB", strconv.Itoa(g)
		}
		if capacity {
			code = label[:len(label)-1] // 2T, 4T
		}
		n := label[:len(label)-2]
		out[i] = attrValue{forms: []string{label, n + " " + label[len(label)-2:], strings.ToLower(label)}, code: code, factor: factors[i]}
	}
	return out
}

var colourValues = []attrValue{
	{forms: []string{"Black", "Blk", "BLACK", "Matte Black"}, code: "BK", factor: 1},
	{forms: []string{"White", "Wht", "WHITE", "Glacier White"}, code: "WH", factor: 1},
	{forms: []string{"Silver", "Slvr", "SILVER", "Platinum Silver"}, code: "SL", factor: 1},
	{forms: []string{"Space Gray", "Gray", "Grey", "Space Grey"}, code: "GY", factor: 1},
	{forms: []string{"Blue", "Blu", "BLUE", "Ocean Blue"}, code: "BL", factor: 1},
	{forms: []string{"Red", "RED", "Crimson Red"}, code: "RD", factor: 1.02},
	{forms: []string{"Green", "Grn", "Sage Green"}, code: "GN", factor: 1.02},
	{forms: []string{"Pink", "PINK", "Rose Pink"}, code: "PK", factor: 1.02},
	{forms: []string{"Midnight Blue", "Midnight", "Navy"}, code: "MB", factor: 1.03},
	{forms: []string{"Graphite", "Dark Gray", "Charcoal"}, code: "GR", factor: 1},
	{forms: []string{"Gold", "GOLD", "Champagne Gold"}, code: "GD", factor: 1.04},
	{forms: []string{"Beige", "Sand", "Sandstone"}, code: "BG", factor: 1.02},
}

var categories = []*category{
	{
		key: "tv", name: "Televisions", apiPath: "Electronics > TV & Video > Televisions", partner: "TVs",
		nouns: []string{"4K UHD Smart TV", "LED Smart Television", "QLED 4K Smart TV", "Smart Google TV", "4K HDR Television"}, short: "TV",
		features: []string{"with Dolby Vision", "HDR10+", "120Hz Refresh Rate", "with Alexa Built-in", "(2023 Model)", "(2024 Model)", "Wi-Fi", "Game Mode"},
		attr:     attrInch, values: inchValues([]int{32, 43, 50, 55, 65, 75, 85}, []float64{0.4, 0.55, 0.72, 0.85, 1.2, 1.7, 2.4}),
		variants: []float64{30, 20, 25, 15, 10}, minPrice: 280, maxPrice: 2400,
		patterns: []string{"{P}{A}%%##@0", "{P}{A}%@%%%", "{P}-{A}%###@%"},
		lines:    []string{"UHD", "Smart Series", "Vision", "Ultra", "Crystal", "Pro Series", "Neo"},
		desc: []string{"Enjoy {attr} of vivid 4K picture quality with the {brand} {line}.", "The {model} delivers rich contrast and smooth motion for movies, sports and gaming.",
			"Stream your favourite apps with the built-in smart platform.", "Slim bezels and a sleek stand fit any living room.", "Supports HDR formats and voice assistants."},
		weight: 1.2, letter: 'T',
	},
	{
		key: "laptop", name: "Laptops", apiPath: "Electronics > Computers > Laptops", partner: "Notebooks",
		nouns: []string{"Laptop", "Thin and Light Laptop", "Notebook PC", "Gaming Laptop", "2-in-1 Laptop"}, short: "Laptop",
		features: []string{"Intel Core i7", "Intel Core i5", "AMD Ryzen 7", "16GB RAM 512GB SSD", "8GB RAM 256GB SSD", "Windows 11 Home", "Touchscreen", "Backlit Keyboard", "RTX 4060"},
		attr:     attrInch, values: inchValues([]int{13, 14, 15, 16, 17}, []float64{0.9, 1, 1.1, 1.22, 1.35}),
		variants: []float64{45, 30, 20, 5}, minPrice: 450, maxPrice: 2600,
		patterns: []string{"{P}{A}-%%##@#", "{P}%#@##-{A}%%", "{P}{A}%%#@#%"},
		lines:    []string{"Book", "Air", "Pro", "Slim", "Flex", "Creator", "Go"},
		desc: []string{"The {brand} {line} {noun} combines performance and portability.", "A {attr} display gives you room to work and play.",
			"All-day battery life keeps you productive on the go.", "Model {model} ships with a fast SSD and Wi-Fi 6.", "A comfortable keyboard and precision touchpad."},
		weight: 1.2, letter: 'L',
	},
	{
		key: "headphones", name: "Headphones", apiPath: "Electronics > Audio > Headphones", partner: "Headphones",
		nouns: []string{"Wireless Noise Cancelling Headphones", "Over-Ear Headphones", "True Wireless Earbuds", "Bluetooth Headphones", "Wireless Earbuds"}, short: "Headphones",
		features: []string{"Bluetooth 5.3", "30-Hour Battery", "Active Noise Cancelling", "with Microphone", "Hi-Res Audio", "Multipoint Connection", "Fast Charging"},
		attr:     attrColour, values: colourValues,
		variants: []float64{40, 30, 20, 10}, minPrice: 30, maxPrice: 450,
		patterns: []string{"{P}-##00%%@/{A}", "{P}%###@-{A}", "{P}%%##@{A}"},
		lines:    []string{"Studio", "Sport", "Pro", "Air", "Pulse", "Elite", "Go"},
		desc: []string{"Immerse yourself in sound with the {brand} {line}.", "Industry-leading noise cancellation blocks out the world.",
			"Up to 30 hours of battery life on a single charge.", "Comfortable fit for all-day listening.", "Crystal-clear calls with built-in microphones."},
		weight: 1.2, letter: 'H',
	},
	{
		key: "camera", name: "Digital Cameras", apiPath: "Electronics > Camera & Photo > Digital Cameras", partner: "Cameras",
		nouns: []string{"Mirrorless Camera", "Full-Frame Mirrorless Camera", "Digital SLR Camera", "Compact Digital Camera", "Action Camera"}, short: "Camera",
		features: []string{"24.2MP", "4K Video", "45MP Full-Frame", "In-Body Stabilization", "Wi-Fi and Bluetooth", "Vlogging", "20MP 1-inch Sensor"},
		attr:     attrKit, values: []attrValue{
			{forms: []string{"Body Only", "Body", "(Body)"}, code: "B", factor: 1},
			{forms: []string{"with 18-55mm Lens", "18-55mm Kit", "w/ 18-55mm Lens"}, code: "K", factor: 1.18},
			{forms: []string{"with 24-105mm Lens", "24-105mm Kit", "w/ 24-105mm"}, code: "L", factor: 1.45},
			{forms: []string{"Vlogging Kit", "Creator Kit", "Vlog Kit"}, code: "V", factor: 1.12},
		},
		variants: []float64{50, 35, 15}, minPrice: 350, maxPrice: 3500,
		patterns: []string{"{P}%##@%{A}", "{P}-%%#@#{A}", "{P}%%##@-{A}"},
		lines:    []string{"Alpha", "Pro", "Vision", "Zoom", "Mark", "Lite"},
		desc: []string{"Capture stunning stills and video with the {brand} {line}.", "Fast autofocus tracks moving subjects with ease.",
			"The {model} offers a bright viewfinder and a vari-angle screen.", "Weather-sealed body for shooting outdoors.", "Dual card slots and USB-C charging."},
		weight: 0.8, letter: 'C',
	},
	{
		key: "phone", name: "Smartphones", apiPath: "Electronics > Cell Phones > Smartphones", partner: "Mobile Phones",
		nouns: []string{"Smartphone", "5G Smartphone", "Unlocked Smartphone", "Android Phone", "Cell Phone"}, short: "Phone",
		features: []string{"Unlocked", "5G", "Dual SIM", "Triple Camera", "6.1-inch Display", "6.7-inch Display", "120Hz AMOLED", "Fast Charging"},
		attr:     attrStorage, values: storageValues([]int{64, 128, 256, 512, 1000}, []float64{0.85, 1, 1.15, 1.4, 1.75}, false),
		variants: []float64{35, 30, 25, 10}, minPrice: 180, maxPrice: 1300,
		patterns: []string{"{P}-%###@{A}", "{P}%%##@-{A}", "{P}%#@##%{A}"},
		lines:    []string{"Note", "Pro", "Lite", "Max", "Neo", "Plus"},
		desc: []string{"The {brand} {line} {noun} with {attr} of storage.", "A brilliant display and all-day battery.",
			"Pro-grade cameras capture detail day and night.", "Model {model} supports 5G networks and Wi-Fi 6.", "Fast charging gets you going in minutes."},
		weight: 1.1, letter: 'P',
	},
	{
		key: "monitor", name: "Monitors", apiPath: "Electronics > Computers > Monitors", partner: "Monitors",
		nouns: []string{"Gaming Monitor", "4K UHD Monitor", "IPS Monitor", "Curved Gaming Monitor", "QHD Monitor"}, short: "Monitor",
		features: []string{"144Hz", "165Hz", "1ms", "USB-C", "HDR400", "FreeSync Premium", "Height Adjustable", "IPS Panel"},
		attr:     attrInch, values: inchValues([]int{24, 27, 32, 34, 49}, []float64{0.8, 1, 1.3, 1.5, 2.3}),
		variants: []float64{40, 30, 20, 10}, minPrice: 140, maxPrice: 1200,
		patterns: []string{"{P}{A}%%##@", "{P}{A}%##@%", "{P}-{A}%%#@#"},
		lines:    []string{"Gaming", "Pro", "Vision", "Ultra", "Office", "Studio"},
		desc: []string{"The {brand} {line} {attr} monitor brings sharp detail to your desk.", "Fast refresh and low response time for smooth gaming.",
			"Wide colour coverage for creative work.", "Ergonomic stand with tilt and height adjustment.", "Connect via HDMI, DisplayPort or USB-C."},
		weight: 1, letter: 'M',
	},
	{
		key: "printer", name: "Printers", apiPath: "Electronics > Office > Printers", partner: "Printers",
		nouns: []string{"All-in-One Printer", "Wireless Inkjet Printer", "Laser Printer", "Color Laser Printer", "Photo Printer"}, short: "Printer",
		features: []string{"Wireless", "Duplex Printing", "Mobile Printing", "Print Scan Copy", "Auto Document Feeder", "Works with Alexa"},
		attr:     attrColour, values: colourValues[:4],
		variants: []float64{80, 20}, minPrice: 70, maxPrice: 600,
		patterns: []string{"{P}%-##@#{A}", "{P}%%##@{A}", "{P}-%##@#{A}"},
		lines:    []string{"Office", "Smart", "Pro", "Home", "Jet"},
		desc: []string{"The {brand} {line} prints, scans and copies.", "Print from your phone with the companion app.",
			"High-yield cartridges lower the cost per page.", "Automatic two-sided printing saves paper.", "Compact design fits any home office."},
		weight: 0.6, letter: 'R',
	},
	{
		key: "router", name: "Wi-Fi Routers", apiPath: "Electronics > Networking > Routers", partner: "Networking",
		nouns: []string{"Wi-Fi 6 Router", "Dual-Band Wireless Router", "Mesh Wi-Fi System", "Gaming Router", "Tri-Band Router"}, short: "Router",
		features: []string{"Dual-Band", "Tri-Band", "Gigabit", "Parental Controls", "WPA3", "Mesh Compatible", "4 Antennas"},
		attr:     attrSpeed, values: []attrValue{
			{forms: []string{"AX1500", "AX1500 Wi-Fi 6", "AX 1500"}, code: "AX15", factor: 0.7},
			{forms: []string{"AX1800", "AX1800 Wi-Fi 6", "AX 1800"}, code: "AX18", factor: 0.85},
			{forms: []string{"AX3000", "AX3000 Wi-Fi 6", "AX 3000"}, code: "AX30", factor: 1},
			{forms: []string{"AX5400", "AX5400 Wi-Fi 6", "AX 5400"}, code: "AX54", factor: 1.4},
			{forms: []string{"AXE11000", "AXE11000 Wi-Fi 6E", "AXE 11000"}, code: "AXE1", factor: 2.1},
			{forms: []string{"BE9300", "BE9300 Wi-Fi 7", "BE 9300"}, code: "BE93", factor: 2.5},
		},
		variants: []float64{70, 30}, minPrice: 50, maxPrice: 400,
		patterns: []string{"{P}-{A}%%#@#", "{P}{A}%%##@", "{P}%{A}-%#@#"},
		lines:    []string{"Nighthawk", "Mesh", "Pro", "Gaming", "Home"},
		desc: []string{"The {brand} {line} {noun} covers your whole home.", "Wi-Fi 6 delivers faster speeds to more devices.",
			"Easy setup with the mobile app.", "Built-in security keeps your network safe.", "Gigabit ports for wired devices."},
		weight: 0.6, letter: 'W',
	},
	{
		key: "speaker", name: "Speakers", apiPath: "Electronics > Audio > Speakers", partner: "Speakers",
		nouns: []string{"Portable Bluetooth Speaker", "Wireless Speaker", "Smart Speaker", "Waterproof Bluetooth Speaker", "Party Speaker"}, short: "Speaker",
		features: []string{"IP67 Waterproof", "12-Hour Battery", "360 Sound", "with Alexa", "Deep Bass", "PartyBoost"},
		attr:     attrColour, values: colourValues,
		variants: []float64{40, 30, 20, 10}, minPrice: 35, maxPrice: 500,
		patterns: []string{"{P}%%##@{A}", "{P}-%##@#-{A}", "{P}%###@{A}"},
		lines:    []string{"Boom", "Go", "Sound", "Pulse", "Party", "Mini"},
		desc: []string{"Big sound from the {brand} {line} speaker.", "Waterproof and dustproof for the beach or the pool.",
			"Pair two speakers for stereo sound.", "Up to 12 hours of playtime.", "Rugged fabric design in {attr}."},
		weight: 0.9, letter: 'S',
	},
	{
		key: "tablet", name: "Tablets", apiPath: "Electronics > Computers > Tablets", partner: "Tablets",
		nouns: []string{"Tablet", "Wi-Fi Tablet", "Android Tablet", "11-inch Tablet", "Tablet with Keyboard"}, short: "Tablet",
		features: []string{"Wi-Fi", "Wi-Fi + Cellular", "10.9-inch Display", "with S Pen", "Octa-Core", "All-Day Battery"},
		attr:     attrStorage, values: storageValues([]int{64, 128, 256, 512}, []float64{0.85, 1, 1.2, 1.45}, false),
		variants: []float64{35, 35, 20, 10}, minPrice: 120, maxPrice: 1200,
		patterns: []string{"{P}-%##@#{A}", "{P}%%##@{A}", "{P}%#@#%%{A}"},
		lines:    []string{"Tab", "Pad", "Pro", "Lite", "Plus"},
		desc: []string{"The {brand} {line} tablet with {attr} storage.", "A vivid display for reading, streaming and drawing.",
			"Lightweight design goes everywhere.", "Model {model} supports a keyboard cover and stylus.", "Long battery life for a full day."},
		weight: 0.7, letter: 'B',
	},
	{
		key: "watch", name: "Smartwatches", apiPath: "Electronics > Wearable Technology > Smartwatches", partner: "Wearables",
		nouns: []string{"Smartwatch", "GPS Smartwatch", "Fitness Smartwatch", "GPS Running Watch", "Smart Watch"}, short: "Watch",
		features: []string{"GPS", "Heart Rate Monitor", "Sleep Tracking", "AMOLED Display", "Water Resistant", "LTE", "Blood Oxygen"},
		attr:     attrMM, values: mmValues([]int{40, 41, 42, 44, 45, 46, 47}),
		variants: []float64{40, 45, 15}, minPrice: 120, maxPrice: 800,
		patterns: []string{"{P}%%##@{A}", "{P}-%#@#%-{A}", "{P}{A}%%#@#"},
		lines:    []string{"Active", "Sport", "Fit", "Pro", "Classic"},
		desc: []string{"Track workouts, sleep and health with the {brand} {line}.", "Bright always-on display in a {attr} case.",
			"Built-in GPS maps your runs and rides.", "Days of battery life between charges.", "Swim-proof design."},
		weight: 0.7, letter: 'A',
	},
	{
		key: "drive", name: "External Hard Drives", apiPath: "Electronics > Computers > External Storage", partner: "Storage",
		nouns: []string{"Portable External Hard Drive", "External SSD", "Portable SSD", "Desktop External Hard Drive", "USB 3.0 Hard Drive"}, short: "Drive",
		features: []string{"USB-C", "USB 3.2 Gen 2", "Up to 1050MB/s", "Password Protection", "Rugged", "for Mac and PC"},
		attr:     attrCapacity, values: storageValues([]int{1000, 2000, 4000, 5000, 8000}, []float64{1, 1.35, 1.9, 2.2, 3.2}, true),
		variants: []float64{30, 30, 25, 15}, minPrice: 45, maxPrice: 260,
		patterns: []string{"{P}%%{A}##@", "{P}%###@{A}", "{P}-%%#@#-{A}"},
		lines:    []string{"Portable", "Pro", "Expansion", "Rugged", "Slim"},
		desc: []string{"Store and back up your files with the {brand} {line}.", "{attr} of capacity in a pocket-sized design.",
			"Fast USB transfers.", "Automatic backup software included.", "Works with Windows and macOS."},
		weight: 0.6, letter: 'D',
	},
	{
		key: "keyboard", name: "Keyboards", apiPath: "Electronics > Computers > Keyboards", partner: "PC Accessories",
		nouns: []string{"Mechanical Gaming Keyboard", "Wireless Keyboard", "Mechanical Keyboard", "RGB Gaming Keyboard", "Low-Profile Keyboard"}, short: "Keyboard",
		features: []string{"RGB Backlit", "Hot-Swappable", "Wireless", "Tenkeyless", "Full Size", "USB-C", "Bluetooth"},
		attr:     attrSwitch, values: []attrValue{
			{forms: []string{"Red Switch", "Linear Red", "Red Switches"}, code: "R", factor: 1},
			{forms: []string{"Brown Switch", "Tactile Brown", "Brown Switches"}, code: "N", factor: 1},
			{forms: []string{"Blue Switch", "Clicky Blue", "Blue Switches"}, code: "U", factor: 1},
			{forms: []string{"Silent Switch", "Silent Red", "Silent Switches"}, code: "S", factor: 1.05},
		},
		variants: []float64{50, 30, 20}, minPrice: 30, maxPrice: 250,
		patterns: []string{"{P}%##@#-{A}", "{P}%%##@{A}", "{P}-%#@#%{A}"},
		lines:    []string{"Pro", "Gaming", "Mechanical", "Slim", "Elite"},
		desc: []string{"Type and game faster on the {brand} {line}.", "Durable switches rated for millions of keystrokes.",
			"Per-key lighting with companion software.", "Detachable USB-C cable.", "Aluminium top plate."},
		weight: 0.7, letter: 'K',
	},
	{
		key: "mouse", name: "Mice", apiPath: "Electronics > Computers > Mice", partner: "PC Accessories",
		nouns: []string{"Wireless Gaming Mouse", "Wireless Mouse", "Ergonomic Mouse", "Gaming Mouse", "Bluetooth Mouse"}, short: "Mouse",
		features: []string{"25K DPI", "Lightweight", "RGB", "Rechargeable", "Silent Clicks", "Multi-Device", "8 Programmable Buttons"},
		attr:     attrColour, values: colourValues[:6],
		variants: []float64{50, 30, 20}, minPrice: 18, maxPrice: 160,
		patterns: []string{"{P}%##@#-{A}", "{P}%%##@{A}", "{P}-%#@#%{A}"},
		lines:    []string{"Pro", "Gaming", "Master", "Ergo", "Lite"},
		desc: []string{"Precise tracking with the {brand} {line} mouse.", "Comfortable shape for long sessions.",
			"Long-lasting rechargeable battery.", "Works on almost any surface.", "Finished in {attr}."},
		weight: 0.7, letter: 'O',
	},
	{
		key: "projector", name: "Projectors", apiPath: "Electronics > TV & Video > Projectors", partner: "Projectors",
		nouns: []string{"4K Home Theater Projector", "Portable Projector", "Smart Projector", "Laser Projector", "Short Throw Projector"}, short: "Projector",
		features: []string{"3000 Lumens", "4K HDR", "Auto Keystone", "Android TV", "Built-in Speakers", "Short Throw"},
		attr:     attrColour, values: colourValues[:4],
		variants: []float64{80, 20}, minPrice: 250, maxPrice: 3000,
		patterns: []string{"{P}-%%##@{A}", "{P}%###@-{A}", "{P}%%#@#{A}"},
		lines:    []string{"Cinema", "Home", "Portable", "Pro", "Laser"},
		desc: []string{"Big-screen entertainment from the {brand} {line}.", "Bright, colourful images even in lit rooms.",
			"Built-in streaming apps and speakers.", "Auto focus and keystone correction.", "Compact enough to take anywhere."},
		weight: 0.5, letter: 'J',
	},
}

// brand is a manufacturer brand and the categories it sells in.
type brand struct {
	name    string
	aliases []string // other spellings seen in feeds: "SAMSUNG", "WD"
	maker   string   // corporate manufacturer name (legacy)
	weight  float64
	gs1     string // 3-digit GS1 country prefix
	spec    string // "cat:Line|Line:PREFIX; ..."

	cats    []*brandCat
	company string // 6-digit GS1 company prefix, unique per brand
	idx     int
}

// brandCat is a brand's range in one category.
type brandCat struct {
	brand   *brand
	cat     *category
	lines   []string
	prefix  string
	pattern string
	idx     int // index into the generator's per-(brand, category) counters
}

var brands = []*brand{
	{name: "Samsung", aliases: []string{"SAMSUNG", "Samsung Electronics"}, maker: "Samsung Electronics Co., Ltd.", weight: 5, gs1: "880",
		spec: "tv:Crystal UHD|QLED|Neo QLED|The Frame:UN; phone:Galaxy S|Galaxy A|Galaxy Z Flip:SM; tablet:Galaxy Tab S|Galaxy Tab A:SMT; monitor:Odyssey|ViewFinity|Smart Monitor:LS; watch:Galaxy Watch:SMR; drive:T7 Shield|T9:MU; laptop:Galaxy Book:NP; headphones:Galaxy Buds:SMB"},
	{name: "LG", aliases: []string{"LG Electronics", "lg"}, maker: "LG Electronics Inc.", weight: 4, gs1: "880",
		spec: "tv:OLED evo|NanoCell|QNED|UHD:OLED; monitor:UltraGear|UltraFine|UltraWide:LM; laptop:gram:LGG; projector:CineBeam:HU; speaker:XBOOM:XL"},
	{name: "Sony", aliases: []string{"SONY", "Sony Electronics"}, maker: "Sony Corporation", weight: 4.5, gs1: "490",
		spec: "tv:Bravia|Bravia XR:KD; headphones:1000X|ULT Wear|Extra Bass:WH; camera:Alpha|Cyber-shot|ZV:ILCE; phone:Xperia:XQ; speaker:ULT Field|XB:SRS; projector:Bravia Projector:VPL"},
	{name: "TCL", aliases: []string{"tcl", "TCL Electronics"}, maker: "TCL Technology", weight: 2, gs1: "690",
		spec: "tv:4-Series|5-Series|6-Series|QM8:TC; phone:Stylus|NXTPAPER:TL"},
	{name: "Hisense", aliases: []string{"HISENSE"}, maker: "Hisense Group", weight: 2, gs1: "690",
		spec: "tv:U8|U7|A6|ULED:HS; projector:Laser TV:PL"},
	{name: "Vizio", aliases: []string{"VIZIO"}, maker: "Vizio Inc.", weight: 1.5, gs1: "084",
		spec: "tv:V-Series|M-Series|P-Series:VZ; speaker:Elevate:SV"},
	{name: "Panasonic", aliases: []string{"PANASONIC"}, maker: "Panasonic Holdings", weight: 1.5, gs1: "450",
		spec: "tv:Viera:TX; camera:Lumix:DC; headphones::RB"},
	{name: "Philips", aliases: []string{"PHILIPS"}, maker: "Koninklijke Philips N.V.", weight: 1.2, gs1: "871",
		spec: "tv:Ambilight|The One:PUS; headphones::TAH; monitor:Evnia:PHL"},
	{name: "Toshiba", aliases: []string{"TOSHIBA"}, maker: "Toshiba Corporation", weight: 1, gs1: "490",
		spec: "tv:Fire TV|C350:TF; drive:Canvio:HDT"},
	{name: "Dell", aliases: []string{"DELL", "Dell Technologies"}, maker: "Dell Technologies Inc.", weight: 3.5, gs1: "088",
		spec: "laptop:XPS|Inspiron|Latitude|Vostro:DX; monitor:UltraSharp|S Series|P Series:UD; keyboard::KB; mouse::MS"},
	{name: "HP", aliases: []string{"Hewlett-Packard", "Hewlett Packard", "hp"}, maker: "HP Inc.", weight: 4, gs1: "019",
		spec: "laptop:Pavilion|Envy|Spectre|EliteBook|Victus:HP; printer:OfficeJet|LaserJet|DeskJet|Envy:OJ; monitor:M Series|E Series|Omen:HM; mouse::HPM"},
	{name: "Lenovo", aliases: []string{"LENOVO"}, maker: "Lenovo Group Ltd.", weight: 3.5, gs1: "690",
		spec: "laptop:ThinkPad|IdeaPad|Yoga|Legion:LN; tablet:Tab P|Tab M:TB; monitor:ThinkVision|Legion:LT"},
	{name: "Apple", aliases: []string{"APPLE", "Apple Inc."}, maker: "Apple Inc.", weight: 4.5, gs1: "019",
		spec: "laptop:MacBook Air|MacBook Pro:MR; phone:iPhone|iPhone Pro|iPhone Plus:MT; tablet:iPad|iPad Air|iPad Pro|iPad mini:MP; watch:Watch Series|Watch Ultra|Watch SE:MW; headphones:AirPods|AirPods Pro|AirPods Max:MQ"},
	{name: "Asus", aliases: []string{"ASUS", "ASUSTeK"}, maker: "ASUSTeK Computer Inc.", weight: 3, gs1: "471",
		spec: "laptop:ZenBook|VivoBook|ROG Zephyrus|TUF Gaming:UX; monitor:ProArt|ROG Swift|TUF Gaming:PA; router:ROG Rapture|ZenWiFi|RT:RT; phone:Zenfone|ROG Phone:AI"},
	{name: "Acer", aliases: []string{"ACER"}, maker: "Acer Inc.", weight: 2.5, gs1: "471",
		spec: "laptop:Aspire|Swift|Nitro|Predator Helios:AN; monitor:Nitro|Predator|SB:XB; projector::HA"},
	{name: "MSI", aliases: []string{"msi", "Micro-Star"}, maker: "Micro-Star International", weight: 2, gs1: "471",
		spec: "laptop:Katana|Stealth|Raider|Modern:GF; monitor:MAG|MPG|Optix:MG; keyboard:Vigor:VG; mouse:Clutch:CL"},
	{name: "Microsoft", aliases: []string{"MICROSOFT", "MS"}, maker: "Microsoft Corporation", weight: 2, gs1: "088",
		spec: "laptop:Surface Laptop|Surface Laptop Studio:SL; tablet:Surface Pro|Surface Go:SP; keyboard:Sculpt|Ergonomic:KBM; mouse:Arc|Pro IntelliMouse:MM"},
	{name: "Razer", aliases: []string{"RAZER"}, maker: "Razer Inc.", weight: 2, gs1: "881",
		spec: "laptop:Blade:RZ; keyboard:BlackWidow|Huntsman|Ornata:RK; mouse:DeathAdder|Basilisk|Viper:RM; headphones:BlackShark|Kraken|Barracuda:RH"},
	{name: "Bose", aliases: []string{"BOSE"}, maker: "Bose Corporation", weight: 3, gs1: "017",
		spec: "headphones:QuietComfort|QuietComfort Ultra|Sport:QC; speaker:SoundLink Flex|SoundLink Revolve|Home Speaker:SLF"},
	{name: "Sennheiser", aliases: []string{"SENNHEISER"}, maker: "Sennheiser electronic GmbH", weight: 1.5, gs1: "400",
		spec: "headphones:Momentum|HD|Accentum:HD"},
	{name: "Beats", aliases: []string{"Beats by Dre", "BEATS"}, maker: "Apple Inc.", weight: 2, gs1: "019",
		spec: "headphones:Studio Pro|Solo|Powerbeats|Fit Pro:MX; speaker:Pill:BP"},
	{name: "Audio-Technica", aliases: []string{"Audio Technica", "AUDIO-TECHNICA"}, maker: "Audio-Technica Corporation", weight: 1.2, gs1: "490",
		spec: "headphones:M-Series|SR-Series|Sound Reality:ATH"},
	{name: "JBL", aliases: []string{"jbl", "JBL by Harman"}, maker: "Harman International", weight: 3, gs1: "690",
		spec: "headphones:Tune|Live|Tour|Quantum:JT; speaker:Flip|Charge|Xtreme|Go|Boombox:JS"},
	{name: "Jabra", aliases: []string{"JABRA"}, maker: "GN Audio A/S", weight: 1.2, gs1: "570",
		spec: "headphones:Elite|Evolve|Elite Active:JE"},
	{name: "Anker", aliases: []string{"ANKER", "Soundcore"}, maker: "Anker Innovations", weight: 2, gs1: "694",
		spec: "headphones:Soundcore Life|Soundcore Liberty|Soundcore Space:AH; speaker:Soundcore Motion|Soundcore Boom:AS; projector:Nebula Capsule|Nebula Mars:DN"},
	{name: "Canon", aliases: []string{"CANON", "Canon Inc."}, maker: "Canon Inc.", weight: 3, gs1: "454",
		spec: "camera:EOS R|EOS Rebel|PowerShot:EOS; printer:PIXMA|imageCLASS|MAXIFY:MG"},
	{name: "Nikon", aliases: []string{"NIKON"}, maker: "Nikon Corporation", weight: 2, gs1: "496",
		spec: "camera:Z|D|Coolpix:NZ"},
	{name: "Fujifilm", aliases: []string{"FUJIFILM", "Fuji"}, maker: "Fujifilm Holdings", weight: 1.5, gs1: "454",
		spec: "camera:X-T|X-S|X100|GFX:XT"},
	{name: "GoPro", aliases: []string{"GOPRO", "Go Pro"}, maker: "GoPro Inc.", weight: 1.2, gs1: "081",
		spec: "camera:Hero|Max:CHD"},
	{name: "DJI", aliases: []string{"dji"}, maker: "SZ DJI Technology", weight: 1.2, gs1: "694",
		spec: "camera:Osmo Pocket|Osmo Action:CP"},
	{name: "Google", aliases: []string{"GOOGLE", "Google Pixel"}, maker: "Google LLC", weight: 2, gs1: "081",
		spec: "phone:Pixel|Pixel Pro|Pixel a:GA; tablet:Pixel Tablet:GT; watch:Pixel Watch:GW; router:Nest Wifi:GR"},
	{name: "OnePlus", aliases: []string{"ONEPLUS", "One Plus"}, maker: "OnePlus Technology", weight: 1.5, gs1: "694",
		spec: "phone:OnePlus|Nord:CPH; tablet:Pad:OPD"},
	{name: "Motorola", aliases: []string{"MOTOROLA", "Moto"}, maker: "Motorola Mobility LLC", weight: 1.5, gs1: "072",
		spec: "phone:Moto G|Edge|Razr:XT"},
	{name: "Xiaomi", aliases: []string{"XIAOMI", "Mi"}, maker: "Xiaomi Corporation", weight: 2, gs1: "695",
		spec: "phone:Redmi Note|Xiaomi|Poco:MZB; tablet:Pad|Redmi Pad:XP; watch:Smart Band|Watch S:XW"},
	{name: "Huawei", aliases: []string{"HUAWEI"}, maker: "Huawei Technologies Co.", weight: 1.5, gs1: "690",
		spec: "phone:P|Mate|Nova:HW; watch:Watch GT|Watch Fit:HWW; tablet:MatePad:HMP"},
	{name: "BenQ", aliases: []string{"BENQ"}, maker: "BenQ Corporation", weight: 1.5, gs1: "471",
		spec: "monitor:Mobiuz|PD|Zowie:EX; projector:TK|HT|GV:TK; mouse:Zowie EC|Zowie S:ZM"},
	{name: "ViewSonic", aliases: []string{"VIEWSONIC", "Viewsonic"}, maker: "ViewSonic Corporation", weight: 1.2, gs1: "076",
		spec: "monitor:VX|Elite|ColorPro:VX; projector:PX|LS:PX"},
	{name: "AOC", aliases: []string{"aoc"}, maker: "AOC International", weight: 1, gs1: "471",
		spec: "monitor:Gaming|Agon:CQ"},
	{name: "Epson", aliases: []string{"EPSON"}, maker: "Seiko Epson Corporation", weight: 2, gs1: "496",
		spec: "printer:EcoTank|WorkForce|Expression:ET; projector:Home Cinema|EpiqVision|PowerLite:EH"},
	{name: "Brother", aliases: []string{"BROTHER"}, maker: "Brother Industries", weight: 1.5, gs1: "497",
		spec: "printer:HL|MFC|DCP:HL"},
	{name: "Xerox", aliases: []string{"XEROX"}, maker: "Xerox Holdings", weight: 0.8, gs1: "095",
		spec: "printer:VersaLink|WorkCentre|B-Series:XB"},
	{name: "Netgear", aliases: []string{"NETGEAR"}, maker: "NETGEAR Inc.", weight: 1.5, gs1: "060",
		spec: "router:Nighthawk|Orbi:RAX"},
	{name: "TP-Link", aliases: []string{"TP-LINK", "TPLink", "TP Link"}, maker: "TP-Link Technologies", weight: 2, gs1: "694",
		spec: "router:Archer|Deco:AR"},
	{name: "Linksys", aliases: []string{"LINKSYS"}, maker: "Linksys Holdings", weight: 1, gs1: "074",
		spec: "router:Velop|Hydra:MR"},
	{name: "D-Link", aliases: []string{"D-LINK", "DLink"}, maker: "D-Link Corporation", weight: 0.8, gs1: "471",
		spec: "router:Eagle Pro|EXO:DIR"},
	{name: "Sonos", aliases: []string{"SONOS"}, maker: "Sonos Inc.", weight: 1.5, gs1: "087",
		spec: "speaker:Era|Move|Roam|Five:SN"},
	{name: "Ultimate Ears", aliases: []string{"UE", "ULTIMATE EARS"}, maker: "Logitech International", weight: 1, gs1: "097",
		spec: "speaker:Boom|Megaboom|Wonderboom|Hyperboom:UE"},
	{name: "Marshall", aliases: []string{"MARSHALL"}, maker: "Marshall Group AB", weight: 1, gs1: "730",
		spec: "speaker:Emberton|Stanmore|Acton|Middleton:MSP; headphones:Major|Monitor|Motif:MH"},
	{name: "Harman Kardon", aliases: []string{"Harman/Kardon", "HARMAN KARDON"}, maker: "Harman International", weight: 0.8, gs1: "690",
		spec: "speaker:Onyx Studio|Aura Studio|Go + Play:HK"},
	{name: "Amazon", aliases: []string{"AMAZON", "Amazon.com"}, maker: "Amazon.com Inc.", weight: 2, gs1: "084",
		spec: "tablet:Fire HD|Fire Max:FH; speaker:Echo|Echo Dot|Echo Studio:EC"},
	{name: "Garmin", aliases: []string{"GARMIN"}, maker: "Garmin Ltd.", weight: 1.5, gs1: "075",
		spec: "watch:Fenix|Forerunner|Venu|Instinct:GF"},
	{name: "Amazfit", aliases: []string{"AMAZFIT", "Zepp Amazfit"}, maker: "Zepp Health", weight: 1, gs1: "695",
		spec: "watch:GTR|GTS|T-Rex|Balance:AZ"},
	{name: "Seagate", aliases: []string{"SEAGATE"}, maker: "Seagate Technology", weight: 1.5, gs1: "076",
		spec: "drive:Expansion|One Touch|FireCuda:ST"},
	{name: "Western Digital", aliases: []string{"WD", "WESTERN DIGITAL"}, maker: "Western Digital Corporation", weight: 1.5, gs1: "071",
		spec: "drive:My Passport|Elements|WD_Black:WDB"},
	{name: "SanDisk", aliases: []string{"SANDISK", "Sandisk"}, maker: "Western Digital Corporation", weight: 1.2, gs1: "061",
		spec: "drive:Extreme|Extreme Pro|Desk Drive:SDS"},
	{name: "LaCie", aliases: []string{"LACIE", "Lacie"}, maker: "Seagate Technology", weight: 0.8, gs1: "309",
		spec: "drive:Rugged|d2 Professional:LC"},
	{name: "Logitech", aliases: []string{"LOGITECH", "Logi"}, maker: "Logitech International", weight: 3, gs1: "097",
		spec: "keyboard:MX Keys|G Pro|K Series|G915:LK; mouse:MX Master|G502|MX Anywhere|G Pro X:LM; headphones:G Pro X|Zone|Astro:LH"},
	{name: "Corsair", aliases: []string{"CORSAIR"}, maker: "Corsair Gaming Inc.", weight: 1.5, gs1: "084",
		spec: "keyboard:K70|K100|K65:CK; mouse:Dark Core|M65|Sabre:CM; headphones:HS80|Virtuoso|Void:CH"},
	{name: "SteelSeries", aliases: []string{"STEELSERIES", "Steelseries"}, maker: "SteelSeries ApS", weight: 1.2, gs1: "570",
		spec: "keyboard:Apex|Apex Pro:SK; mouse:Rival|Aerox|Prime:SR; headphones:Arctis Nova|Arctis:SH"},
	{name: "Keychron", aliases: []string{"KEYCHRON"}, maker: "Keychron", weight: 0.8, gs1: "694",
		spec: "keyboard:K Series|Q Series|V Series:KQ"},
	{name: "HyperX", aliases: []string{"HYPERX", "Hyper X"}, maker: "HP Inc.", weight: 1.2, gs1: "074",
		spec: "keyboard:Alloy:HXK; mouse:Pulsefire:HXM; headphones:Cloud|Cloud Alpha|Cloud III:HXC"},
	{name: "Optoma", aliases: []string{"OPTOMA"}, maker: "Optoma Corporation", weight: 0.8, gs1: "471",
		spec: "projector:UHD|HD|GT:OH"},
	{name: "XGIMI", aliases: []string{"Xgimi"}, maker: "XGIMI Technology", weight: 0.8, gs1: "695",
		spec: "projector:Horizon|Halo|MoGo:XH"},
}

// catBrands lists, per category, the brand ranges selling in it.
var catBrands = map[*category][]*brandCat{}

// allBrandCats lists every brand range; brandCat.idx indexes it.
var allBrandCats []*brandCat

var categoryByKey = map[string]*category{}

func init() {
	for _, c := range categories {
		categoryByKey[c.key] = c
	}
	companies := map[string]bool{}
	for bi, b := range brands {
		b.idx = bi
		// GS1 company prefix: country prefix + 3 digits from the name,
		// bumped deterministically on collision.
		h := hashString(b.name)
		for {
			c := b.gs1 + fmt.Sprintf("%03d", h%1000)
			if !companies[c] {
				companies[c] = true
				b.company = c
				break
			}
			h++
		}
		prefixes := map[string]bool{}
		for _, part := range strings.Split(b.spec, ";") {
			f := strings.Split(strings.TrimSpace(part), ":")
			if len(f) != 3 {
				panic("synth: bad brand spec " + b.name + ": " + part)
			}
			c := categoryByKey[f[0]]
			if c == nil {
				panic("synth: unknown category " + f[0])
			}
			bc := &brandCat{brand: b, cat: c, prefix: f[2], idx: len(allBrandCats)}
			if f[1] != "" {
				bc.lines = strings.Split(f[1], "|")
			} else {
				// Two generic lines picked by hash, stable for all seeds.
				h := hashString(b.name + "/" + c.key)
				n := uint32(len(c.lines))
				l1 := c.lines[h%n]
				l2 := c.lines[(h/n+1+h%n)%n]
				bc.lines = []string{l1}
				if l2 != l1 {
					bc.lines = append(bc.lines, l2)
				}
			}
			if bc.prefix == "" {
				bc.prefix = strings.ToUpper(b.name[:1]) + string(c.letter)
			}
			if prefixes[bc.prefix] {
				panic("synth: duplicate model prefix " + bc.prefix + " for " + b.name)
			}
			prefixes[bc.prefix] = true
			bc.pattern = c.patterns[hashString(b.name+"#"+c.key)%uint32(len(c.patterns))]
			b.cats = append(b.cats, bc)
			allBrandCats = append(allBrandCats, bc)
			catBrands[c] = append(catBrands[c], bc)
		}
	}
	for _, c := range categories {
		if len(catBrands[c]) == 0 {
			panic("synth: no brand sells " + c.key)
		}
		if c.attr != attrColour && c.attr != attrKit && c.attr != attrSwitch && c.attr != attrStorage {
			for _, p := range c.patterns {
				if !strings.Contains(p, "{A}") {
					panic("synth: pattern without attribute: " + p)
				}
			}
		}
	}
}

func hashString(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// abbreviations used by terse feeds, applied word by word.
var abbreviations = map[string]string{
	"Television": "TV", "Wireless": "Wrls", "Bluetooth": "BT", "Cancelling": "Canc.", "Headphones": "Hdphns",
	"Noise": "N.", "Portable": "Prtbl", "Speaker": "Spkr", "Laptop": "NB", "Notebook": "NB", "Monitor": "Mon.",
	"Camera": "Cam", "Digital": "Dig.", "Mirrorless": "MILC", "External": "Ext.", "Hard": "HD", "Drive": "Drv",
	"Keyboard": "Kbd", "Mechanical": "Mech.", "Gaming": "Gmg", "Printer": "Prntr", "All-in-One": "AIO",
	"Router": "Rtr", "Projector": "Proj.", "Smartwatch": "SmartWatch", "Smartphone": "Phone", "Unlocked": "Unlkd",
	"with": "w/", "and": "&", "Waterproof": "WP", "Ergonomic": "Ergo", "Smart": "Smrt", "Earbuds": "Buds",
	"Over-Ear": "OE", "Theater": "Thtr", "Home": "Hm", "Black": "Blk", "White": "Wht", "Silver": "Slv",
	"Inkjet": "IJ", "Laser": "Lsr", "Compact": "Cmpct", "System": "Sys", "Full-Frame": "FF", "Dual-Band": "DB",
	"Tri-Band": "TB", "Desktop": "Dsktp", "Fitness": "Fit", "Running": "Run", "Tablet": "Tab", "Android": "Andr.",
}

// abbreviate rewrites a phrase word by word with abbreviations.
func abbreviate(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if a, ok := abbreviations[w]; ok {
			words[i] = a
		}
	}
	return strings.Join(words, " ")
}

// phrase is a title phrase with its precomputed terse form.
type phrase struct{ full, abbr string }

// catPhrases caches the abbreviated nouns and features per category.
type catPhrases struct {
	nouns    []phrase
	features []phrase
}

var phrases = map[*category]*catPhrases{}

func init() {
	for _, c := range categories {
		p := &catPhrases{}
		for _, n := range c.nouns {
			p.nouns = append(p.nouns, phrase{n, abbreviate(n)})
		}
		for _, f := range c.features {
			p.features = append(p.features, phrase{f, abbreviate(f)})
		}
		phrases[c] = p
	}
}
