"""The narrative 绩效自评报告: a Word document rendered with Jinja2 (docxtpl) from a template.

Numbers in the text always come from the data (the values the forms show), never retyped:
"{Y}年预算X万元，其中年初预算Y万元，实际支出Z万元。", with a sentence on the adjustment and its
reason when 年初预算数 ≠ 全年预算数.
"""
