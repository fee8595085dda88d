"""ctest entry point: run pytest with this interpreter; "no tests collected" (exit 5) is a failure here, and a
missing pytest is reported as such."""
import sys

try:
    import pytest
except ImportError:
    print("python_scenarios: pytest is not installed for " + sys.executable +
          " (apt-get install python3-pytest; scripts/setup.sh does it)", file=sys.stderr)
    sys.exit(1)

rc = pytest.main(sys.argv[1:])
if rc == 5:
    print("python_scenarios: pytest collected no tests (exit 5): python/tests is empty or every file failed to import",
          file=sys.stderr)
    sys.exit(1)
sys.exit(int(rc))
