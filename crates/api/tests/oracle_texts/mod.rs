//! Texts for the differential tests: replies such as agents write near the 280 limit
//! (here), and probes for every code point and emoji sequence (`probes`).

mod probes;

pub use probes::emoji_probes;

/// SplitMix64: small, seeded and the same everywhere, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// One of the ` `-separated items of `list`.
    fn word(&mut self, list: &'static str) -> &'static str {
        let items = || list.split(' ').filter(|item| !item.is_empty());
        let chosen = self.below(items().count());
        items().nth(chosen).unwrap_or_default()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

// Vocabulary, ` `-separated (`words` splits it), so that a table stays a few lines long.
const WORDS: &str = "Thanks for your order please DM us the number we are sorry café déjà über naïve \
    São Ñandú Ærø façade ğüşıöç Łódź привет заказ спасибо Ёлка مرحبا شكرا طلبك שלום ευχαριστώ \
    Ωμέγα 您好 订单 謝謝 客服 ありがとう カタカナ ご注文 ｶﾀｶﾅ 안녕하세요 ขอบคุณ नमस्ते ১২৩ 123 2024 v1.2 \
    e.g. i.e. file.txt a.b U.S.A. ...";
const PUNCTUATION: &str =
    ". , ! ? … — – ( ) : ; ' \" - _ / @ # & $ ` * « » “ ” 。 、 ！ （ ） ． ｡ ＠ ＃";
const SPACES: &[&str] = &[
    " ", " ", " ", " ", "\n", "\n\n", "\u{3000}", "\u{A0}", "\t", "\u{2009}", "",
];
const EMOJI: &str = "😀 👍 👍🏽 🙏🏿 👩‍💻 👨‍👩‍👧‍👦 👨‍👩‍👧 🧑‍🤝‍🧑 🏳️‍🌈 🏴‍☠️ 🇫🇷 🇺🇸 🇦🇦 🇽🇽 🇪🇺 🇺 🏴󠁧󠁢󠁳󠁣󠁴󠁿 🏴󠁵󠁳󠁣󠁡󠁿 1️⃣ #️⃣ *⃣ \
    5\u{FE0E}\u{20E3} © ©️ ® ®️ ™ ™️ ❤ ❤️ ❤︎ ❤️‍🔥 ❤️‍🩹 🤌 🤌🏽 🫠 🥹 ☺ ☺️ ☺︎ ✌ ✌️ ✌🏿 ✌︎🏿 👁‍🗨 👁️‍🗨️ \
    🏋️‍♀️ 🏋🏽‍♂️ 🕵️‍♀️ 🧟‍♂️ 👯‍♀️ 🙋🏾‍♂️ 💁‍♀️ 👩🏽‍🚀 🧑🏽‍🚀 👨‍❤️‍💋‍👨 👩‍❤️‍👨 🧔‍♀️ 🐈‍⬛ 🫱🏼‍🫲🏾 ☝ ☝🏻 ⛹️‍♂️ ⏩ \
    ⏩︎ 〰️ 🀄 🅰 🅰️ \u{FE0F} \u{FE0E} 🏻 \u{E50A} 😂😂😂 🔥🔥";
const MARKS: &str = "e\u{301} a\u{308} n\u{303} \u{1100}\u{1161} o\u{302}\u{301} \u{212B} \u{2126} \
    A\u{30A} \u{200E} \u{200F} \u{202A} \u{202C} \u{2066} \u{061C} \u{200D} \u{200C} \u{2028} \u{FFFD} \
    \u{0} \u{7F}";
const INVALID: &str = "\u{FFFE} \u{FEFF} \u{FFFF}";
const NON_TLDS: &str = "txt jpg exe zzz comx co1 c x-y qq1 js";
const LABELS: &str =
    "www help acme sub.acme a-b a_b A1 xn--bcher-kva bücher 中国 пример WWW.EXAMPLE t x \
    -a a- 例え 😀 foo\"bar ǅz";
const PROTOCOLS: &[&str] = &[
    "https://", "http://", "HTTPS://", "hTtP://", "ftp://", "https:/", "https//", "",
];
const PATHS: &str =
    "/ /a/b /help /wiki/Primer_(film) /a(b /a((b)) /x_(a(b)c) /foo. /über /путь /日本 \
    /@user/ /@user /a–b /~x /a+b=c /a%20b /!! /a,b /#x /a.b.c /ç/é /ɠ /ᲀ";
const QUERIES: &[&str] = &[
    "", "", "?q=1&b=2", "?q=(1)", "?x=1.", "?", "?a!", "#frag", "?q=ü",
];
const TRAILERS: &[&str] = &[
    "", "", "", ".", ",", "!", ")", "?", "'", "\"", ":", "…", "日本",
];
const BEFORE: &[&str] = &[
    " ", " ", " ", "(", "-", "_", ".", "/", "@", "#", "$", "'", "\"", "中", "é", "😀", "\u{200F}",
    "Ａ", "＄", "",
];

/// The TLDs, from the generated table of the implementation (used only to build inputs).
fn tlds() -> Vec<&'static str> {
    let source = include_str!("../../src/tweet/tlds.rs");
    let list = source
        .split_once("TLDS: &str = \"")
        .and_then(|(_, rest)| rest.split_once("\";"))
        .map_or("", |(list, _)| list);
    list.split('|').collect()
}

/// A piece of a reply: a word, a link, an emoji, a mark, ...
fn piece(rng: &mut Rng, tlds: &[&'static str]) -> String {
    match rng.below(100) {
        0..=44 => rng.word(WORDS).to_owned(),
        45..=52 => rng.word(PUNCTUATION).to_owned(),
        53..=62 => rng.word(EMOJI).to_owned(),
        63..=67 => rng.word(MARKS).to_owned(),
        68 if rng.chance(30) => rng.word(INVALID).to_owned(),
        69..=70 => format!("@{}", rng.pick(&["support", "Acme_Help", "日本", "a"])),
        71..=72 => format!("#{}", rng.pick(&["help", "日本", "Ωmega", "1st", "a_b"])),
        73 => char::from_u32(rng.below(0x11_0000) as u32).map_or("?".into(), String::from),
        74..=79 => {
            let slug_len = if rng.chance(50) {
                1 + rng.below(12)
            } else {
                36 + rng.below(10)
            };
            let slug: String = (0..slug_len)
                .map(|i| b"aZ09kQx7"[(i + slug_len) % 8] as char)
                .collect();
            let protocol = rng.pick(&["https://", "http://", "HTTPS://", ""]);
            format!(
                "{protocol}t.co/{slug}{}{}",
                rng.pick(QUERIES),
                rng.pick(&["", "/x", ".", "(a)"])
            )
        }
        _ => {
            let tld = if rng.chance(80) {
                tlds[rng.below(tlds.len())]
            } else {
                rng.word(NON_TLDS)
            };
            let mut label = rng.word(LABELS).to_owned();
            if rng.chance(5) {
                let unit = rng.pick(&["a", "ü", "中", "-"]);
                label = format!("a{}b", unit.repeat(55 + rng.below(12)));
            }
            let port = if rng.chance(8) {
                rng.pick(&[":8080", ":", ":x"])
            } else {
                ""
            };
            let tld = if rng.chance(10) {
                tld.to_uppercase()
            } else {
                tld.to_owned()
            };
            format!(
                "{}{}{label}.{tld}{port}{}{}{}",
                rng.pick(BEFORE),
                rng.pick(PROTOCOLS),
                if rng.chance(20) { "" } else { rng.word(PATHS) },
                rng.pick(QUERIES),
                rng.pick(TRAILERS)
            )
        }
    }
}

/// `count` replies, most weighing between about 240 and 310 as `weigh` measures them.
pub fn generate(seed: u64, count: usize, weigh: impl Fn(&str) -> usize) -> Vec<String> {
    let tlds = tlds();
    assert!(tlds.len() > 1000, "the TLD table was found");
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let target = match rng.below(10) {
                0 => 1 + rng.below(240),
                _ => 240 + rng.below(70),
            };
            // Weighing each piece alone steers well enough: pieces seldom join across
            // the spaces between them.
            let mut text = String::new();
            let mut weight = 0;
            while weight < target {
                let piece = piece(&mut rng, &tlds);
                let space = rng.pick(SPACES);
                weight += weigh(&piece) + weigh(space);
                text.push_str(&piece);
                text.push_str(space);
            }
            text
        })
        .collect()
}

/// The pieces links are made of, for `noise`.
const URL_PARTS: &str = "a b ü 中 é Ї . . . / / ( ) ? = & - _ : @ # 1 x n xn-- co com uk t.co/ http:// \
    https:// 😀 \u{301} \u{FE0F} 。 ' ! , $ ~ [ ] % \u{2013} ɠ ᲀ de jp 嘉里 大酒店 рф \u{200E} \u{FEFF} 1\u{20E3}";

/// `count` short strings of link parts and separators, in any order: where a link starts
/// and ends is decided by the characters around it.
pub fn noise(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let parts = 3 + rng.below(40);
            let mut text: String = (0..parts).map(|_| rng.word(URL_PARTS)).collect();
            if rng.chance(20) {
                text.insert(0, ' ');
            }
            text
        })
        .collect()
}
