# docs/assets/run/runner.py is installed in the page's Python as the module
# page_runner (docs/assets/run/run-core.mjs, MODULES), which is the name
# listings.py imports it by; mypy knows the file as runner.
from runner import *  # noqa: F403 (the whole module, under its other name)
