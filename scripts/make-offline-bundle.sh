#!/usr/bin/env bash
# Build a folder that installs jixiao on a PC with no route to a package index (a government
# intranet): the jixiao wheel, every dependency's wheel for the chosen platform and Pythons, an
# install script and 安装说明.txt. Uses pip alone.
#
#   bash scripts/make-offline-bundle.sh                     # Windows x64, Python 3.11–3.13 → dist/jixiao-offline
#   bash scripts/make-offline-bundle.sh --this-platform     # this machine's platform and Python only
#   bash scripts/make-offline-bundle.sh -o DIR [--python 3.12 ...]
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist/jixiao-offline
pythons=()
this_platform=0
while (($#)); do
  case "$1" in
    -o|--output) out="$2"; shift 2 ;;
    --python) pythons+=("$2"); shift 2 ;;
    --this-platform) this_platform=1; shift ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "不认识的参数：$1" >&2; exit 2 ;;
  esac
done
((${#pythons[@]})) || pythons=(3.11 3.12 3.13)

python="${JIXIAO_PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/wheels"

run() {
  if ! "$python" -m pip "$@" > "$tmp/pip.log" 2>&1; then
    cat "$tmp/pip.log" >&2
    echo "失败：pip $*" >&2
    exit 1
  fi
}

run wheel --no-deps -q -w "$tmp/wheels" .
wheel=$(ls "$tmp"/wheels/jixiao-*.whl)
if ((this_platform)); then
  run download -q --only-binary=:all: -d "$tmp/wheels" "$wheel"
else
  for v in "${pythons[@]}"; do
    windows=(--only-binary=:all: --platform win_amd64 --implementation cp --python-version "$v")
    run download -q "${windows[@]}" -d "$tmp/wheels" "$wheel"
    # pip judges markers by this machine: add what holds on Windows only (pywin32, colorama, …)
    for _ in 1 2 3 4 5; do
      mapfile -t extra < <("$python" scripts/platform_requirements.py "$tmp/wheels" "$v")
      ((${#extra[@]})) || break
      run download -q "${windows[@]}" -d "$tmp/wheels" "${extra[@]}"
    done
  done
fi
rm -f "$tmp/pip.log"
version=$(basename "$wheel" | cut -d- -f2)

cat > "$tmp/安装.bat" <<'BAT'
@echo off
rem 离线安装 jixiao：在本文件夹中双击运行。不需要联网。
chcp 65001 >nul
setlocal
set "HERE=%~dp0"
set "TARGET=%LOCALAPPDATA%\jixiao\venv"
where py >nul 2>nul
if errorlevel 1 (
  echo 找不到 Python。请先安装 Python 3.11、3.12 或 3.13（安装时勾选 "Add python.exe to PATH"）。
  pause
  exit /b 1
)
py -3 -m venv "%TARGET%" || goto failed
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" jixiao || goto failed
"%TARGET%\Scripts\jixiao.exe" --version || goto failed
echo.
echo 安装完成。命令行程序：%TARGET%\Scripts\jixiao.exe
echo 接着在同一台电脑上运行一次：
echo     "%TARGET%\Scripts\jixiao.exe" addin-config 工作簿.xlsm
echo 让工作簿里的按钮找到这个 Python。
pause
exit /b 0
:failed
echo 安装没有完成，请把上面的提示截图发给信息科。
pause
exit /b 1
BAT

cat > "$tmp/install.sh" <<'SH'
#!/usr/bin/env bash
# Offline install for this bundle's platform: bash install.sh [TARGET_VENV]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-$HOME/.local/share/jixiao/venv}"
"${PYTHON:-python3}" -m venv "$target"
"$target/bin/python" -m pip install -q --no-index --find-links "$here/wheels" jixiao
"$target/bin/jixiao" --version
SH

cat > "$tmp/安装说明.txt" <<TXT
jixiao ${version} 离线安装包
==============================

本文件夹里有 jixiao 和它用到的全部程序包（wheels 文件夹），安装时不需要联网。

安装步骤（Windows）：
1. 先安装 Python（3.11、3.12 或 3.13 均可，64 位）。安装时勾选 "Add python.exe to PATH"。
   单位内网没有 Python 安装程序的，请向信息科索取。
2. 双击本文件夹里的“安装.bat”。看到“安装完成”即可。
   jixiao 装在 %LOCALAPPDATA%\\jixiao\\venv 里，不影响电脑上的其他程序。
3. 要用工作簿里的按钮（校验、重算等），在命令提示符里对工作簿运行一次：
       "%LOCALAPPDATA%\\jixiao\\venv\\Scripts\\jixiao.exe" addin-config 工作簿.xlsm
   并在 Excel 的“信任中心”里启用宏。WPS 表格不支持这些按钮，请用命令行 jixiao check。

检查是否装好：在命令提示符里运行
    "%LOCALAPPDATA%\\jixiao\\venv\\Scripts\\jixiao.exe" demo
会在当前文件夹生成 out\\ 示例输出。

升级：拿到新版离线安装包后，再双击一次“安装.bat”。
卸载：删除 %LOCALAPPDATA%\\jixiao 文件夹。
TXT
# 安装说明 is read in Notepad on Windows: CRLF line ends.
sed -i 's/$/\r/' "$tmp/安装说明.txt" "$tmp/安装.bat"

rm -rf "$out"
mv "$tmp" "$out"
echo "离线安装包：$out（$(ls "$out/wheels" | wc -l) 个程序包，$(du -sh "$out" | cut -f1)）"
