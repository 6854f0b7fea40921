#!/usr/bin/env python
"""Download a model preset (or any hub id) from the Hugging Face hub into models/<name>/.

    python scripts/download_model.py nllb-200-distilled-600M
    python scripts/download_model.py facebook/m2m100_418M --name m2m100_418M

Run it once on a machine with internet; fa2en then finds the model offline by its name.
Only the files a translation needs are fetched (safetensors weights where the repo has them).
"""

from __future__ import annotations

import argparse
import sys

from fa2en.presets import get_preset, load_presets, models_dir


def main(argv: list[str] | None = None) -> int:
    """Fetch the model and print where it was saved."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("model", help="a preset name (see 'fa2en models') or a hub id such as org/name")
    ap.add_argument(
        "--name", help="folder name under models/ (default: the preset name or the id's last part)"
    )
    args = ap.parse_args(argv)
    preset = get_preset(args.model)
    if preset is None and "/" not in args.model:
        print(
            f"error: {args.model!r} is not a preset ({', '.join(load_presets())}) nor a hub id",
            file=sys.stderr,
        )
        return 2
    repo = preset.hub_id if preset else args.model
    target = models_dir() / (args.name or (preset.name if preset else repo.split("/")[-1]))
    from huggingface_hub import list_repo_files, snapshot_download

    from fa2en.loading import checkpoint_patterns

    try:
        patterns = checkpoint_patterns(
            list_repo_files(repo), bool(preset and preset.trust_remote_code)
        )
        snapshot_download(repo, local_dir=target, allow_patterns=patterns)
    except Exception as exc:  # noqa: BLE001 - network and hub errors alike
        print(f"error: could not download {repo}: {exc}", file=sys.stderr)
        return 1
    print(f"saved {repo} to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
