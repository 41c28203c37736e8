"""An executable model of how async Rust works: futures, ``poll`` and wakers.

Each module models one piece of the machinery that rustc and an async runtime
provide, under the Rust names a reader already knows. The package uses only the
standard library, so every example in the chapter runs with a plain Python.
"""

__all__: list[str] = []
