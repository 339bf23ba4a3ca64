"""Build data/fonts/FangxianReportSans.otf, the font the daily briefing embeds in its PDFs: Noto Sans
CJK SC Regular (SIL Open Font License 1.1, data/fonts/OFL.txt) cut down to the GB 2312 characters, ASCII,
CJK and full-width punctuation and every character of the message catalogue (core/i18n), so that a
district's clone prints Chinese without any font installed (3.5 MB instead of 16 MB).

Run once by a developer, with a Noto Sans CJK collection on the machine (Debian: fonts-noto-cjk):
``python scripts/make_report_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "data" / "fonts" / "FangxianReportSans.otf"


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
    chars |= set("·—–−…‘’“”•℃×÷±≤≥→←↑↓％‰№")
    for path in (ROOT / "core" / "i18n").glob("*.py"):
        chars |= set(path.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c.isprintable() or c == "\u3000"))


def main(source: Path) -> None:
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    with tempfile.TemporaryDirectory() as tmp:
        single = Path(tmp) / "sc.otf"
        font.save(str(single))
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        cut = subset.load_font(str(single), opts)
        sub = subset.Subsetter(opts)
        sub.populate(text=characters())
        sub.subset(cut)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subset.save_font(cut, str(OUT), opts)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
