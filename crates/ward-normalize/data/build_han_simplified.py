"""Writes han-simplified.tsv: each traditional (or variant) Han character that OpenCC's
character table maps to one simplified character, as `traditional<TAB>simplified`.

Needs the `opencc` Python package (pip install opencc; Apache-2.0). Run from this folder:
    python3 build_han_simplified.py
"""

import opencc

RANGES = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)]


def main() -> None:
    converter = opencc.OpenCC("t2s")
    rows = []
    for start, end in RANGES:
        for code in range(start, end):
            char = chr(code)
            simplified = converter.convert(char)
            if simplified != char and len(simplified) == 1:
                rows.append(f"{char}\t{simplified}\n")
    with open("han-simplified.tsv", "w", encoding="utf-8") as out:
        out.write("".join(rows))


if __name__ == "__main__":
    main()
