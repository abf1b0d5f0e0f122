#!/usr/bin/env bash
# make-subset.sh: regenerates the CJK fallback fonts bundled in propwatch-pdf.
#
# propwatch-pdf prefers the system's Noto CJK fonts (Debian: fonts-noto-cjk, under
# /usr/share/fonts/opentype/noto/). So that a fresh machine without them still renders notices,
# the crate embeds (include_bytes!) a subset of Noto Serif CJK SC, Regular and Bold, renamed to
# the family "Noto Serif CJK SC GB2312", covering:
#   - every character of GB 2312 (6763 hanzi + its symbols, punctuation and full-width forms,
#     rows 0xA1-0xF7), decoded with Python's 'gb2312' codec;
#   - printable ASCII and a few extra punctuation marks used in official documents.
# The fonts are under the SIL Open Font License 1.1 (see OFL.txt beside this script).
#
# Needs: fonts-noto-cjk (apt-get install fonts-noto-cjk) and fonttools (pip install fonttools);
# set PYTHON to a python3 that has fontTools (default: python3).
# Usage: crates/pdf/fonts/make-subset.sh            (writes the .otf files beside this script)
#        NOTO_DIR=/path/to/noto make-subset.sh      (another folder with NotoSerifCJK-*.ttc)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
noto="${NOTO_DIR:-/usr/share/fonts/opentype/noto}"
py="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$py" - "$work/chars.txt" <<'PY'
import sys
chars = set(chr(c) for c in range(0x20, 0x7F))           # ASCII
chars |= set("\u3000\u2014\u2015\u2026\u00b7\u30fb\u2018\u2019\u201c\u201d\u2e3a\u2e3b\uff5e\u2022\u00a0")
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars |= set(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(f"{len(chars)} characters", file=sys.stderr)
PY

# Face 2 of Debian's NotoSerifCJK-*.ttc is "Noto Serif CJK SC" (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
for style in Regular Bold; do
    src="$noto/NotoSerifCJK-$style.ttc"
    out="$here/NotoSerifCJKscGB2312-$style.otf"
    "$py" -m fontTools.subset "$src" --font-number=2 \
        --text-file="$work/chars.txt" \
        --layout-features=ccmp,liga,calt,kern,mark,mkmk,palt,halt \
        --name-IDs=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14 --name-languages='*' \
        --output-file="$work/sub.otf"
    # Rename the family so that it never passes for the full font (and shows as such in diagnostics).
    "$py" - "$work/sub.otf" "$out" "$style" <<'PY'
import sys
from fontTools.ttLib import TTFont
src, out, style = sys.argv[1:4]
family = "Noto Serif CJK SC GB2312"
ps = f"NotoSerifCJKscGB2312-{style}"
full = family if style == "Regular" else f"{family} {style}"
f = TTFont(src)
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
print(f"{out}: {len(f.getGlyphOrder())} glyphs", file=sys.stderr)
PY
done
ls -l "$here"/*.otf
