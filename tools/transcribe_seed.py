"""Transcribe the filed 2024 forms (shared/seeds/004_*.txt, extracted from Word) into jixiao/1.

This is how ``examples/zhuzhou-gxj-2024.yaml`` was made; it is kept so the example's provenance
can be checked, and it is not part of the package. The seed is one line per table cell, each
starting with a tab; a cell's text may continue on following lines.

Transcription rules (stated in the example's header too):
- values are kept as written, errors included ("100%" as a 得分 stays text);
- Word layout is not content: line breaks inside a cell and padding spaces (U+3000) are removed,
  as is the "[bookmark: _GoBack]" marker Word leaves in one paragraph;
- a row of "/" (or "\\") marks in the indicator table is a category with no indicator: left out,
  the forms render it again;
- the footer's 填报日期 2025.5.16 is written as the date 2025-05-16;
- the project ids and the links from 附件1's 专项 rows to projects are ours (the forms have none):
  each 专项 row is linked to the project its amounts belong to.

Usage: python tools/transcribe_seed.py SEED.txt OUT.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from jixiao.model.dataformat import dumps  # noqa: E402
from jixiao.model.document import (  # noqa: E402
    AmountRow, BasicData, Building, Department, Document, Execution, FundRow, Goals, Indicator, Overall, Project,
    ProjectFunds, Report, SpecialFund,
)
from jixiao.model.numbers import parse_plain  # noqa: E402

PROJECT_IDS = ["xzyx", "xxhgz", "yqdj", "cyl", "gfhf", "bqr2023", "rcpx", "bqr2024", "zxqy", "gxdj", "zfwq",
               "zdxm", "zjhc", "wxd", "yxjc", "aqsc", "jjpc", "lhqy", "zzmc"]
# 附件1 专项 row → project id (by the amounts: 行政运行 is 402.56 + 8.97 + 7.32 = 418.85).
SPECIAL_LINKS = {
    "工业和信息化工作经费": "xzyx",
    "市工信局2023年信息化改造项目结转资金": "xxhgz",
    "2024年重点项目前期经费经建科划转15万": "xzyx",
    "2023年度财源建设先进单位（工信局10万元）": "xzyx",
    "央企对接现场会相关经费": "yqdj",
    "产业链发展专项资金": "cyl",
    "大唐华银株洲两家电厂固体废物综合利用复核经费": "gfhf",
    "市工信局2023年度企业办事不求人等工作部分结余指标": "bqr2023",
    "人才示范培训班工作经费20万": "rcpx",
    "2024年度企业办事不求人工作经费": "bqr2024",
    "拨付2024年中小企业服务体系项目补助资金": "zxqy",
    "2024年度开展供需对接活动经费10万元": "gxdj",
    "全省“智赋万企”推进会资金": "zfwq",
    "2024年重点项目经费经建科划转3.32万": "zdxm",
    "工信系统相关专家核查经费": "zjhc",
    "中央无线电管理经费": "wxd",
    "2024年度制造名城工业企业运行监测和服务平台工作经费": "yxjc",
    "安全生产委托技术服务经费": "aqsc",
    "第五次经济普查工业企业生产经营状况调查服务经费": "jjpc",
    "2023度产业链领航企业开展培育调研费354000元等部分结余指标": "lhqy",
    "拨付株洲市园区高质量发展专题培训班外出培训费": "zzmc",
}
PLACEHOLDERS = {"/", "\\", ""}


def clean(cell: str) -> str:
    """A cell's text without Word's line breaks and padding."""
    return "".join(part.strip(" \u3000\t") for part in cell.split("\n")).strip(" \u3000")


def tokens(text: str) -> list[tuple[str, object]]:
    """("row", [cells]) for table rows and ("text", line) for everything else."""
    lines = text.split("\n")
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("\t"):
            out.append(("text", lines[i]))
            i += 1
            continue
        row: list[str] = []
        while i < len(lines):
            line = lines[i]
            if line.startswith("\t"):
                row.append(line[1:])
                i += 1
            elif line == "":  # truly empty: a line of U+3000 padding is still cell text
                j = i
                while j < len(lines) and lines[j] == "":
                    j += 1
                # One blank line inside a cell ("产出指标\n\n（40分）") continues it; a tab line
                # starts the next row; two or more blank lines end the table.
                if j < len(lines) and not lines[j].startswith("\t") and j - i == 1:
                    row[-1] += "\n" + lines[j]
                    i = j + 1
                else:
                    break
            else:
                row[-1] += "\n" + line
                i += 1
        out.append(("row", row))
    return out


def num(cell: str):
    """A numeric cell as written: a Decimal when it is a plain number, else its text (or None)."""
    text = clean(cell)
    if text in ("", "——"):
        return None
    value = parse_plain(text)
    return value if value is not None else text


def txt(cell: str):
    return clean(cell) or None


def amount_row(cells: list[str]) -> AmountRow:
    return AmountRow(num(cells[1]), num(cells[2]), num(cells[3]))


def indicators(rows: list[list[str]]) -> tuple[list[Indicator], list[str]]:
    """Indicator rows up to the 总分 row; returns them and the 总分 row."""
    out: list[Indicator] = []
    level1 = level2 = None
    for cells in rows:
        if clean(cells[0]) == "总分":
            return out, cells
        if len(cells) < 9 or clean(cells[1]) == "一级指标":
            continue
        if clean(cells[1]):
            level1 = re.sub(r"（\d+分）$", "", clean(cells[1]))
        if clean(cells[2]):
            level2 = clean(cells[2])
        name, target, actual, weight, score, deviation = cells[3:9]
        if all(clean(c) in PLACEHOLDERS for c in (name, target, actual, weight, score, deviation)):
            continue  # a category with no indicator
        out.append(Indicator(level1, level2, txt(name), txt(target), txt(actual), num(weight), num(score), txt(deviation)))
    raise ValueError("no 总分 row")


def parse_a1(rows: list[list[str]]) -> BasicData:
    b = BasicData()
    by_label = {}
    specials: list[SpecialFund] = []
    in_specials = False
    for cells in rows:
        label = clean(cells[0])
        if in_specials and label != "公用经费":
            specials.append(SpecialFund(name=label, prior=num(cells[1]), budget=num(cells[2]), final=num(cells[3]),
                                        project=SPECIAL_LINKS[label]))
            continue
        in_specials = label.startswith("3、市级专项资金")
        by_label[label] = cells
    staff = rows[1]
    b.staff.authorized, b.staff.actual, b.staff.rate = num(staff[1]), num(staff[2]), num(staff[3])
    tp = b.three_public
    tp.total = amount_row(by_label["三公经费"])
    tp.car = amount_row(by_label["1、公务用车购置和维护经费"])
    tp.car_purchase = amount_row(by_label["其中：公车购置"])
    tp.car_operation = amount_row(by_label["公车运行维护"])
    tp.abroad = amount_row(by_label["2、出国经费"])
    tp.reception = amount_row(by_label["3、公务接待"])
    ps = b.project_spending
    ps.total = amount_row(by_label["项目支出："])
    ps.business = amount_row(by_label["1、业务工作经费"])
    ps.maintenance = amount_row(by_label["2、运行维护经费"])
    ps.special_total = amount_row(by_label["3、市级专项资金（一个专项一行）"])
    ps.special_funds = specials
    pf = b.public_funds
    pf.total = amount_row(by_label["公用经费"])
    pf.office = amount_row(by_label["其中：办公经费"])
    pf.utilities_travel = amount_row(by_label["水费、电费、差旅费"])
    pf.meetings_training = amount_row(by_label["会议费、培训费"])
    b.procurement = amount_row(by_label["政府采购金额"])
    b.basic_budget_adjustment = amount_row(by_label["部门基本支出预算调整"])
    building = next(r for r in rows if clean(r[0]) == "" and len(r) == 7)
    b.buildings = [Building(txt(building[0]), num(building[1]), num(building[2]), num(building[3]),
                            num(building[4]), num(building[5]), num(building[6]))]
    b.austerity = txt(by_label["厉行节约保障措施"][1])
    return b


def labelled_amount(cell: str):
    """ "其中：  一般公共预算：2917.75" → Decimal("2917.75"); "政府性基金拨款：" → None."""
    value = clean(cell).split("：")[-1]
    return num(value) if value else None


def parse_a2(rows: list[list[str]]) -> tuple[Overall, str]:
    o = Overall()
    name = txt(rows[0][1])
    total = next(r for r in rows if clean(r[1]) == "年度资金总额")
    o.funds = FundRow(num(total[2]), num(total[3]), num(total[4]))
    o.execution = Execution(num(total[5]), num(total[6]), num(total[7]))
    i = next(k for k, r in enumerate(rows) if clean(r[1]) == "按收入性质分：")
    o.by_source.general_budget = labelled_amount(rows[i + 1][1])
    o.by_nature.basic = labelled_amount(rows[i + 1][2])
    o.by_source.government_fund = labelled_amount(rows[i + 2][1])
    o.by_nature.project = labelled_amount(rows[i + 2][2])
    o.by_source.special_account = labelled_amount(rows[i + 3][1])
    o.by_source.other = labelled_amount(rows[i + 4][1])
    g = next(k for k, r in enumerate(rows) if clean(r[0]) == "年度总体目标")
    o.goals = Goals(txt(rows[g + 1][1]), txt(rows[g + 1][2]))
    o.indicators, total_row = indicators(rows[g + 2 :])
    o.total_score = num(total_row[2])
    return o, name


def parse_project(rows: list[list[str]], narrative: list[str], pid: str) -> Project:
    p = Project(id=pid, name=txt(rows[0][1]), authority=txt(rows[1][1]), implementer=txt(rows[1][3]))
    funds = {}
    for cells in rows[3:7]:
        key = {"其中：当年财政拨款": "current", "上年结转资金": "carryover", "其他资金": "other",
               "年度资金总额": "total"}[clean(cells[1])]
        funds[key] = FundRow(num(cells[2]), num(cells[3]), num(cells[4]))
        if key == "total":
            p.execution = Execution(num(cells[5]), num(cells[6]), num(cells[7]))
    p.funds = ProjectFunds(**funds)
    p.goals = Goals(txt(rows[8][1]), txt(rows[8][2]))
    p.indicators, total_row = indicators(rows[9:])
    p.total_score = num(total_row[2])
    p.report = parse_narrative(narrative)
    return p


def parse_narrative(lines: list[str]) -> Report:
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        text = line.replace("[bookmark: _GoBack]", "").strip(" \u3000\t")
        head = text[:2]
        if head in ("一、", "二、", "三、", "四、"):
            current = head
            sections[current] = []
        elif current and text:
            sections[current].append(text)
    second = sections.get("二、", [])
    spending = second[0] if second and "主要用于" in second[0] else None
    performance = second[1:] if spending else second
    # Some write the spending and the performance in one paragraph: split at the usual turn.
    marker = "项目实施及绩效情况如下："
    if spending and marker in spending and not spending.endswith(marker):
        spending, rest = spending.split(marker, 1)
        spending += marker
        performance = [rest, *performance]
    return Report(
        budget="\n".join(sections.get("一、", [])) or None,
        spending=spending,
        performance="\n".join(performance) or None,
        shortcomings="\n".join(sections.get("三、", [])) or None,
        next_steps="\n".join(sections.get("四、", [])) or None,
    )


def transcribe(seed: str) -> Document:
    items = tokens(seed)
    # Split into 附件1 rows, 附件2 rows and, per project, narrative lines then table rows.
    a1_rows: list[list[str]] = []
    a2_rows: list[list[str]] = []
    projects: list[tuple[list[str], list[list[str]]]] = []
    part = None
    narrative: list[str] = []
    for kind, value in items:
        if kind == "text":
            line = value.strip()
            if line == "附件1":
                part = "a1"
            elif line == "附件2":
                part = "a2"
            elif line == "附件3":
                part = "narrative"
                narrative = []
            elif line.endswith("年度项目支出绩效自评表"):
                projects.append((narrative, []))
                part = "project"
            elif part == "project" and line:
                part = "narrative"
                narrative = [value]
            elif part == "narrative":
                narrative.append(value)
        else:
            if part == "a1":
                a1_rows.append(value)
            elif part == "a2":
                a2_rows.append(value)
            elif part == "project":
                projects[-1][1].append(value)
    footer = next(v for k, v in items if k == "text" and v.startswith("填表人"))
    m = re.search(r"填表人：(\S+)\s+填报日期：(\d{4})\.(\d{1,2})\.(\d{1,2})\s+联系电话：(\S+)", footer)
    overall, dept_name = parse_a2(a2_rows)
    doc = Document(
        year=2024,
        scheme="hunan-2024",
        department=Department(name=dept_name, filled_by=m.group(1),
                              filled_on=f"{m.group(2)}-{int(m.group(3)):02d}-{int(m.group(4)):02d}",
                              phone=m.group(5)),
        basic_data=parse_a1(a1_rows),
        overall=overall,
        projects=[parse_project(rows, narr, pid) for (narr, rows), pid in zip(projects, PROJECT_IDS, strict=True)],
    )
    return doc


HEADER = """\
# 株洲市工业和信息化局 2024 年度预算绩效自评（附件1、附件2 和 19 个项目支出绩效自评表），
# 据 shared/seeds/004_8322ac4f40ca5a9f.txt 如实转录，原表中的错误一并保留（例如附件2 执行得分写作“100%”）。
# 转录方法与约定见 tools/transcribe_seed.py。项目标识（id）和附件1专项行的 project 关联为本工具所加。
"""


def main() -> None:
    seed, out = Path(sys.argv[1]), Path(sys.argv[2])
    doc = transcribe(seed.read_text(encoding="utf-8"))
    out.write_text(HEADER + dumps(doc), encoding="utf-8")
    print(f"{len(doc.projects)} projects, {len(doc.basic_data.project_spending.special_funds)} special funds, "
          f"{len(doc.overall.indicators)} 附件2 indicators -> {out}")


if __name__ == "__main__":
    main()
