//! How a data file is to be read: its format and per-file options.

use std::path::Path;

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Parquet,
    Json,
    Ndjson,
    Xlsx,
    /// A SQLite database file: one table, or a query's rows.
    Sqlite,
}

impl FileFormat {
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::Csv => "delimited text",
            FileFormat::Parquet => "Parquet",
            FileFormat::Json => "JSON",
            FileFormat::Ndjson => "NDJSON",
            FileFormat::Xlsx => "spreadsheet",
            FileFormat::Sqlite => "SQLite database",
        }
    }

    /// The format named by a file's extension (a trailing `.gz` is looked through).
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        Self::from_name(ext)
    }

    pub fn from_name(name: &str) -> Option<FileFormat> {
        Some(match name.to_lowercase().as_str() {
            "csv" | "tsv" | "txt" | "tab" => FileFormat::Csv,
            "parquet" | "pq" => FileFormat::Parquet,
            "json" => FileFormat::Json,
            "ndjson" | "jsonl" => FileFormat::Ndjson,
            "xlsx" | "xlsm" | "xls" | "ods" => FileFormat::Xlsx,
            "sqlite" | "sqlite3" | "db" | "db3" => FileFormat::Sqlite,
            _ => return None,
        })
    }
}

/// Text encodings a delimited file may be decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum TextEncoding {
    #[default]
    Utf8,
    Latin1,
    Windows1252,
}

impl TextEncoding {
    pub fn from_name(name: &str) -> Option<TextEncoding> {
        let n: String = name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Some(match n.as_str() {
            "utf8" => TextEncoding::Utf8,
            "latin1" | "iso88591" | "l1" => TextEncoding::Latin1,
            "windows1252" | "cp1252" => TextEncoding::Windows1252,
            _ => return None,
        })
    }
}

/// What a cell that does not parse in a column read as numbers (or dates) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BadValues {
    /// The command fails, naming the first few with their lines.
    #[default]
    Error,
    /// A missing value, with a warning that names and counts them.
    Missing,
}

/// What a row with more or fewer fields than the header becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BadRows {
    /// The read fails, naming the first few with their lines and field counts.
    #[default]
    Error,
    /// Left out, with a warning that names and counts them.
    Skip,
}

impl BadValues {
    pub fn as_str(self) -> &'static str {
        match self {
            BadValues::Error => "error",
            BadValues::Missing => "missing",
        }
    }
}

impl BadRows {
    pub fn as_str(self) -> &'static str {
        match self {
            BadRows::Error => "error",
            BadRows::Skip => "skip",
        }
    }
}

/// Per-file reading options; everything unset is detected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    pub format: Option<FileFormat>,
    pub delimiter: Option<u8>,
    pub encoding: TextEncoding,
    pub sheet: Option<String>,
    /// The table of a database file to read (SQLite), or a query of it.
    pub table: Option<String>,
    pub query: Option<String>,
    /// A chrono format for date columns (e.g. `%d-%m-%Y`).
    pub date_format: Option<String>,
    /// Numbers written with a decimal comma (`1,5`).
    pub decimal_comma: bool,
    /// Cells that do not parse in a column read as numbers or dates.
    pub bad_values: BadValues,
    /// Rows with another number of fields than the header (delimited text).
    pub bad_rows: BadRows,
    /// Words read as missing in every column, besides blanks (and, in number and date
    /// columns, the conventional markers `NA`, `N/A`, `NaN`, `null`, `-`, …).
    pub missing: Vec<String>,
}

impl ReadOptions {
    pub fn format_for(&self, path: &Path) -> Option<FileFormat> {
        self.format.or_else(|| FileFormat::from_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            FileFormat::from_path(Path::new("a/b.CSV")),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("x.tsv.gz")),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("x.parquet")),
            Some(FileFormat::Parquet)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("x.jsonl")),
            Some(FileFormat::Ndjson)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("x.xlsx")),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(FileFormat::from_path(Path::new("x.doc")), None);
        assert_eq!(FileFormat::from_path(Path::new("noext")), None);
    }

    #[test]
    fn encodings_by_common_names() {
        assert_eq!(
            TextEncoding::from_name("ISO-8859-1"),
            Some(TextEncoding::Latin1)
        );
        assert_eq!(
            TextEncoding::from_name("cp1252"),
            Some(TextEncoding::Windows1252)
        );
        assert_eq!(TextEncoding::from_name("utf-8"), Some(TextEncoding::Utf8));
        assert_eq!(TextEncoding::from_name("ebcdic"), None);
    }
}
