//! shoulashou turns a folder of YAML records of a volunteer pairing
//! programme into validated HTML reports and Attachment 2 workbooks.

pub mod campaign;
pub mod date;
pub mod diagnostic;
pub mod error;
pub mod markdown;
pub mod mask;
pub mod record;
pub mod render;
pub mod summary;
pub mod workbook;
