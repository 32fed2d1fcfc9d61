#!/usr/bin/env python3
"""Extracts real listed names into testdata/names/corpus.tsv (for property tests and the engine's
tests) and a token document-frequency table into crates/ward-score/data/token-df.tsv (the default
rarity table of ward_engine::compare).

Run once from the repository root with the shared data at ../shared or /work/shared:
    python3 testdata/names/extract.py /work/shared/data/lists
"""
import collections, csv, io, os, re, sys, unicodedata
import xml.etree.ElementTree as ET

lists = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/lists"
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

rows = []  # (subject, dataset, schema, kind, name)

def add(subject, dataset, schema, kind, name):
    name = " ".join((name or "").split())
    if name:
        rows.append((subject, dataset, schema, kind, name))

# UN consolidated list: every record, with original-script names and low-quality aliases.
un = ET.parse(os.path.join(lists, "un-sc/un_consolidated_2026-02-27.xml")).getroot()
for ind in un.iter("INDIVIDUAL"):
    ref = "un:" + (ind.findtext("REFERENCE_NUMBER") or ind.findtext("DATAID")).strip()
    parts = [ind.findtext(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    add(ref, "un_sc_sanctions", "Person", "primary", " ".join(p for p in parts if p))
    add(ref, "un_sc_sanctions", "Person", "alias", ind.findtext("NAME_ORIGINAL_SCRIPT"))
    for al in ind.iter("INDIVIDUAL_ALIAS"):
        q = (al.findtext("QUALITY") or "").strip().lower()
        add(ref, "un_sc_sanctions", "Person", "weak" if q in ("low", "a.k.a. low") else "alias", al.findtext("ALIAS_NAME"))
for ent in un.iter("ENTITY"):
    ref = "un:" + (ent.findtext("REFERENCE_NUMBER") or ent.findtext("DATAID")).strip()
    add(ref, "un_sc_sanctions", "Organization", "primary", ent.findtext("FIRST_NAME"))
    for al in ent.iter("ENTITY_ALIAS"):
        q = (al.findtext("QUALITY") or "").strip().lower()
        add(ref, "un_sc_sanctions", "Organization", "weak" if q in ("low", "a.k.a. low") else "alias", al.findtext("ALIAS_NAME"))

# OFAC SDN (2021-07, with aliases): every 10th record keeps the corpus small but varied.
SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
sdn_dir = os.path.join(lists, "us-ofac/sdn-csv-2021-07")
def ofac_rows(path):
    with open(path, encoding="latin-1") as f:
        for row in csv.reader(f):
            yield [c.strip() for c in row]
kept = {}
for row in ofac_rows(os.path.join(sdn_dir, "sdn.csv")):
    if len(row) < 3:
        continue
    ent, name, typ = row[0], row[1], row[2].strip().lower()
    schema = SCHEMA.get(typ, "LegalEntity")
    kept[ent] = schema
all_ofac = {}
for row in ofac_rows(os.path.join(sdn_dir, "sdn.csv")):
    if len(row) >= 3:
        all_ofac.setdefault(row[0], []).append(("primary", row[1]))
for row in ofac_rows(os.path.join(sdn_dir, "alt.csv")):
    if len(row) >= 4:
        kind = "weak" if "weak" in (row[4] if len(row) > 4 else "").lower() else ("previous" if row[2].lower() == "fka" else "alias")
        all_ofac.setdefault(row[0], []).append((kind, row[3]))
for i, (ent, names) in enumerate(all_ofac.items()):
    if i % 10 != 0 or ent not in kept:
        continue
    for kind, name in names:
        if name != "-0-":
            add("ofac:" + ent, "us_ofac_sdn", kept[ent], kind, name)

# UK OFSI 2025-04: the records that carry a non-Latin script name (Russian, Chinese, Korean...).
try:
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(lists, "uk-ofsi/ofsi_ConList_2025-04.xlsx"), read_only=True)
    ws = wb.active
    it = ws.iter_rows(values_only=True)
    next(it)
    header = list(next(it))
    col = {h: i for i, h in enumerate(header)}
    groups = collections.defaultdict(list)
    for row in it:
        groups[row[col["Group ID"]]].append(row)
    n = 0
    for gid, grp in groups.items():
        if not any(r[col["Name Non-Latin Script"]] for r in grp):
            continue
        n += 1
        if n % 8 != 0:
            continue
        typ = (grp[0][col["Group Type"]] or "").lower()
        schema = {"individual": "Person", "ship": "Vessel"}.get(typ, "Organization")
        seen = set()
        for r in grp:
            parts = [r[col[f"Name {k}"]] for k in (1, 2, 3, 4, 5)]
            latin = " ".join(str(p) for p in parts if p)
            last = r[col["Name 6"]]
            full = f"{last}, {latin}" if latin and schema == "Person" else (str(last or "") + (" " + latin if latin else ""))
            kind = "primary" if (r[col["Alias Type"]] or "").startswith("Primary") and "primary" not in seen else "alias"
            if (r[col["Alias Quality"]] or "").lower().startswith("low"):
                kind = "weak"
            seen.add(kind)
            add("uk:" + str(gid), "gb_hmt_sanctions", schema, kind, full)
            nl = r[col["Name Non-Latin Script"]]
            if nl:
                add("uk:" + str(gid), "gb_hmt_sanctions", schema, "alias", nl)
except ImportError:
    print("openpyxl missing: UK names skipped", file=sys.stderr)

# Drop exact duplicates, keep order.
seen = set()
out = []
for r in rows:
    if r not in seen:
        seen.add(r)
        out.append(r)
path = os.path.join(root, "testdata/names/corpus.tsv")
with open(path, "w", encoding="utf-8") as f:
    f.write("# subject\tdataset\tschema\tkind\tname  (real listed names; see extract.py)\n")
    for r in out:
        f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
print(f"{len(out)} names, {len({r[0] for r in out})} subjects -> {path}")

# Token document frequencies over every name of the full lists (not only the corpus sample).
def tokens(name):
    name = unicodedata.normalize("NFKD", name.lower())
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"['`’ʼʻ´]", "", name)
    return set(t for t in re.split(r"[^\w]+", name) if t)
df = collections.Counter()
docs = 0
all_names = [n for names in all_ofac.values() for _, n in names if n != "-0-"] + [r[4] for r in rows]
for name in all_names:
    docs += 1
    df.update(tokens(name))
dfpath = os.path.join(root, "crates/ward-score/data/token-df.tsv")
os.makedirs(os.path.dirname(dfpath), exist_ok=True)
with open(dfpath, "w", encoding="utf-8") as f:
    f.write(f"# token\tdocument frequency over {docs} listed names (OFAC SDN 2021-07 names and aliases, UN 2026-02, UK 2025-04 sample); made by testdata/names/extract.py\n")
    f.write(f"{docs}\n")
    for tok, n in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= 3:
            f.write(f"{tok}\t{n}\n")
print(f"{docs} docs, {sum(1 for v in df.values() if v >= 3)} tokens with df>=3 -> {dfpath}")
