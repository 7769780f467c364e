"""The 2024 example with its errors corrected, as a department would before sign-off."""

from __future__ import annotations

import copy
from decimal import Decimal as D

from jixiao.model.derive import derive_project
from jixiao.model.document import SpecialFund


def corrected(doc):
    doc = copy.deepcopy(doc)
    # F02: the execution 得分 was typed as "100%"; 10 × 100% = 10.
    doc.overall.execution.score = D(10)
    # M07: the 2023 column of 市级专项资金 (1048.26) has no 专项 row behind it: add the row the
    # form asks for (one row per 专项), carrying last year's amount.
    doc.basic_data.project_spending.special_funds.append(
        SpecialFund(name="2023年市级专项资金（上年决算合计）", prior=D("1048.26")))
    # B02: every adjustment of 10% or more gets its explanation.
    doc.overall.adjustment_note = "年中追加中央无线电管理等专项资金，部分专项按实际需要调减。"
    for p in doc.projects:
        total = derive_project(p)
        initial, full = total.shown("funds.total.initial"), total.shown("funds.total.full_year")
        if initial and abs(full - initial) / initial >= D("0.1"):
            p.adjustment_note = "根据项目实际进度调减预算，结余资金按规定收回。"
    return doc
