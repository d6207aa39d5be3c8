"""Browser tests of the web console (docs/control-plane.md#console), in headless
Chromium through WebDriver.

Each test starts the real binary on a fresh SQLite file, drives the console at
/_emulator/ui/ and talks to the APIs over HTTP as a client would, finding every element
by role and accessible name (harness.py). Chromium resolves no host but 127.0.0.1, so a
page that fetched anything from elsewhere would fail, and every test ends by checking
that the browser console logged no error. The Connect snippets are run with sh and
curl, this Python (its venv has requests) and node.

Run by .ci/run:  python tests/browser/console.py target/debug/crm-emulator
With --screenshot FILE, the journal test also saves the console's journal view there
(docs/console.png).
"""

import argparse
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import SETTINGS  # noqa: E402

MODULES = ["views", "acts", "insight"]

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--screenshot")
    args, rest = parser.parse_known_args()
    SETTINGS["binary"] = os.path.abspath(args.binary)
    SETTINGS["screenshot"] = args.screenshot and os.path.abspath(args.screenshot)
    if rest:
        suite = unittest.defaultTestLoader.loadTestsFromNames(rest)
    else:
        suite = unittest.defaultTestLoader.loadTestsFromNames(MODULES)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
