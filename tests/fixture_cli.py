"""`kpro-econ` with the fixture stand-ins, for tests that must start it as a process of its own.

`python tests/fixture_cli.py NOTEBOOKS ARGS…` runs `kpro_econ.cli.main(ARGS)` on the notebooks in
NOTEBOOKS, with the stand-in inputs and tables of conftest (`use_fixture_stand_ins`): the runner's
own machinery, as the command line drives it, in a process a test can kill.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    # Imported here, not above: the run's worker processes import this file again (as `__mp_main__`)
    # and need none of it.
    import pytest
    from conftest import use_fixture_stand_ins

    from kpro_econ import cli

    notebooks, *args = argv
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_fixture_stand_ins(monkeypatch, Path(notebooks))
        return cli.main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
