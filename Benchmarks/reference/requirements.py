"""Imports for the reference scripts: a missing package is pip-installed into this Python first,
so a fresh machine runs the benchmarks; if pip cannot, the error names the exact command."""
import importlib
import importlib.util
import shlex
import subprocess
import sys


def require(*packages):
    """Makes each (module, pip requirement) importable, installing the missing ones with pip
    (its output goes to stderr: stdout is the scripts' reply channel). Raises ImportError with
    the pip command when the install fails."""
    missing = [requirement for module, requirement in packages if importlib.util.find_spec(module) is None]
    if not missing:
        return
    command = [sys.executable, "-m", "pip", "install", *missing]
    print(f"installing {' '.join(missing)}: {shlex.join(command)}", file=sys.stderr, flush=True)
    if subprocess.run(command, stdout=sys.stderr, stderr=sys.stderr).returncode != 0:
        raise ImportError(f"missing {', '.join(missing)}; install with: {shlex.join(command)}")
    importlib.invalidate_caches()
