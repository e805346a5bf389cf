#!/bin/sh
# Print the path of a Python >= 3.12: on PATH first, then pyenv's installs. Exit 1 with what
# to install when there is none.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for name in python3.14 python3.13 python3.12 python3 python; do
    path=$(command -v "$name" 2>/dev/null) || continue
    if ok "$path"; then echo "$path"; exit 0; fi
done
root=${PYENV_ROOT:-$HOME/.pyenv}
if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root); fi
for path in $(ls -d "$root"/versions/3.*/bin/python3 2>/dev/null | sort -t/ -k1 -V -r); do
    if ok "$path"; then echo "$path"; exit 0; fi
done
cat >&2 <<'MSG'
graphcrm needs Python 3.12 or newer, and none was found on PATH or under pyenv.
Install one, then run make again:
  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv   (or a newer python3)
  macOS:          brew install python@3.12
  pyenv:          pyenv install 3.12
MSG
exit 1
