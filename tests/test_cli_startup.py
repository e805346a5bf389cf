"""`graphcrm --help` starts fast (issue 17: < 0.3 s): the command line imports the library's
heavy modules only in the commands that use them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "openpyxl", "networkx", "igraph", "numpy", "flask", "graphcrm.ingest", "graphcrm.store")


def _loaded_by(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_command_line_loads_no_heavy_module_until_a_command_runs() -> None:
    assert _loaded_by("import graphcrm.cli") == []
    assert (
        _loaded_by(
            "from click.testing import CliRunner\nfrom graphcrm.cli import main\n"
            "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
            "assert CliRunner().invoke(main, ['path', '--help']).exit_code == 0"
        )
        == []
    )
