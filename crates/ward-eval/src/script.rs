//! Which writing system a name is in, from its characters.

/// The scripts the dev set breaks results down by.
pub const SCRIPTS: [&str; 12] = [
    "latin", "cyrillic", "arabic", "han", "hangul", "greek", "georgian", "armenian", "kana", "hebrew",
    "thai", "other",
];

fn char_script(c: char) -> Option<&'static str> {
    if !c.is_alphabetic() {
        return None;
    }
    let script = match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF5A => "latin",
        0x0370..=0x03FF | 0x1F00..=0x1FFF => "greek",
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => "cyrillic",
        0x0530..=0x058F => "armenian",
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => "hebrew",
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "arabic",
        0x0E00..=0x0E7F => "thai",
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => "georgian",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF => "hangul",
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => "kana",
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => "han",
        _ => "other",
    };
    Some(script)
}

/// The script most letters of `text` are written in, one of [`SCRIPTS`]. Japanese written with
/// any kana is `kana` even where kanji outnumber the kana, since kanji alone cannot tell Japanese
/// from Chinese. Text without letters is `other`.
pub fn detect_script(text: &str) -> &'static str {
    let mut counts = [0usize; SCRIPTS.len()];
    for script in text.chars().filter_map(char_script) {
        counts[SCRIPTS.iter().position(|s| *s == script).unwrap_or(SCRIPTS.len() - 1)] += 1;
    }
    let kana = SCRIPTS.iter().position(|s| *s == "kana").unwrap_or(0);
    if counts[kana] > 0 {
        return "kana";
    }
    // The first script with the highest count wins ties, so Latin beats a stray foreign letter.
    let best = (0..SCRIPTS.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    if counts[best] == 0 {
        "other"
    } else {
        SCRIPTS[best]
    }
}
