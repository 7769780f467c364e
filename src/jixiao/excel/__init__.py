"""The Excel face: xlwings button functions and the macro-enabled workbook around them."""
