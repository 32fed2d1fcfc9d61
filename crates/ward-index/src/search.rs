//! Searching: a query's keys accumulated over the frozen arrays into ranked candidates.

use ward_normalize::TokenKind;

use crate::build::low_32_bits;
use crate::ids::{NameId, SubjectId};
use crate::keys::{for_each_key, short_key, Consonants, KeyName, KeyToken, KEY_BITS};
use crate::Index;

/// Posting lists longer than this (summed over a token's keys) are read in update-only mode
/// once enough of the query is covered (see [`Index::candidates`]).
const LONG_LIST: usize = 1000;

/// How far candidate generation goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Names kept per query name, best first.
    pub limit: usize,
    /// The share of the query's coverage weight that a name must match to possibly reach the
    /// threshold (1.0 finds every name that shares a key).
    pub min_share: f32,
    /// The share of the query's coverage weight a name must share keys with to be returned at
    /// all (names below cannot reach the cutoff; 0.0 returns every name found).
    pub min_covered: f32,
    /// The scorer's coverage penalties, to drop names that cannot reach the cutoff once the
    /// listed side is counted too (`None`: no such test).
    pub penalties: Option<Penalties>,
}

/// The scorer's coverage penalties, as the index bounds them: a name score is at most
/// `1 - query_miss * (query share unmatched) - listed_miss * (listed share unmatched)`, and a
/// name can reach the cutoff only if the two penalties together stay within `max_total`. The
/// index overstates both matched shares (every key shared counts as a match, every lexeme at
/// the most coverage it has in any name, a spared token's waived share as matched), so the
/// test only drops names that cannot reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalties {
    /// Penalty for the whole query unmatched.
    pub query_miss: f32,
    /// Penalty for the whole listed name unmatched.
    pub listed_miss: f32,
    /// The most the two may take off.
    pub max_total: f32,
    /// The share of an unmatched spared listed token's penalty ([`KeyToken::spared`]) the
    /// scorer may waive for this query, in [0, 1] (0: it charges every token in full).
    pub spared_share: f32,
}

/// The name lists of the lexemes a query token reaches, each with the weight of the
/// strongest key that reached it, and the lexeme's coverage weight (see
/// [`Index::lexeme_cover`]).
type Lists<'i> = Vec<(&'i [u32], f32, f32)>;

/// One query token's posting lists and what it weighs.
struct Plan<'i> {
    lists: Lists<'i>,
    total: usize,
    cover: f32,
    weight: f32,
}

/// A name's accumulators during one query, side by side in 8 bytes (fixed point): a posting
/// costs one cache miss, and a million names' slots stay within the cache more often.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// Summed key weight, in units of `1 / ACC_SCALE` (ranks names only; never 0 once the name
    /// is touched).
    acc: u16,
    /// Summed coverage weight of the name's lexemes, added each time a query token's list
    /// reaches one (an overstatement, as the bound needs), in units of `1 / COV_SCALE`, rounded
    /// up.
    listed: u16,
    /// Summed coverage weight of the query in units of `1 / COV_SCALE`, each addition rounded
    /// up: it only ever overstates coverage, so the `min_covered` filter keeps a superset.
    cov: u16,
    /// Generation of the last token that counted this name.
    stamp: u16,
}

/// Fixed-point scale of [`Slot::cov`] and [`Slot::listed`] (token weights are at most 1).
const COV_SCALE: f32 = 256.0;
/// Fixed-point scale of [`Slot::acc`].
const ACC_SCALE: f32 = 512.0;

/// Reusable per-thread buffers for [`Index::candidates`], so queries allocate little.
#[derive(Default)]
pub struct Scratch {
    slots: Vec<Slot>,
    touched: Vec<u32>,
    generation: u16,
}

/// A candidate subject and the names of it that shared keys with the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Subject index.
    pub subject: SubjectId,
    /// Rank score: summed weight of shared keys of its best name.
    pub rank: f32,
    /// Whether an identifier matched.
    pub by_identifier: bool,
    /// Where its names lie in [`Candidates::names`].
    names: std::ops::Range<usize>,
}

/// The candidates of one query, best rank first, with the ids of their names that shared at
/// least one key with the query (names that share none cannot match: every similarity the
/// scorer uses has a key). The name ids of all candidates share one vector, so that a query
/// allocates once for them rather than once per candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// Candidate subjects, best rank first.
    pub list: Vec<Candidate>,
    /// (subject, name id) pairs, sorted.
    names: Vec<(u32, u32)>,
}

impl Candidates {
    /// The name ids of a candidate that shared a key with the query (none for a candidate
    /// found by identifier alone).
    pub fn names<'a>(&'a self, candidate: &Candidate) -> impl ExactSizeIterator<Item = NameId> + 'a {
        self.names[candidate.names.clone()].iter().map(|&(_, id)| NameId::from_raw(id))
    }
}

impl Index {
    /// Candidate subjects for a query: for each query name, the `bounds.limit` best names by
    /// shared key weight, then their subjects (each once, best rank kept), plus every subject
    /// that shares an identifier. `allow` filters subjects (datasets).
    pub fn candidates(
        &self,
        query_names: &[KeyName<'_>],
        identifiers: &[String],
        bounds: Bounds,
        allow: impl Fn(SubjectId) -> bool,
        scratch: &mut Scratch,
    ) -> Candidates {
        let Bounds { limit, min_share, min_covered, penalties } = bounds;
        let n = self.names.len();
        if scratch.slots.len() != n {
            scratch.slots = vec![Slot::default(); n];
            scratch.generation = 0;
        }
        let mut out: Vec<Candidate> = Vec::new();
        let mut names: Vec<(u32, u32)> = Vec::new();
        for name in query_names {
            let tokens = &name.tokens;
            scratch.touched.clear();
            // Tokens with short posting lists first. Once the tokens that add names cover
            // `min_share` of the query, the long lists of the remaining (common) tokens only
            // update names already found: a name matching none of the adding tokens leaves
            // that share unmatched and cannot reach the threshold.
            let keyed: Vec<&KeyToken<'_>> = tokens.iter().filter(|t| t.keyed()).collect();
            let mut keys: Vec<(u64, f32, usize)> = Vec::new();
            for (owner, t) in keyed.iter().enumerate() {
                let cons = Consonants { keys: t.consonants, abjad: t.abjad, lookup: true };
                for_each_key(t.text, t.phonetic, t.groups, cons, Some(self.typo_min_len), |k, w| {
                    keys.push((k, w, owner));
                });
            }
            for (owner, p) in name.pairs.iter().enumerate() {
                let cons = Consonants { keys: p.consonants, abjad: p.abjad, lookup: true };
                let owner = keyed.len() + owner;
                for_each_key(p.text, p.phonetic, p.groups, cons, None, |k, w| keys.push((k, w, owner)));
            }
            let mut lists = self.owner_lists(&keys, keyed.len() + name.pairs.len()).into_iter();
            let mut plan: Vec<Plan<'_>> = Vec::new();
            for (t, (lists, total)) in keyed.iter().zip(lists.by_ref()) {
                plan.push(Plan { lists, total, cover: t.cover, weight: t.weight });
            }
            // The scorer's coverage total counts initials too (they have no keys).
            let initials_cover: f32 =
                tokens.iter().filter(|t| t.kind == TokenKind::Initial).map(|t| t.cover).sum();
            let total_cover: f32 = plan.iter().map(|p| p.cover).sum::<f32>() + initials_cover;
            plan.sort_by_key(|p| p.total);
            let mut added = 0.0f32;
            for p in &plan {
                let add = p.total <= LONG_LIST || added < min_share * total_cover;
                if add {
                    added += p.cover;
                }
                self.accumulate(&p.lists, p.weight, p.cover, add, scratch);
            }
            // Joined pairs always add (their lists are short).
            for (p, (lists, _)) in name.pairs.iter().zip(lists) {
                let (a, b) = (&tokens[p.first], &tokens[p.second]);
                self.accumulate(&lists, a.weight.max(b.weight), a.cover + b.cover, true, scratch);
            }
            // One pass over the touched names: keep those that cover enough of the query, with
            // their rank and subject, and clear every slot for the next query name. Rank: shared
            // weight, and among equals the shorter name (a listed "Mohammed Ali" before
            // "Mohammed Ali Hassan Al-Majid" for the query "Mohammed Ali").
            // Initials have no keys, so no name's coverage counts them; any name may still match
            // them ("M. D. S. Import Export" / "M.D.S. Import Export"), so they are credited to all.
            let floor = (min_covered * total_cover - initials_cover).max(0.0) * COV_SCALE;
            // A query initial may half match a listed word that shares no key with it, so with
            // initials in the query the listed side is not bounded.
            let penalties = penalties.filter(|_| initials_cover == 0.0 && total_cover > 0.0);
            let mut kept: Vec<(f32, u32, u32)> = Vec::new();
            for &id in &scratch.touched {
                let slot = &mut scratch.slots[id as usize];
                let (acc, cov, listed) = (f32::from(slot.acc) / ACC_SCALE, slot.cov, slot.listed);
                (slot.acc, slot.cov, slot.listed) = (0, 0, 0);
                if f32::from(cov) < floor {
                    continue;
                }
                let name = self.names[id as usize];
                if let Some(p) = penalties {
                    let query_share = (f32::from(cov) / COV_SCALE / total_cover).min(1.0);
                    // What the scorer may waive of the spared tokens counts as matched.
                    let listed = f32::from(listed) / COV_SCALE + name.unkeyed + p.spared_share * name.spared;
                    let listed_share = if name.cover > 0.0 { (listed / name.cover).min(1.0) } else { 1.0 };
                    if p.query_miss * (1.0 - query_share) + p.listed_miss * (1.0 - listed_share) > p.max_total
                    {
                        continue;
                    }
                }
                if allow(SubjectId::from_raw(name.subject)) {
                    kept.push((acc - 0.25 * (name.weight - acc).max(0.0), id, name.subject));
                }
            }
            let k = limit.min(kept.len());
            if k > 0 && k < kept.len() {
                kept.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
            }
            // Each subject once, with the best rank of its names (over all query names).
            out.extend(kept[..k].iter().map(|&(rank, _, subject)| Candidate {
                subject: SubjectId::from_raw(subject),
                rank,
                by_identifier: false,
                names: 0..0,
            }));
            out.sort_unstable_by(|a, b| a.subject.cmp(&b.subject).then(b.rank.total_cmp(&a.rank)));
            out.dedup_by_key(|c| c.subject);
            // Every name of a candidate that shared a key goes to the scorer, ranked or not.
            for (_, id, subject) in kept {
                if out.binary_search_by_key(&subject, |c| c.subject.raw()).is_ok() {
                    names.push((subject, id));
                }
            }
        }
        for ident in identifiers {
            if let Some(subjects) = self.identifiers.get(ident.as_str()) {
                for subject in subjects.iter().map(|&s| SubjectId::from_raw(s)).filter(|&s| allow(s)) {
                    match out.iter_mut().find(|c| c.subject == subject) {
                        Some(c) => c.by_identifier = true,
                        None => {
                            out.push(Candidate { subject, rank: f32::MAX, by_identifier: true, names: 0..0 });
                        }
                    }
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        for c in &mut out {
            let start = names.partition_point(|&(s, _)| s < c.subject.raw());
            let end = start + names[start..].partition_point(|&(s, _)| s == c.subject.raw());
            c.names = start..end;
        }
        out.sort_by(|a, b| b.rank.total_cmp(&a.rank));
        Candidates { list: out, names }
    }

    /// For each of `owners` query tokens (or joined pairs), the name lists of every lexeme
    /// its keys reach, each lexeme once with the weight of the strongest key that reached it,
    /// and their total length. `keys` holds (key, weight, owner), grouped by owner.
    ///
    /// The lookups go in sweeps over all keys (directory, key, offsets): each step of one
    /// lookup waits on the last and misses the cache, while the same step of different keys
    /// does not, so a sweep keeps many reads in flight.
    fn owner_lists(&self, keys: &[(u64, f32, usize)], owners: usize) -> Vec<(Lists<'_>, usize)> {
        let shift = KEY_BITS - self.dir_bits;
        let spans: Vec<(u32, u32)> = keys
            .iter()
            .map(|&(k, _, _)| {
                let b = usize::try_from(short_key(k) >> shift).unwrap_or(usize::MAX);
                (self.dir[b], self.dir[b + 1])
            })
            .collect();
        let found: Vec<Option<usize>> = keys
            .iter()
            .zip(&spans)
            .map(|(&(k, _, _), &(lo, hi))| {
                let (lo, hi) = (lo as usize, hi as usize);
                self.keys[lo..hi].iter().position(|&x| x == low_32_bits(short_key(k))).map(|i| lo + i)
            })
            .collect();
        let postings: Vec<&[u32]> = found
            .iter()
            .map(|f| match *f {
                Some(i) => &self.key_lexemes[self.key_offsets[i] as usize..self.key_offsets[i + 1] as usize],
                None => &[],
            })
            .collect();
        let mut out = Vec::with_capacity(owners);
        let mut reached: Vec<(u32, f32)> = Vec::new();
        let mut at = 0;
        for owner in 0..owners {
            reached.clear();
            while at < keys.len() && keys[at].2 == owner {
                reached.extend(postings[at].iter().map(|&lex| (lex, keys[at].1)));
                at += 1;
            }
            // Each lexeme once, with its strongest key; strongest lexemes first, so that a name
            // holding two of them counts the better one.
            reached.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            reached.dedup_by_key(|r| r.0);
            reached.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut total = 0;
            let lists = reached
                .iter()
                .map(|&(lex, w)| {
                    let list = self.lexeme_postings(lex);
                    total += list.len();
                    (list, w, self.lexeme_cover[lex as usize])
                })
                .collect();
            out.push((lists, total));
        }
        out
    }

    /// Adds `weight` times the strongest key weight to every name in the lists of one query
    /// token (each name counted once per token), and each list's lexeme coverage to its names'
    /// listed sum. With `add` false, only names already touched by other tokens are updated.
    fn accumulate(
        &self,
        lists: &[(&[u32], f32, f32)],
        weight: f32,
        cover: f32,
        add: bool,
        scratch: &mut Scratch,
    ) {
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.slots.iter_mut().for_each(|s| s.stamp = 0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let Scratch { slots, touched, .. } = scratch;
        let cover = fixed_point(cover * COV_SCALE);
        for &(list, w, listed) in lists {
            let acc = fixed_point((weight.max(0.01) * w * ACC_SCALE).floor()).max(1);
            let listed = fixed_point(listed * COV_SCALE);
            for &id in list {
                let slot = &mut slots[id as usize];
                if slot.stamp != generation {
                    slot.stamp = generation;
                    if slot.acc == 0 {
                        if !add {
                            continue;
                        }
                        touched.push(id);
                    }
                    slot.acc = slot.acc.saturating_add(acc);
                    slot.cov = slot.cov.saturating_add(cover);
                } else if slot.acc == 0 {
                    // Passed over by this token (update-only).
                    continue;
                }
                slot.listed = slot.listed.saturating_add(listed);
            }
        }
    }
}

/// A weight in a slot's fixed-point units, rounded up and saturating at `u16::MAX` (a
/// saturated slot only overstates, as the bounds allow).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a float-to-int `as` saturates, which is the intent"
)]
fn fixed_point(scaled: f32) -> u16 {
    scaled.ceil() as u16
}
