"""Prints what the fuzzing hooks counted (tests/fuzz/hooks.py) and fails when too few
cases got past authentication: the point is to reach the handlers, not only the auth
refusals. Usage: tally.py TALLY_JSON."""

import json
import sys

# At least this share of each API surface's responses must not be an auth refusal.
MIN_AUTHENTICATED_SHARE = 0.5
SURFACES = ("dingtalk", "openapi", "dingtalk-v1", "control")


def main(path):
    with open(path, encoding="utf-8") as tally_file:
        tally = json.load(tally_file)
    ok = True
    for surface in SURFACES:
        counts = tally.get(surface)
        if not counts or counts["responses"] == 0:
            print(f"  {surface}: no responses", file=sys.stderr)
            ok = False
            continue
        responses, refused = counts["responses"], counts["auth_refused"]
        share = 1 - refused / responses
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(counts["status"].items()))
        print(f"  {surface}: {responses} responses, {refused} auth refusals "
              f"({share:.0%} authenticated); statuses {statuses}")
        if share < MIN_AUTHENTICATED_SHARE:
            print(f"  {surface}: under {MIN_AUTHENTICATED_SHARE:.0%} authenticated", file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
