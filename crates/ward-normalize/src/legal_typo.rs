//! Misspelt legal forms in organisation names ("JOINT STLCK COMPANY", "LIMITEED", "OOOO"):
//! read as the legal form they misspell, so that a typo in a word that carries no weight does
//! not turn it into a rare name word the other side lacks.

use crate::tables;

/// The shortest legal-form word that one edit of any kind may reach: shorter forms are codes
/// that differ by one letter (JSC / ISC, OAO / OOA), so only a doubled letter is read as a typo
/// of them ("OOOO", "LLTD").
pub const MIN_EDITED_FORM_LEN: usize = 5;

/// The shortest legal form a doubled letter is read back to.
const MIN_DOUBLED_FORM_LEN: usize = 3;

/// The legal-form word `word` misspells, if it is no table word itself and either is one edit
/// (optimal string alignment) from a legal-form word of [`MIN_EDITED_FORM_LEN`] letters or more
/// that keeps its first letter (or swaps the first two), or doubles one letter of a shorter
/// legal form.
pub fn misspelt_legal_form(word: &str) -> Option<&'static str> {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) || is_table_word(word) {
        return None;
    }
    legal_form_words().find(|form| {
        if form.len() >= MIN_EDITED_FORM_LEN {
            one_edit_keeping_start(word, form)
        } else {
            form.len() >= MIN_DOUBLED_FORM_LEN && doubles_one_letter(word, form)
        }
    })
}

/// Every word of the legal-form tables: single legal forms and the words of legal phrases.
fn legal_form_words() -> impl Iterator<Item = &'static str> {
    tables::LEGAL_FORMS.iter().copied().chain(tables::LEGAL_PHRASES.iter().flat_map(|p| p.iter().copied()))
}

fn is_table_word(word: &str) -> bool {
    legal_form_words().any(|w| w == word)
        || [tables::ORG_WORDS, tables::PARTICLES, tables::TITLES].iter().any(|t| tables::contains(t, word))
}

/// Whether `word` is one edit from `form` and the edit leaves the first letter alone or swaps
/// the first two letters ("ilmited"): a different first letter more often makes another word.
fn one_edit_keeping_start(word: &str, form: &str) -> bool {
    let (w, f) = (word.as_bytes(), form.as_bytes());
    let swapped_start =
        w.len() == f.len() && w.len() >= 2 && w[0] == f[1] && w[1] == f[0] && w[2..] == f[2..];
    swapped_start || (w.first() == f.first() && strsim::osa_distance(word, form) == 1)
}

/// Whether `word` is `form` with one of its letters written twice.
fn doubles_one_letter(word: &str, form: &str) -> bool {
    let (w, f) = (word.as_bytes(), form.as_bytes());
    w.len() == f.len() + 1
        && (1..w.len()).any(|i| w[i] == w[i - 1] && w[..i] == f[..i] && w[i + 1..] == f[i..])
}

#[cfg(test)]
mod tests {
    use super::misspelt_legal_form;

    #[test]
    fn misspelt_forms() {
        for (word, form) in [
            ("copany", Some("company")),
            ("cowpany", Some("company")),
            ("compbny", Some("company")),
            ("limiteed", Some("limited")),
            ("ilmited", Some("limited")),
            ("jzint", Some("joint")),
            ("stlck", Some("stock")),
            ("oooo", Some("ooo")),
            ("lltd", Some("ltd")),
            ("jjsc", Some("jsc")),
            // Codes one letter from a short form, and words with another first letter.
            ("ooa", None),
            ("isc", None),
            ("point", None),
            ("company", None),
            ("trading", None),
            ("gazprom", None),
        ] {
            assert_eq!(misspelt_legal_form(word), form, "{word}");
        }
    }
}
