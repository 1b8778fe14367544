#!/usr/bin/env bash
# Run pytest; exit code 5 ("no tests collected") is not a failure for a selection that may be empty.
"$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest: no tests collected for this selection"
  exit 0
fi
exit "$rc"
