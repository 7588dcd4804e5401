//! Probes for the exhaustive emoji check: every code point with the variation selectors
//! and a skin tone after it, regional-indicator pairs, keycaps, and ZWJ sequences old and new.

/// Every code point alone and followed by U+FE0F, U+FE0E and a skin tone, every pair of
/// regional indicators, keycaps, and ZWJ sequences old and new.
pub fn emoji_probes() -> Vec<String> {
    let mut probes = Vec::with_capacity(4_500_000);
    for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
        for suffix in ["", "\u{FE0F}", "\u{FE0E}", "\u{1F3FD}"] {
            probes.push(format!("{c}{suffix}"));
        }
    }
    let regional = |i: u32| {
        char::from_u32(0x1F1E6 + i)
            .map(String::from)
            .unwrap_or_default()
    };
    for a in 0..26 {
        for b in 0..26 {
            probes.push(regional(a) + &regional(b));
        }
    }
    for base in "#*0123456789a@$".chars() {
        for tail in [
            "\u{20E3}",
            "\u{FE0F}\u{20E3}",
            "\u{FE0E}\u{20E3}",
            "\u{20E3}\u{FE0F}",
        ] {
            probes.push(format!("{base}{tail}"));
        }
    }
    probes.extend(zwj_sequences());
    probes
}

const ZWJ: &str = "\u{200D}";
const SKIN: [&str; 6] = ["", "🏻", "🏼", "🏽", "🏾", "🏿"];

fn zwj_sequences() -> Vec<String> {
    let mut all = Vec::new();
    let people = ["👨", "👩", "🧑", "👦", "👧", "🧒"];
    let mut families: Vec<String> = people.iter().map(|p| p.to_string()).collect();
    for _ in 0..3 {
        families = families
            .iter()
            .flat_map(|f| people.iter().map(move |p| format!("{f}{ZWJ}{p}")))
            .collect();
        all.extend(families.iter().cloned());
    }
    let adults = ["👨", "👩", "🧑"];
    for (a, b) in adults
        .iter()
        .flat_map(|a| adults.iter().map(move |b| (a, b)))
    {
        for (sa, sb) in SKIN.iter().flat_map(|s| SKIN.iter().map(move |t| (s, t))) {
            for heart in ["❤\u{FE0F}", "❤"] {
                all.push(format!("{a}{sa}{ZWJ}{heart}{ZWJ}{b}{sb}"));
                all.push(format!("{a}{sa}{ZWJ}{heart}{ZWJ}💋{ZWJ}{b}{sb}"));
            }
            all.push(format!("{a}{sa}{ZWJ}🤝{ZWJ}{b}{sb}"));
        }
    }
    let objects = [
        "⚕",
        "⚖",
        "✈",
        "🌾",
        "🍳",
        "🍼",
        "🎄",
        "🎓",
        "🎤",
        "🎨",
        "🏫",
        "🏭",
        "💻",
        "💼",
        "🔧",
        "🔬",
        "🚀",
        "🚒",
        "🦯",
        "🦼",
        "🦽",
        "🦰",
        "🦱",
        "🦲",
        "🦳",
        "🦯\u{200D}➡\u{FE0F}",
    ];
    for person in adults {
        for skin in SKIN {
            for object in objects {
                all.push(format!("{person}{skin}{ZWJ}{object}\u{FE0F}"));
                all.push(format!("{person}{skin}{ZWJ}{object}"));
            }
        }
    }
    let roles = "🏃🏄🏊🏋🏌🕴🕵⛹👮👯👱👳👷💁💂💆💇🙅🙆🙇🙋🙍🙎🚣🚴🚵🚶🤦🤷🤸🤹🤼🤽🤾🦸🦹🧍🧎🧏🧖🧗🧘🧙🧚🧛🧜🧝🧞🧟🧔👰🤵";
    for role in roles.chars() {
        let modifiers = SKIN.iter().copied().chain(["\u{FE0F}"]);
        for modifier in modifiers {
            for gender in ["♀", "♂"] {
                all.push(format!("{role}{modifier}{ZWJ}{gender}\u{FE0F}"));
                all.push(format!("{role}{modifier}{ZWJ}{gender}"));
                all.push(format!(
                    "{role}{modifier}{ZWJ}{gender}\u{FE0F}{ZWJ}➡\u{FE0F}"
                ));
            }
        }
    }
    let others = [
        "🏳️‍🌈",
        "🏳‍🌈",
        "🏳️‍⚧️",
        "🏴‍☠️",
        "🏴‍☠",
        "👁️‍🗨️",
        "👁‍🗨",
        "🐕‍🦺",
        "🐈‍⬛",
        "🐻‍❄️",
        "🐦‍⬛",
        "🐦‍🔥",
        "🍋‍🟩",
        "🍄‍🟫",
        "⛓️‍💥",
        "❤️‍🔥",
        "❤️‍🩹",
        "😮‍💨",
        "😵‍💫",
        "😶‍🌫️",
        "🙂‍↔️",
        "🙂‍↕️",
        "🫱🏻‍🫲🏿",
        "🏴󠁧󠁢󠁥󠁮󠁧󠁿",
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
        "🏴󠁧󠁢󠁷󠁬󠁳󠁿",
        "🏴󠁵󠁳󠁣󠁡󠁿",
        "🏴󠁧󠁢󠁥󠁮󠁧",
        "🏴\u{E007F}",
    ];
    all.extend(others.iter().map(|s| s.to_string()));
    all
}
