//! Deterministic benchmark inputs, a few MiB each, generated rather than stored
//! so the repository stays small and every run measures the same bytes.
//!
//! Each input imitates a kind of data a stream compressor meets in practice:
//! prose, markup and records, binary records, and data that is already
//! compressed.

/// The inputs, by name, in the order the benchmarks run them.
pub fn inputs(len: usize) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("text", text(len, 1)),
        ("markup", markup(len, 2)),
        ("binary", binary(len, 3)),
        ("compressed", compressed(len, 4)),
    ]
}

/// splitmix64: small, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A vocabulary with Zipf-distributed word frequencies: the k-th most common
/// word appears about 1/k as often as the most common, as in natural language.
struct Vocabulary {
    words: Vec<String>,
    /// Cumulative weights, for sampling by binary search.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(rng: &mut Rng, size: usize) -> Vocabulary {
        // Common English words first (they are the most frequent), then made-up
        // words from syllables, of varied length, for the long tail.
        const COMMON: &[&str] = &[
            "the", "of", "and", "to", "a", "in", "is", "it", "that", "was", "for", "on", "are",
            "with", "as", "be", "at", "by", "this", "have", "from", "or", "one", "had", "not",
            "but", "what", "all", "were", "when", "we", "there", "can", "an", "your", "which",
            "their", "said", "if", "do", "will", "each", "about", "how", "up", "out", "them",
            "then", "she", "many", "some", "so", "these", "would", "other", "into", "has", "more",
            "her", "two", "like", "him", "see", "time", "could", "no", "make", "than", "first",
            "been", "its", "who", "now", "people", "my", "made", "over", "did", "down", "only",
            "way", "find", "use", "may", "water", "long", "little", "very", "after", "words",
        ];
        const SYLLABLES: &[&str] = &[
            "ka", "lo", "mi", "ter", "an", "sel", "vor", "pe", "ri", "con", "dus", "ma", "tion",
            "al", "ex", "ing", "pro", "ble", "st", "ur", "en", "qui", "na", "go", "fa", "ment",
            "li", "ous", "re", "de", "sh", "ol",
        ];
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        while words.len() < size {
            let syllables = 1 + rng.below(4);
            let word: String = (0..syllables)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            words.push(word);
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().expect("non-empty vocabulary");
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

/// One sentence: a capitalised first word, 4 to 24 words, commas now and
/// then, and a full stop, question or exclamation mark.
fn sentence(out: &mut Vec<u8>, vocabulary: &Vocabulary, rng: &mut Rng) {
    let words = 4 + rng.below(21);
    for i in 0..words {
        let word = vocabulary.pick(rng);
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase().to_string().bytes());
                out.extend_from_slice(chars.as_str().as_bytes());
            }
        } else {
            out.push(b' ');
            out.extend_from_slice(word.as_bytes());
        }
        if i + 1 < words && rng.below(9) == 0 {
            out.push(b',');
        }
    }
    out.extend_from_slice(match rng.below(12) {
        0 => b"?",
        1 => b"!",
        _ => b".",
    });
}

/// Prose: Zipf-distributed words in sentences and paragraphs.
pub fn text(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let vocabulary = Vocabulary::new(&mut rng, 5000);
    let mut out = Vec::with_capacity(len + 1024);
    while out.len() < len {
        let sentences = 2 + rng.below(7);
        for s in 0..sentences {
            if s > 0 {
                out.push(b' ');
            }
            sentence(&mut out, &vocabulary, &mut rng);
        }
        out.extend_from_slice(b"\n\n");
    }
    out.truncate(len);
    out
}

/// Markup: an export mixing HTML, XML and JSON records with ids, names,
/// numbers, dates, flags and short texts, as logs and web pages have.
pub fn markup(len: usize, seed: u64) -> Vec<u8> {
    const TAGS: &[&str] = &[
        "news", "sports", "tech", "science", "travel", "food", "music",
    ];
    const STATUS: &[&str] = &["active", "pending", "archived", "deleted"];
    let mut rng = Rng::new(seed);
    let vocabulary = Vocabulary::new(&mut rng, 3000);
    let mut out = Vec::with_capacity(len + 4096);
    let mut id = 100_000u64;
    let mut sentence_buf = Vec::new();
    while out.len() < len {
        id += 1 + rng.below(5) as u64;
        sentence_buf.clear();
        sentence(&mut sentence_buf, &vocabulary, &mut rng);
        let text = String::from_utf8_lossy(&sentence_buf).into_owned();
        let name = format!(
            "{} {}",
            vocabulary.pick(&mut rng),
            vocabulary.pick(&mut rng)
        );
        let tag = TAGS[rng.below(TAGS.len())];
        let status = STATUS[rng.below(STATUS.len())];
        let price = rng.below(100_000) as f64 / 100.0;
        let (month, day, hour) = (1 + rng.below(12), 1 + rng.below(28), rng.below(24));
        let record = match (id / 50) % 3 {
            0 => format!(
                "<div class=\"item {tag}\" id=\"item-{id}\">\n  <h2><a href=\"/items/{id}\">{name}</a></h2>\n  <p class=\"summary\">{text}</p>\n  <span class=\"price\">${price:.2}</span> <span class=\"status {status}\">{status}</span>\n</div>\n"
            ),
            1 => format!(
                "<record id=\"{id}\" status=\"{status}\">\n  <name>{name}</name>\n  <category>{tag}</category>\n  <created>2024-{month:02}-{day:02}T{hour:02}:00:00Z</created>\n  <amount currency=\"EUR\">{price:.2}</amount>\n  <note>{text}</note>\n</record>\n"
            ),
            _ => format!(
                "{{\"id\": {id}, \"name\": \"{name}\", \"category\": \"{tag}\", \"status\": \"{status}\", \"price\": {price:.2}, \"created\": \"2024-{month:02}-{day:02}T{hour:02}:00:00Z\", \"active\": {}, \"text\": \"{text}\"}}\n",
                rng.below(2) == 0
            ),
        };
        out.extend_from_slice(record.as_bytes());
    }
    out.truncate(len);
    out
}

/// Binary records, as a metrics or trading feed would store them: a
/// timestamp rising in small steps, an id from a small set, a value that
/// random-walks, a float sensor reading, a counter and flags from a few
/// values; 40 bytes each, little-endian.
pub fn binary(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(len + 64);
    let mut timestamp = 1_700_000_000_000u64;
    let mut value = 10_000i64;
    let mut counter = 0u32;
    let ids: Vec<u32> = (0..32).map(|_| rng.next() as u32).collect();
    while out.len() < len {
        timestamp += 1 + rng.below(20) as u64;
        value += rng.below(21) as i64 - 10;
        counter += 1;
        let id = ids[rng.below(8) + if rng.below(10) == 0 { 8 } else { 0 }];
        let reading = 20.0 + 5.0 * ((counter as f64) / 300.0).sin() + rng.unit() * 0.01;
        let flags: u16 = [0, 0, 0, 1, 3, 0x80][rng.below(6)];
        out.extend_from_slice(&timestamp.to_le_bytes());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
        out.extend_from_slice(&reading.to_le_bytes());
        out.extend_from_slice(&counter.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    out.truncate(len);
    out
}

/// Already-compressed data: LZ4 blocks of a text and binary mix (what a
/// stream compressor meets when it is fed `.lz4` files or pre-compressed
/// payloads), with a quarter of random bytes, as from encrypted or JPEG data.
pub fn compressed(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let source_text = text(len, seed ^ 0xA5A5);
    let source_binary = binary(len, seed ^ 0x5A5A);
    let mut out = Vec::with_capacity(len + 128 * 1024);
    let mut offset = 0;
    while out.len() < len {
        match rng.below(4) {
            0 => {
                for _ in 0..64 * 1024 / 8 {
                    out.extend_from_slice(&rng.next().to_le_bytes());
                }
            }
            choice => {
                let source = if choice == 1 {
                    &source_binary
                } else {
                    &source_text
                };
                let start = offset % (source.len() - 64 * 1024);
                out.extend_from_slice(&lz4_flex::block::compress(
                    &source[start..start + 64 * 1024],
                ));
                offset += 64 * 1024;
            }
        }
    }
    out.truncate(len);
    out
}
