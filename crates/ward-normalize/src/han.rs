//! Han characters in one form: traditional and variant characters read as their simplified
//! form (張 -> 张), so that two Han names are compared character by character (张伟 / 章伟 are
//! different names that read alike; 張偉 / 张伟 are one name).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// `traditional<TAB>simplified`, one character each (see `data/README.md`).
static SIMPLIFIED: &str = include_str!("../data/han-simplified.tsv");

fn table() -> &'static FxHashMap<char, char> {
    static TABLE: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        SIMPLIFIED
            .lines()
            .filter_map(|line| {
                let (traditional, simplified) = line.split_once('\t')?;
                let one = |s: &str| {
                    let mut chars = s.chars();
                    chars.next().filter(|_| chars.next().is_none())
                };
                Some((one(traditional)?, one(simplified)?))
            })
            .collect()
    })
}

/// A Han word with each character in its simplified form (other characters kept).
pub fn han_simplified(word: &str) -> String {
    let table = table();
    word.chars().map(|c| table.get(&c).copied().unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::han_simplified;

    #[test]
    fn traditional_reads_as_simplified() {
        assert_eq!(han_simplified("張偉"), "张伟");
        assert_eq!(han_simplified("习近平"), "习近平");
        assert_eq!(han_simplified("習近平"), "习近平");
        assert_ne!(han_simplified("章伟"), han_simplified("张伟"));
        assert_eq!(han_simplified("Wang"), "Wang");
        assert!(super::table().len() > 4000);
    }
}
