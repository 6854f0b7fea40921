#!/usr/bin/env python
"""Score and compare Persian-English MT systems: BLEU, chrF, chrF++, TER (sacrebleu), CIs,
paired significance, speed and memory. A thin layer over fa2en.evaluate; see --help.

    python scripts/eval.py --ref ../shared/data/flores200/devtest.en \
        --hyp nllb600m=../shared/data/leaderboard/flores200-devtest.nllb-200-distilled-600M.en --json r.json
"""

import sys

from fa2en.evaluate.cli import main

if __name__ == "__main__":
    sys.exit(main())
