#!/usr/bin/env bash
# Set jixiao up on a fresh Debian/Ubuntu machine, then run the demo on the bundled example.
# Installs the Debian packages the tests, PDF output and scripts/render.sh need (when run as root or with sudo),
# creates .venv, installs jixiao with its test extras, and runs `jixiao demo` into out/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libreoffice-calc-nogui libreoffice-writer-nogui fonts-wqy-microhei poppler-utils python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "请先安装这些软件包（需要管理员权限）：${missing[*]}" >&2
  else
    echo "正在安装：${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# The interpreter: the distribution's own Python 3 when it is 3.11 or newer (Debian builds it with
# profile-guided and link-time optimisation; a check runs 10-15% faster on it than on a plain
# source build such as pyenv's), else python3 on PATH; JIXIAO_PYTHON names another.
python="${JIXIAO_PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=/usr/bin/python3
  fi
fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "找不到 Python 解释器：$python（JIXIAO_PYTHON 应指向 Python 3.11 或更新版本）" >&2
  exit 1
fi
# A .venv made from another interpreter is made anew (its packages are reinstalled below anyway).
base() { "$1" -c 'import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))'; }
if [ -x .venv/bin/python ] && [ "$(base .venv/bin/python)" != "$(base "$python")" ]; then
  "$python" -m venv --clear .venv
else
  "$python" -m venv .venv
fi
install() {
  if ! .venv/bin/python -m pip install -q "$@" > .venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "安装失败：pip install $*" >&2
    exit 1
  fi
}
install --upgrade pip
install -e '.[test]'
.venv/bin/jixiao --version
.venv/bin/jixiao demo --out out
