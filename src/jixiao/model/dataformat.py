"""Read and write `jixiao/1` data files (YAML or JSON), strictly.

Strict means: an unknown key, a wrong type or a missing required key is reported with the
field's path (``projects[3].funds.current.initial``), all problems at once, in Chinese. Text
where a number belongs is kept as text (rule F02 reports it later); nothing is coerced.

Numbers never pass through binary floats: YAML floats and JSON numbers are parsed as
``Decimal`` from their source text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import JixiaoError, in_words
from ..files import require_regular_file
from ..files import atomic_output
from .document import DOCUMENT_KEY_ORDER, FORMAT, Document, kind_of
from .numbers import MAX_NUMBER, plain, shown_value
from .schemes import load_scheme

MAX_DATA_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32  # a jixiao/1 file nests six levels deep; anything much deeper is not one


# --- YAML dialect: exact decimals, dates kept as ISO text ------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader whose floats are Decimals (from their text) and whose dates stay dates."""


def _construct_decimal(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    if text.lower() in (".nan", ".inf", "-.inf", "+.inf"):
        return text  # not an amount; kept as text so validation can say so
    return Decimal(text)


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)

_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def _construct_int(loader, node):
    """An integer, except where YAML 1.1 would read digits with a leading zero as octal: a phone
    (07311234567) or a code (0100) stays the text it was typed as."""
    text = loader.construct_scalar(node)
    if _LEADING_ZERO.fullmatch(text):
        return text
    return loader.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Writes every value out in full: an anchor and its aliases (&id001 / *id001) would make
    one hand edit change every place the value is repeated (and jixiao/1 refuses them on reading)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _represent_decimal(dumper, value: Decimal):
    text = plain(value)
    tag = "int" if "." not in text else "float"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", text)


def _represent_str(dumper, value: str):
    # Paragraphs read best as literal blocks; everything else as plain/quoted scalars.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_dict(dumper, value: dict):
    # Short rows of scalars read best on one line, as the spec writes them:
    # {initial: 433.32, full_year: 418.85, executed: 418.85}
    scalars = all(not isinstance(v, (dict, list)) and not (isinstance(v, str) and "\n" in v) for v in value.values())
    flow = bool(value) and scalars and sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) <= 90
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


# --- parsing ---------------------------------------------------------------------------------


def read_raw(path: Path) -> Any:
    """The parsed YAML/JSON tree of a data file, or a JixiaoError saying why it cannot be read."""
    require_regular_file(path)
    if not path.exists():
        raise JixiaoError(f"找不到文件：{path}")
    if path.is_dir():
        raise JixiaoError(f"这是一个文件夹，不是数据文件：{path}")
    size = path.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        raise JixiaoError(f"数据文件过大（{size // 1024 // 1024} MB），拒绝读取：{path}")
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JixiaoError(f"数据文件不是 UTF-8 编码的文本：{path}") from None
    try:
        if path.suffix.lower() == ".json":
            _check_json_depth(text, path)
            return json.loads(text, parse_float=Decimal)
        _check_yaml_events(text, path)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as e:
        problem = in_words(e.msg, JSON_PROBLEMS, "写法不符合 JSON 规则")
        raise JixiaoError(f"JSON 格式错误（第 {e.lineno} 行第 {e.colno} 列）：{problem}；文件：{path}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        problem = in_words(str(e), YAML_PROBLEMS, "写法不符合 YAML 规则（常见原因：缩进不一致、冒号后缺空格、引号或括号未闭合）")
        raise JixiaoError(f"YAML 格式错误{where}：{problem}；文件：{path}") from None
    except (ValueError, ArithmeticError):  # Python's 4,300-digit limit on integers, an odd exponent
        raise JixiaoError(f"数据文件中有位数过多或无法表示的数字：{path}") from None
    except RecursionError:
        raise JixiaoError(f"数据文件嵌套层数过多：{path}") from None


# What the YAML and JSON parsers say (PyYAML, libyaml, json), said as a person fixing the file needs
# it: the first phrase found in the parser's English message picks the Chinese.
YAML_PROBLEMS = (
    (("control characters are not allowed", "special characters are not allowed"),
     "含有不可见的控制字符（文件可能已损坏，或不是文本文件）"),
    ("could not determine a constructor", "用了数据文件不认识的标签（以 ! 开头的写法，如 !!python/…），请删去该标签"),
    ("maximum nesting depth", "嵌套层数过多，不像 jixiao/1 数据文件，拒绝读取"),
    ("tab character", "用了 Tab 缩进；YAML 只能用空格缩进"),
    ("cannot start any token", "有不能作为内容开头的字符（常见原因：用 Tab 缩进，或以 @、` 开头的文字没有加引号）"),
    ("mapping values are not allowed", "此处不能出现“键: 值”（常见原因：文字中含有“: ”却没有加引号，或缩进不对）"),
    ("could not find expected ':'", "缺少冒号（“键: 值”的冒号后要有一个空格）"),
    ("did not find expected key", "缩进不一致，或有不成对的引号、括号"),
    (("did not find expected node content", "expected the node content"),  # libyaml's, PyYAML's
     "此处缺少内容（常见原因：括号或引号未闭合，或逗号后为空）"),
    ("did not find expected '-' indicator", "列表项（- ）的缩进不一致"),
    ("did not find expected ',' or", "列表或映射的括号未闭合，或缺少逗号"),
    ("expected <block end>", "缩进不一致"),
    ("unknown escape character", "双引号内有无效的转义符（\\ 及其后的字符）；含 \\ 的文字（如路径）请改用单引号"),
    ("found another document", "文件中有多份文档（---）；数据文件只能有一份"),
    ("end of stream", "文件在引号或括号闭合之前就结束了"),
    ("quoted scalar", "引号未闭合"),
    ("found unexpected ':'", "冒号的位置不对"),
    ("found undefined", "使用了未定义的别名或标签"),
)
JSON_PROBLEMS = (
    ("Expecting value", "此处缺少值"),
    ("Expecting property name", "键名应放在双引号内"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Unterminated string", "引号未闭合"),
    ("Invalid control character", "文字中含有控制字符（换行请写作 \\n）"),
    ("Invalid \\escape", "无效的转义符（\\ 及其后的字符）"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "数据结束后还有多余的内容"),
)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _check_json_depth(text: str, path: Path) -> None:
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        depth += 1 if m.group(0) in "[{" else -1
        if depth > MAX_DEPTH:
            raise JixiaoError(f"数据文件嵌套超过 {MAX_DEPTH} 层，不像 jixiao/1 数据文件，拒绝读取：{path}")


def _check_yaml_events(text: str, path: Path) -> None:
    """Data, not a program: no aliases (a jixiao/1 file has no use for them, and a few KB of them
    expand to gigabytes), nesting no deeper than a data file goes."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise JixiaoError(f"数据文件使用了 YAML 别名（第 {mark.line + 1} 行的 *{event.anchor}）；"
                              f"jixiao/1 数据文件不用别名，请写出完整内容：{path}")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise JixiaoError(f"数据文件嵌套超过 {MAX_DEPTH} 层，不像 jixiao/1 数据文件，拒绝读取：{path}")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load(path: str | Path) -> Document:
    """Read a `jixiao/1` data file into a Document (strict; see the module docstring)."""
    path = Path(path)
    return from_plain(read_raw(path), source=str(path))


def from_plain(raw: Any, source: str = "数据") -> Document:
    """Build a Document from a parsed tree, collecting every problem with its path."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise JixiaoError(f"{source} 的顶层应是一个映射（键: 值），而不是{shown_value(raw)}")
    fmt = raw.get("format")
    if fmt != FORMAT:
        problems.append(f"format：应为 “{FORMAT}”，实际为{shown_value(fmt)}")
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        problems.append(f"year：应为四位整数年份，实际为{shown_value(year)}")
    scheme = raw.get("scheme")
    if not isinstance(scheme, str):
        problems.append(f"scheme：应为指标体系名称（如 hunan-2024），实际为{shown_value(scheme)}")
    else:
        try:
            load_scheme(scheme)
        except JixiaoError as e:
            problems.append(f"scheme：{e.message}")
    for key in raw:
        if key not in DOCUMENT_KEY_ORDER:
            problems.append(f"{key}：未知的键")
    doc_fields = {f.name: f for f in fields(Document)}
    values: dict[str, Any] = {}
    for name in ("department", "basic_data", "overall", "projects"):
        if name in raw:
            values[name] = _convert(doc_fields[name], raw[name], name, problems)
    if problems:
        raise JixiaoError(f"{source} 不符合 jixiao/1 格式（共 {len(problems)} 处）：", problems)
    return Document(year=year, scheme=scheme, **{k: v for k, v in values.items() if v is not None})


def _convert(f, value: Any, path: str, problems: list[str]) -> Any:
    kind = kind_of(f)
    if kind == "num":
        return _num(value, path, problems)
    if kind == "text":
        return _text(value, path, problems)
    if kind in ("nested", "optional"):
        if value is None:
            return None if kind == "optional" else f.metadata["cls"]()
        return _block(f.metadata["cls"], value, path, problems)
    if kind == "items":
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append(f"{path}：应为列表，实际为{shown_value(value)}")
            return []
        return [_block(f.metadata["cls"], v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    raise AssertionError(kind)


def _block(cls: type, value: Any, path: str, problems: list[str]) -> Any:
    if not isinstance(value, dict):
        problems.append(f"{path}：应为映射（键: 值），实际为{shown_value(value)}")
        return cls()
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, v in value.items():
        f = known.get(key)
        if f is None:
            problems.append(f"{path}.{key}：未知的键")
            continue
        converted = _convert(f, v, f"{path}.{key}", problems)
        if converted is not None:
            kwargs[key] = converted
    return cls(**kwargs)


def _num(value: Any, path: str, problems: list[str]) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        problems.append(f"{path}：应为数字，实际为{shown_value(value)}")
        return None
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            problems.append(f"{path}：数字 {value} 超出任何金额、数量或分值可能的范围")
            return None
        return number
    if isinstance(value, str):
        return value.strip() or None  # text is kept as written (F02 reports it)
    problems.append(f"{path}：应为数字，实际为{shown_value(value)}")
    return None


def _text(value: Any, path: str, problems: list[str]) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        problems.append(f"{path}：应为文本，实际为{shown_value(value)}")
        return None
    if isinstance(value, (int, Decimal)):
        return plain(Decimal(value))  # a number written where text belongs is that text
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    problems.append(f"{path}：应为文本，实际为{shown_value(value)}")
    return None


# --- writing ---------------------------------------------------------------------------------


def to_plain(obj: Any) -> Any:
    """A Document (or block) as nested dicts/lists, leaving out blanks and empty blocks."""
    if isinstance(obj, Document):
        out: dict[str, Any] = {"format": obj.format, "year": obj.year, "scheme": obj.scheme}
        for name in DOCUMENT_KEY_ORDER[3:]:
            value = getattr(obj, name)
            # A present form stays present even when empty; projects is always listed.
            if value is not None and (name in ("basic_data", "overall", "projects") or to_plain(value)):
                out[name] = to_plain(value)
        return out
    if hasattr(obj, "__dataclass_fields__"):
        out = {}
        for f in fields(obj):
            v = to_plain(getattr(obj, f.name))
            if v in (None, {}, []):
                continue
            out[f.name] = v
        return out
    if isinstance(obj, list):
        return [to_plain(v) for v in obj]
    return obj


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def dumps(doc: Document, fmt: str = "yaml") -> str:
    tree = to_plain(doc)
    if fmt == "json":
        return json.dumps(tree, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    return yaml.dump(tree, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def save(doc: Document, path: str | Path) -> None:
    """Write a data file (YAML, or JSON for a .json path) atomically."""
    path = Path(path)
    text = dumps(doc, "json" if path.suffix.lower() == ".json" else "yaml")
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
