"""Cell styles of the forms: 宋体 labels, 仿宋 entries, thin borders, number formats by kind.

Input cells are unlocked; derived cells are locked and lightly shaded so staff see at a glance
what the workbook computes. Formats are created once per workbook and reused.
"""

from __future__ import annotations

LABEL_FONT = "宋体"
ENTRY_FONT = "仿宋"
BODY_SIZE = 10.5
TITLE_SIZE = 16
DERIVED_FILL = "#F2F2F2"

# Number format by field kind.
NUMBER_FORMATS = {
    "amount": "0.00",
    "area": "0.00",
    "rate": "0.00%",
    "score": "0.00",
    "count": "General",
    "text": "@",
    "date": "@",  # 填报日期: text as typed ("2025年3月"), not a date format
}


class Styles:
    """Lazily created XlsxWriter formats, keyed by what the cell is."""

    def __init__(self, workbook):
        self._wb = workbook
        self._cache: dict[tuple, object] = {}

    def _make(self, key: tuple, props: dict):
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt

    def title(self):
        return self._make(("title",), {"font_name": LABEL_FONT, "font_size": TITLE_SIZE, "bold": True,
                                       "align": "center", "valign": "vcenter"})

    def plain(self, bold: bool = False, size: float = BODY_SIZE, color: str | None = None):
        props = {"font_name": LABEL_FONT, "font_size": size, "bold": bold, "valign": "vcenter", "text_wrap": True}
        if color:
            props["font_color"] = color
        return self._make(("plain", bold, size, color), props)

    def label(self, align: str = "center", indent: int = 0, bold: bool = False, vertical: bool = False):
        props = {"font_name": LABEL_FONT, "font_size": BODY_SIZE, "border": 1, "align": align,
                 "valign": "vcenter", "text_wrap": True, "bold": bold, "locked": True}
        if indent:
            props["indent"] = indent
        if vertical:
            props["rotation"] = 270  # stacked characters, as the paper forms print 绩效指标
        return self._make(("label", align, indent, bold, vertical), props)

    def entry(self, kind: str, align: str | None = None):
        """An input cell: unlocked, 仿宋, formatted for its kind."""
        align = align or ("left" if kind == "text" else "center")
        props = {"font_name": ENTRY_FONT, "font_size": BODY_SIZE, "border": 1, "align": align,
                 "valign": "vcenter", "text_wrap": True, "locked": False,
                 "num_format": NUMBER_FORMATS[kind]}
        return self._make(("entry", kind, align), props)

    def derived(self, kind: str):
        """A formula cell: locked and shaded."""
        props = {"font_name": ENTRY_FONT, "font_size": BODY_SIZE, "border": 1, "align": "center",
                 "valign": "vcenter", "text_wrap": True, "locked": True, "bg_color": DERIVED_FILL,
                 "num_format": NUMBER_FORMATS[kind]}
        return self._make(("derived", kind), props)

    def highlight(self, color: str):
        """Conditional-format fill (yellow: adjusted; red: adjusted a lot, unexplained)."""
        return self._make(("cf", color), {"bg_color": color})
