# Sourced by scripts/run and scripts/test: create or refresh .venv from pyproject.toml.
# A stamp holds the hash of pyproject.toml, so a change of dependencies reinstalls.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON_BIN=${PYTHON_BIN:-python3}
VENV="$ROOT/.venv"
stamp="$VENV/.fangxian-stamp"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> preparing the Python environment in .venv (first run takes a few minutes)"
  "$PYTHON_BIN" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"
