"""The review page in a real browser: headless Chromium renders it, Persian right to left.

The page has no script; the test injects one into a copy that writes computed styles into the DOM,
which ``--dump-dom`` then returns.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from fa2en.quality import Flag
from fa2en.quality.review import SegmentRecord, write_review

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (CI installs Debian's chromium in .ci/run)"
)

#: computed direction of each Persian cell, and which rows are marked, written into the DOM
PROBE = """<script>
const cells = [...document.querySelectorAll('td[lang="fa"]')].map(
  td => getComputedStyle(td).direction);
const rows = [...document.querySelectorAll('tbody tr')].map(tr => ({
  flagged: tr.classList.contains('flagged'),
  background: getComputedStyle(tr).backgroundColor}));
const out = document.createElement('pre');
out.id = 'probe';
out.textContent = JSON.stringify({cells, rows});
document.body.appendChild(out);
</script>"""


def _chromium(profile: Path, *args: str) -> str:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_review_page_renders_persian_rtl_and_marks_flagged_rows(tmp_path: Path) -> None:
    records = [
        SegmentRecord.build(
            "news.txt",
            1,
            1,
            "دولت روز دوشنبه اعلام کرد.",
            "The government announced on Monday.",
            -0.3,
            [],
        ),
        SegmentRecord.build(
            "news.txt",
            1,
            2,
            "متاسفم",
            "I'm sorry, I'm sorry, I'm sorry",
            -2.1,
            [Flag("repetition", "loop")],
        ),
        SegmentRecord.build(
            "other.txt", 1, 1, "۵ نفر آمدند.", "People came.", None, [Flag("numbers", "5 missing")]
        ),
    ]
    write_review(tmp_path / "out", records)
    page = tmp_path / "out" / ".fa2en-review" / "index.html"

    shot = tmp_path / "review.png"
    _chromium(
        tmp_path / "profile1", f"--screenshot={shot}", "--window-size=1200,800", page.as_uri()
    )
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1200, 800)

    probed = tmp_path / "probed.html"
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    dom = _chromium(tmp_path / "profile2", "--dump-dom", probed.as_uri())
    found = json.loads(
        re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"')
    )
    assert found["cells"] == ["rtl", "rtl", "rtl"]
    # other.txt (1 of 1 flagged) comes first, then news.txt's two rows
    assert [r["flagged"] for r in found["rows"]] == [True, False, True]
    flagged_bg = {r["background"] for r in found["rows"] if r["flagged"]}
    plain_bg = {r["background"] for r in found["rows"] if not r["flagged"]}
    assert len(flagged_bg) == 1 and flagged_bg.isdisjoint(plain_bg)
