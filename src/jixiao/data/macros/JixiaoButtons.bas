Attribute VB_Name = "JixiaoButtons"
' jixiao: the buttons on the first sheet call these macros. Each runs Python through xlwings
' (RunPython, configured on the xlwings.conf sheet; `jixiao addin-config` fills it in).
' This module is ASCII only: the captions, in Chinese, live in the workbook.
' Made by jixiao from its list of buttons (workbook/macros.py BUTTONS): edit that, not this.
Option Explicit

Sub JixiaoValidate()
    RunPython "import jixiao.excel.buttons as b; b.validate()"
End Sub

Sub JixiaoRecompute()
    RunPython "import jixiao.excel.buttons as b; b.recompute()"
End Sub

Sub JixiaoClearMarks()
    RunPython "import jixiao.excel.buttons as b; b.clear_marks()"
End Sub

Sub JixiaoAddProjectSheet()
    RunPython "import jixiao.excel.buttons as b; b.add_project_sheet()"
End Sub

Sub JixiaoSignoff()
    RunPython "import jixiao.excel.buttons as b; b.signoff()"
End Sub

Sub JixiaoSelfCheck()
    RunPython "import jixiao.excel.buttons as b; b.self_check()"
End Sub

' Called by add_project_sheet (directly on a desktop, or as a runMacro action of the remote
' client): copies the template project sheet with its formats, formulas and sheet-scoped names,
' names the copy, and clears its input cells (a comma-separated list of A1 ranges).
Sub JixiaoCopyProjectSheet(wb As Workbook, template As String, newName As String, clearList As String)
    Dim dst As Worksheet, part As Variant, target As Range
    wb.Worksheets(template).Copy After:=wb.Worksheets(wb.Worksheets.Count)
    Set dst = wb.Worksheets(wb.Worksheets.Count)
    dst.Name = newName
    For Each part In Split(clearList, ",")
        Set target = dst.Range(part)
        If target.Cells.Count = 1 Then Set target = target.MergeArea
        target.ClearContents
    Next
    dst.Activate
End Sub

' The forms are protected so that formulas are not typed over. Protecting again with
' UserInterfaceOnly lets jixiao write the formulas back (recompute) and colour cells.
Sub Auto_Open()
    Dim ws As Worksheet
    For Each ws In ThisWorkbook.Worksheets
        If ws.ProtectContents Then
            ws.Protect Password:="", UserInterfaceOnly:=True, AllowFormattingCells:=True, _
                AllowFormattingColumns:=True, AllowFormattingRows:=True, AllowInsertingRows:=True, _
                AllowDeletingRows:=True, AllowInsertingHyperlinks:=True
        End If
    Next
End Sub
