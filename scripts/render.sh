#!/usr/bin/env bash
# Render what a person would see: a workbook (.xlsx/.xlsm), a Word report (.docx), a PDF, or a
# sign-off package folder (every file in it) to PNG pages, one file per page, for looking at.
#
#   scripts/render.sh BOOK_OR_FOLDER OUTDIR [DPI]
#
# LibreOffice (soffice) makes the PDF, poppler's pdftoppm the pages; pdfinfo prints each PDF's
# page count. Needs Debian packages libreoffice-calc-nogui (and libreoffice-writer-nogui for
# .docx), poppler-utils and fonts-wqy-microhei (the Chinese glyphs).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "用法：scripts/render.sh 工作簿/报告/PDF/签批包文件夹 输出文件夹 [DPI]" >&2
    exit 2
fi
source=$1
outdir=$2
dpi=${3:-80}
for tool in soffice pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null || { echo "缺少 $tool：请安装 libreoffice-calc-nogui 和 poppler-utils" >&2; exit 2; }
done
[[ -e $source ]] || { echo "找不到 $source" >&2; exit 2; }
mkdir -p "$outdir"
# LibreOffice's own profile for this run: a desktop session's open LibreOffice is left alone
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

render_one() {
    local file=$1 stem pdf
    stem=$(basename "${file%.*}")
    case ${file,,} in
        *.pdf) pdf=$file ;;
        *.xlsx|*.xlsm|*.xls|*.docx|*.doc|*.odt|*.ods)
            soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$profile/pdf" \
                "$file" >/dev/null 2>&1 || { echo "  LibreOffice 无法转换 $file" >&2; return 0; }
            pdf=$profile/pdf/$stem.pdf ;;
        *) return 0 ;;
    esac
    [[ -f $pdf ]] || { echo "  未生成 PDF：$file" >&2; return 0; }
    local pages
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    # the page files are named after the whole file name: a package's .xlsx and .pdf share a stem
    local prefix
    prefix=$outdir/$(basename "$file")
    pdftoppm -r "$dpi" -png "$pdf" "$prefix"
    echo "$file: ${pages:-?} 页 → $prefix-*.png"
}

if [[ -d $source ]]; then
    shopt -s nullglob
    for file in "$source"/*; do
        [[ -f $file ]] && render_one "$file"
    done
else
    render_one "$source"
fi
