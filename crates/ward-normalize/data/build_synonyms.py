#!/usr/bin/env python3
"""Filters the multi-script name-synonym dictionary into synonyms.txt.gz, the copy Ward embeds.

Input: names-multiscript-synonyms.txt.gz (opensanctions/nomenklatura `names.gz`, MIT), lines
"a, b, c => Qxxx". Output: one group per line, spellings comma-separated, already folded the way
ward-normalize folds text (NFKC, lower case, diacritics and apostrophes removed, spaces and
hyphens inside an entry removed), so that loading needs no Unicode work.

Dropped: scripts Ward does not transliterate for queries (Hebrew, Indic, Thai...), entries with
digits or tone marks, single Han/Hangul/kana characters (character readings, not names), groups
that carry bopomofo or tone numbers (Chinese character-reading groups that join unrelated names
such as wang and hong), and groups left with fewer than two spellings.
"""
import gzip, re, sys, unicodedata

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/resources/names-multiscript-synonyms.txt.gz"
dst = sys.argv[2] if len(sys.argv) > 2 else "synonyms.txt.gz"

MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670]")
APOS = re.compile("['`’ʼʻ´ʿʾ\u200c\u200d]")
def fold(s):
    s = unicodedata.normalize("NFKC", s).lower()
    s = unicodedata.normalize("NFD", s)
    s = MARKS.sub("", s)
    s = unicodedata.normalize("NFC", s)
    return APOS.sub("", s)

def script_ok(ch):
    o = ord(ch)
    return (ch.isascii() and ch.isalpha()) or 0x0400 <= o <= 0x052F or 0x0600 <= o <= 0x06FF \
        or 0x0370 <= o <= 0x03FF or 0x4E00 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7A3 \
        or 0x3040 <= o <= 0x30FF or 0x10A0 <= o <= 0x10FF or 0x0530 <= o <= 0x058F

def cjk_single(s):
    return len(s) == 1 and not s.isascii()

n_in = n_out = 0
with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(dst, "wt", encoding="utf-8", compresslevel=9) as out:
    for line in f:
        n_in += 1
        names = line.rsplit("=>", 1)[0]
        raw = [x.strip() for x in names.split(",")]
        if any(re.search("[\u3100-\u312f¹²³⁴⁵ˊˇ]|[0-9]", x) for x in raw):
            continue
        keep = []
        for x in raw:
            if not x or ":" in x or "(" in x:
                continue
            words = re.split(r"[\s\-]+", fold(x))
            if len(words) > 3:
                continue
            y = "".join(words)
            if not y or not all(script_ok(c) for c in y) or cjk_single(y) or (y.isascii() and len(y) < 2):
                continue
            if y not in keep:
                keep.append(y)
        if len(keep) >= 2:
            out.write(",".join(keep) + "\n")
            n_out += 1
print(f"{n_in} groups in, {n_out} out", file=sys.stderr)
