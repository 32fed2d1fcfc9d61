//! The multi-script name-synonym dictionary: which spellings, in which scripts, are the same
//! given or family name (сергей = sergei = serguei = 세르게이). A token maps to the ids of the
//! groups it belongs to; two tokens are synonyms when they share a group.

use std::io::Read;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::fold::fold;
use crate::name::canon_abd;

/// The filtered dictionary embedded in the binary (see `data/README.md`), so that Ward works
/// offline on a fresh clone.
static EMBEDDED_GZ: &[u8] = include_bytes!("../data/synonyms.txt.gz");

/// Groups the dictionary lacks but sanctions lists need: Korean family names in their DPRK and
/// ROK spellings, and a few Arabic and Russian romanisation pairs.
const EXTRA_GROUPS: &[&str] = &[
    "ri,lee,yi,rhee,rii",
    "rim,lim,im",
    "pak,park,bak",
    "choe,choi,chwe",
    "jong,jeong,chong,chung",
    "kim,gim",
    "ryu,yu,yoo,lyu",
    "ro,roh,no",
    "o,oh",
    "kang,gang",
    "sin,shin",
    "jo,cho",
    "hyon,hyun,hyeon",
    "yun,yoon",
    "han,hahn",
    "qadhafi,gaddafi,kadhafi,qaddafi,gadhafi,kaddafi,ghadafi,qadafi,gadafi,kadafi,qathafi,gathafi,alqadhafi,alqaddafi,alqadhdhafi,qadhdhafi",
    "muammar,moammar,muamar,moamar,moammer,muammer,mouammar",
    "osama,usama,ousama,oussama",
    "hussein,husain,husayn,hussain,hossein,husein,hosein",
    "yusuf,yousef,youssef,yousuf,yusef,yossef,jusuf",
    "aleksandr,alexander,aleksander,alexandr,oleksandr,aliaksandr,alyaksandr",
    "hizballah,hezbollah,hizbollah,hizbullah,hezballah,hisbollah",
];

/// Spellings of names mapped to synonym-group ids.
pub struct Synonyms {
    index: FxHashMap<Box<str>, (u32, u32)>,
    groups: Vec<u32>,
    n_groups: u32,
}

impl Synonyms {
    /// Parses a dictionary: one group per line, spellings separated by commas, optionally ended
    /// by `=> id` (the format of nomenklatura's `names.gz`). Spellings are folded (NFKC, lower
    /// case, no diacritics) unless `prefolded` says the text already is; spaces and hyphens
    /// inside a spelling are removed ("abd al-rahman" -> "abdalrahman").
    pub fn parse(text: &str, prefolded: bool) -> Synonyms {
        let mut pairs: Vec<(Box<str>, u32)> = Vec::with_capacity(text.len() / 8);
        let mut group = 0u32;
        for line in text.lines().chain(EXTRA_GROUPS.iter().copied()) {
            let names = line.rsplit_once("=>").map_or(line, |(names, _)| names);
            let before = pairs.len();
            for raw in names.split(',') {
                let raw = raw.trim();
                if raw.is_empty() {
                    continue;
                }
                let folded;
                let spelling = if prefolded {
                    raw
                } else {
                    folded = fold(raw);
                    &folded
                };
                let mut key: String =
                    spelling.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect();
                if key.starts_with("abd") {
                    key = canon_abd(&key);
                }
                if !key.is_empty() {
                    pairs.push((key.into_boxed_str(), group));
                }
            }
            if pairs.len() > before {
                group += 1;
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut pairs = join_romanisations(pairs, group);
        let mut index = FxHashMap::with_capacity_and_hasher(pairs.len() / 2, Default::default());
        let mut groups = Vec::with_capacity(pairs.len());
        let mut i = 0;
        while i < pairs.len() {
            let start = groups.len() as u32;
            let mut j = i;
            while j < pairs.len() && pairs[j].0 == pairs[i].0 {
                groups.push(pairs[j].1);
                j += 1;
            }
            let key = std::mem::take(&mut pairs[i].0);
            index.insert(key, (start, groups.len() as u32 - start));
            i = j;
        }
        Synonyms { index, groups, n_groups: group }
    }

    /// The embedded dictionary, decompressed and indexed at first use.
    pub fn embedded() -> &'static Synonyms {
        static EMBEDDED: OnceLock<Synonyms> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let mut text = String::with_capacity(EMBEDDED_GZ.len() * 3);
            // The bytes are compiled in and were written by build_synonyms.py, so a decoding
            // failure is a build defect; an empty dictionary still leaves rule-based matching.
            if flate2::read::GzDecoder::new(EMBEDDED_GZ).read_to_string(&mut text).is_err() {
                text.clear();
            }
            Synonyms::parse(&text, true)
        })
    }

    /// An empty dictionary (only the built-in extra groups).
    pub fn minimal() -> Synonyms {
        Synonyms::parse("", true)
    }

    /// The group ids of a folded spelling (Latin or original script), sorted; empty if unknown.
    pub fn groups(&self, spelling: &str) -> &[u32] {
        match self.index.get(spelling) {
            Some(&(start, len)) => &self.groups[start as usize..(start + len) as usize],
            None => &[],
        }
    }

    /// Number of distinct spellings.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the dictionary has no spellings.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Number of groups.
    pub fn n_groups(&self) -> u32 {
        self.n_groups
    }
}

/// The fewest letters a Cyrillic spelling needs to join groups: short ones are ambiguous
/// (ян is Jan and Ian).
const MIN_JOINING_CYRILLIC_LEN: usize = 4;

/// The most groups a Cyrillic spelling may be in and still join them: one in more is a
/// spelling several names share.
const MAX_JOINED_BY_ONE_SPELLING: usize = 6;

/// The most groups one joined group may hold, so that no chain of shared spellings makes one
/// name of many (Ivan / Jan / Evgeny).
const MAX_JOINED_GROUPS: u32 = 12;

/// Joins groups that hold one Cyrillic spelling: the dictionary lists the Russian, Ukrainian
/// and Belarusian romanisations of a name in separate groups linked only by their Cyrillic
/// form (sergey and serhiy both have сергеи, igor and ihar игорь, olga and volha ольга).
/// Takes the sorted, deduplicated (spelling, group) pairs and returns them with each group
/// replaced by its joined group's id, sorted and deduplicated again.
fn join_romanisations(mut pairs: Vec<(Box<str>, u32)>, n_groups: u32) -> Vec<(Box<str>, u32)> {
    let mut joined = JoinedGroups::new(n_groups);
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        let spelling = &run[0].0;
        let joins = run.len() > 1
            && run.len() <= MAX_JOINED_BY_ONE_SPELLING
            && spelling.chars().count() >= MIN_JOINING_CYRILLIC_LEN
            && spelling.chars().all(is_cyrillic);
        if joins {
            for pair in &run[1..] {
                joined.join(run[0].1, pair.1);
            }
        }
    }
    for pair in &mut pairs {
        pair.1 = joined.root(pair.1);
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// Union-find over group ids, each set at most [`MAX_JOINED_GROUPS`] groups.
struct JoinedGroups {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl JoinedGroups {
    fn new(n_groups: u32) -> JoinedGroups {
        JoinedGroups { parent: (0..n_groups).collect(), size: vec![1; n_groups as usize] }
    }

    fn root(&mut self, mut group: u32) -> u32 {
        while self.parent[group as usize] != group {
            let grandparent = self.parent[self.parent[group as usize] as usize];
            self.parent[group as usize] = grandparent;
            group = grandparent;
        }
        group
    }

    /// Joins the sets of `a` and `b` unless the joined set would exceed [`MAX_JOINED_GROUPS`].
    fn join(&mut self, a: u32, b: u32) {
        let (a, b) = (self.root(a), self.root(b));
        let size = self.size[a as usize] + self.size[b as usize];
        if a != b && size <= MAX_JOINED_GROUPS {
            self.parent[a as usize] = b;
            self.size[b as usize] = size;
        }
    }
}

/// Whether two sorted group-id lists share an id.
pub fn share_group(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}
