//! shoulashou turns a folder of YAML records of a volunteer pairing
//! programme into validated HTML reports and Attachment 2 workbooks.

pub mod across;
pub mod campaign;
pub mod check;
pub mod cli;
pub mod date;
pub mod decode;
pub mod diagnostic;
pub mod digest;
pub mod emit;
pub mod error;
pub mod explain;
pub mod form;
pub mod full_width;
pub mod generate;
pub mod import;
pub mod lang;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod mask;
pub mod names;
pub mod output;
pub mod progress;
pub mod record;
pub mod render;
pub mod run;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod stored;
pub mod subset;
pub mod summary;
pub mod syntax;
pub mod tree;
pub mod workbook;
