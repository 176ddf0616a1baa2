//! Data in: reading files of every supported format, inferring types, profiling, auditing, the demo.

pub mod audit;
pub mod cells;
pub mod delimited;
pub mod demo;
pub mod infer;
pub mod load;
pub mod locate;
pub mod options;
pub mod postgres;
pub mod private;
pub mod profile;
pub mod progress;
pub mod quality;
pub mod read;
pub mod reread;
pub mod roles;
pub mod sniff;
pub mod sqlite;
pub mod table;
pub mod tally;
pub mod totals;
pub mod typed_csv;
pub mod value_hint;
pub mod values;
pub mod words;
pub mod xlsx;

pub use cells::Cells;
pub use delimited::{TableBody, TableData, load_delimited_bytes, load_delimited_bytes_general};
pub use load::{load_data, load_table, read_headers};
pub use options::{FileFormat, ReadOptions, TextEncoding};
pub use table::Table;
pub use words::Words;
