"""The store of slow products: made once, kept, and told apart by run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from uuid import uuid4

from tests.support.buildcache import RUN_STARTED, STORE, Product


def test_a_product_is_made_once_and_said_to_be_of_this_run() -> None:
    kind = f"test-{uuid4().hex[:8]}"
    made: list[Path] = []

    def make(folder: Path) -> dict[str, int]:
        made.append(folder)
        return {"answer": 42}

    product = Product(kind, lambda: "key", make)
    try:
        assert not product.made_in_this_run()
        assert product.get()[0] == {"answer": 42}
        assert product.get()[0] == {"answer": 42}
        assert len(made) == 1
        # Made by another worker of this run, or by this one: of this run.
        assert product.made_in_this_run()
        # Kept from a run that began before this one: stored.
        answer = product.folder() / "answer.json"
        os.utime(answer, (RUN_STARTED - 60, RUN_STARTED - 60))
        assert not product.made_in_this_run()
    finally:
        for folder in STORE.glob(f"{kind}-*"):
            shutil.rmtree(folder)
        (STORE / f"{kind}.lock").unlink(missing_ok=True)
