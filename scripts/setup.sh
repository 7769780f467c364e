#!/usr/bin/env bash
# Set jixiao up on a fresh Debian/Ubuntu machine, then run the demo on the bundled example.
# Installs the Debian packages the tests and PDF output need (when run as root or with sudo),
# creates .venv, installs jixiao with its test extras, and runs `jixiao demo` into out/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libreoffice-calc-nogui fonts-wqy-microhei poppler-utils)
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

python3 -m venv .venv
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
