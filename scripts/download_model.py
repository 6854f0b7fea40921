#!/usr/bin/env python
"""Download a model preset (or any hub id) into models/<name>/: the same as ``fa2en download``.

python scripts/download_model.py nllb-200-distilled-600M
"""

import sys

from fa2en.cli import main

if __name__ == "__main__":
    sys.exit(main(["download", *sys.argv[1:]]))
