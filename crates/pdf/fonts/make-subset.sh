#!/usr/bin/env bash
# make-subset.sh: regenerates the CJK fallback fonts bundled in propwatch-pdf.
#
# propwatch-pdf prefers the system's Noto CJK fonts (Debian: fonts-noto-cjk, under
# /usr/share/fonts/opentype/noto/). So that a fresh machine without them still renders notices,
# the crate embeds (include_bytes!) a subset of Noto Serif CJK SC, Regular and Bold, renamed to
# the family "Noto Serif CJK SC Tongyong" (files NotoSerifCJKscTY-*.otf), covering:
#   - the 8105 characters of the 通用规范汉字表 (Table of General Standard Chinese Characters,
#     State Council, 2013), so that names with characters such as 堃 or 喆 print. The list is the
#     Unihan database's kTGH field (a character's position in that table, "2013:1" to
#     "2013:8105"), read from Unihan_OtherMappings.txt.bz2 of Debian's unicode-data package
#     (apt-get install unicode-data; /usr/share/unicode/). The script refuses a list that is not
#     exactly positions 1 to 8105;
#   - every character of GB 2312 (6763 hanzi + its symbols, punctuation and full-width forms,
#     rows 0xA1-0xF7), decoded with Python's 'gb2312' codec: the few hanzi of GB 2312 that the
#     table left out, and its symbols;
#   - printable ASCII and a few extra punctuation marks used in official documents.
# The fonts are under the SIL Open Font License 1.1 (see OFL.txt beside this script).
#
# Needs: fonts-noto-cjk and unicode-data (apt-get install fonts-noto-cjk unicode-data) and
# fonttools (pip install fonttools); set PYTHON to a python3 that has fontTools (default: python3).
# The output keeps the source fonts' timestamps, so the same inputs give the same bytes.
# Last made from fonts-noto-cjk 1:20220127+repack1-1 (Noto Serif CJK SC 2.001), unicode-data
# 15.0.0-1 (Debian 12) and fontTools 4.68.
# Usage: crates/pdf/fonts/make-subset.sh            (writes the .otf files beside this script)
#        NOTO_DIR=/path/to/noto make-subset.sh      (another folder with NotoSerifCJK-*.ttc)
#        UNIHAN_DIR=/path/to/unihan make-subset.sh  (another folder with Unihan_OtherMappings.txt
#                                                   or its .bz2, e.g. from Unihan.zip)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
noto="${NOTO_DIR:-/usr/share/fonts/opentype/noto}"
unihan="${UNIHAN_DIR:-/usr/share/unicode}"
py="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$py" - "$work/chars.txt" "$unihan" <<'PY'
import bz2, os, sys
out, unihan = sys.argv[1:3]

# 通用规范汉字表 from Unihan's kTGH field: "U+5803<TAB>kTGH<TAB>2013:7226".
path = os.path.join(unihan, "Unihan_OtherMappings.txt")
opener = open if os.path.exists(path) else bz2.open
if opener is bz2.open:
    path += ".bz2"
tongyong = {}
with opener(path, "rt", encoding="utf-8") as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 3 and fields[0].startswith("U+") and fields[1] == "kTGH":
            for value in fields[2].split():
                year, position = value.split(":")
                if year == "2013":
                    tongyong[int(position)] = chr(int(fields[0][2:], 16))
if sorted(tongyong) != list(range(1, 8106)) or len(set(tongyong.values())) != 8105:
    sys.exit(f"{path}: expected the 8105 characters of the 2013 table, found {len(tongyong)}")

chars = set(tongyong.values())
chars |= set(chr(c) for c in range(0x20, 0x7F))           # ASCII
chars |= set("\u3000\u2014\u2015\u2026\u00b7\u30fb\u2018\u2019\u201c\u201d\u2e3a\u2e3b\uff5e\u2022\u00a0")
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars |= set(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
with open(out, "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(f"{len(tongyong)} characters of the 通用规范汉字表; {len(chars)} characters in all", file=sys.stderr)
PY

# Face 2 of Debian's NotoSerifCJK-*.ttc is "Noto Serif CJK SC" (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
for style in Regular Bold; do
    src="$noto/NotoSerifCJK-$style.ttc"
    out="$here/NotoSerifCJKscTY-$style.otf"
    "$py" -m fontTools.subset "$src" --font-number=2 \
        --text-file="$work/chars.txt" \
        --layout-features=ccmp,liga,calt,kern,mark,mkmk,palt,halt \
        --name-IDs=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14 --name-languages='*' \
        --output-file="$work/sub.otf"
    # Check that every wanted character made it, then rename the family so that it never passes
    # for the full font (and shows as such in diagnostics).
    "$py" - "$work/sub.otf" "$out" "$style" "$work/chars.txt" <<'PY'
import sys
from fontTools.ttLib import TTFont
src, out, style, chars = sys.argv[1:5]
family = "Noto Serif CJK SC Tongyong"
ps = f"NotoSerifCJKscTY-{style}"
full = family if style == "Regular" else f"{family} {style}"
f = TTFont(src, recalcTimestamp=False)
cmap = f.getBestCmap()
wanted = open(chars, encoding="utf-8").read()
missing = [c for c in wanted if c.isprintable() and not c.isspace() and ord(c) not in cmap]
if missing:
    sys.exit(f"{src}: no glyph for {''.join(missing)}")
name = f["name"]
for rec in list(name.names):
    if rec.nameID in (1, 3, 4, 6, 16, 17) and rec.langID not in (0, 0x409):
        name.removeNames(nameID=rec.nameID, langID=rec.langID)
for nid, val in ((1, family), (3, f"2.001;propwatch;{ps}"), (4, full), (6, ps)):
    name.setName(val, nid, 3, 1, 0x409)
    name.setName(val, nid, 1, 0, 0)
name.removeNames(nameID=16)
name.removeNames(nameID=17)
cff = f["CFF "].cff
cff.fontNames = [ps]
top = cff.topDictIndex[0]
top.FamilyName = family
top.FullName = full
f.save(out)
print(f"{out}: {len(f.getGlyphOrder())} glyphs, {len(cmap)} characters", file=sys.stderr)
PY
done
ls -l "$here"/*.otf
