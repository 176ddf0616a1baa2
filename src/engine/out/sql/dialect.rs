//! What differs between SQL engines: quoting, types, date arithmetic, ILIKE, modulo and rounding.

/// The engines `strata sql` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Postgres,
    Spark,
    Trino,
    BigQuery,
}

impl Dialect {
    pub const ALL: [(&'static str, Dialect); 5] = [
        ("duckdb", Dialect::DuckDb),
        ("postgres", Dialect::Postgres),
        ("spark", Dialect::Spark),
        ("trino", Dialect::Trino),
        ("bigquery", Dialect::BigQuery),
    ];

    pub fn from_name(s: &str) -> Option<Dialect> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|x| x.1)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map(|x| x.0)
            .unwrap_or("duckdb")
    }

    /// Engines whose string literals and identifiers escape with a backslash.
    fn backslash_escapes(self) -> bool {
        matches!(self, Dialect::Spark | Dialect::BigQuery)
    }

    /// A quoted identifier: any name, whatever it holds, is only ever a name.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::BigQuery => format!("`{}`", escape_backslash(name, '`')),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table name, possibly qualified (`crm.customers`): each part quoted.
    pub fn table(self, qualified: &str) -> String {
        qualified
            .split('.')
            .map(|p| self.ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A string literal: any text, whatever it holds, is only ever text.
    pub fn text(self, s: &str) -> String {
        if self.backslash_escapes() {
            format!("'{}'", escape_backslash(s, '\''))
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    pub fn double_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::BigQuery => "FLOAT64",
            _ => "DOUBLE",
        }
    }

    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::BigQuery => "STRING",
            _ => "VARCHAR",
        }
    }

    /// A floating-point literal that every engine reads as a double (not a decimal).
    pub fn float(self, x: f64) -> String {
        if !x.is_finite() {
            return "NULL".into();
        }
        let s = format!("{x}");
        match self {
            Dialect::Postgres => format!("CAST({s} AS DOUBLE PRECISION)"),
            Dialect::BigQuery => {
                if s.contains('.') {
                    s
                } else {
                    format!("{s}.0")
                }
            }
            _ => format!("{s}E0"),
        }
    }

    /// A sort key that orders text by bytes (as strata does) whatever the database's collation.
    pub fn byte_order(self, e: &str, is_text: bool) -> String {
        if is_text && self == Dialect::Postgres {
            format!("{e} COLLATE \"C\"")
        } else {
            e.to_string()
        }
    }

    pub fn to_double(self, e: &str) -> String {
        format!("CAST({e} AS {})", self.double_type())
    }

    pub fn to_text(self, e: &str) -> String {
        format!("CAST({e} AS {})", self.text_type())
    }

    /// `date + days` (days may be negative).
    pub fn add_days(self, date: &str, days: i64) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres if days < 0 => format!("({date} - {})", -days),
            Dialect::DuckDb | Dialect::Postgres => format!("({date} + {days})"),
            Dialect::Spark => format!("date_add({date}, {days})"),
            Dialect::Trino => format!("date_add('day', {days}, {date})"),
            Dialect::BigQuery => format!("DATE_ADD({date}, INTERVAL {days} DAY)"),
        }
    }

    /// Whole days from `from` to `to`.
    pub fn days_between(self, from: &str, to: &str) -> String {
        match self {
            Dialect::DuckDb => format!("date_diff('day', {from}, {to})"),
            Dialect::Postgres => format!("({to} - {from})"),
            Dialect::Spark => format!("datediff({to}, {from})"),
            Dialect::Trino => format!("date_diff('day', {from}, {to})"),
            Dialect::BigQuery => format!("DATE_DIFF({to}, {from}, DAY)"),
        }
    }

    /// Truncated remainder.
    pub fn modulo(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Postgres => format!("MOD(CAST({a} AS NUMERIC), CAST({b} AS NUMERIC))"),
            Dialect::BigQuery => format!("MOD({a}, {b})"),
            _ => format!("({a} % {b})"),
        }
    }

    /// Round half away from zero to `digits` decimals.
    pub fn round(self, x: &str, digits: Option<&str>) -> String {
        match (self, digits) {
            (Dialect::Postgres, Some(d)) => {
                format!("CAST(round(CAST({x} AS NUMERIC), {d}) AS DOUBLE PRECISION)")
            }
            (Dialect::Postgres, None) => {
                format!("CAST(round(CAST({x} AS NUMERIC)) AS DOUBLE PRECISION)")
            }
            (_, Some(d)) => format!("round({x}, {d})"),
            (_, None) => format!("round({x})"),
        }
    }

    /// `x [NOT] LIKE pattern` with `%` and `_` as the only wildcards (no escape character).
    pub fn like(self, x: &str, pattern: &str, negated: bool, ci: bool) -> String {
        let not = if negated { "NOT " } else { "" };
        let native_ilike = matches!(self, Dialect::DuckDb | Dialect::Postgres | Dialect::Spark);
        let (x, pattern, op) = if ci && !native_ilike {
            (format!("lower({x})"), pattern.to_lowercase(), "LIKE")
        } else if ci {
            (x.to_string(), pattern.to_string(), "ILIKE")
        } else {
            (x.to_string(), pattern.to_string(), "LIKE")
        };
        match self {
            // a backslash is an escape character in these engines' LIKE by default
            Dialect::Postgres | Dialect::Spark if pattern.contains('\\') => {
                let esc = ['!', '#', '~', '^', '|', '@', '&', '$']
                    .into_iter()
                    .find(|c| !pattern.contains(*c))
                    .unwrap_or('!');
                let p = pattern.replace(esc, &format!("{esc}{esc}"));
                format!(
                    "({x} {not}{op} {} ESCAPE {})",
                    self.text(&p),
                    self.text(&esc.to_string())
                )
            }
            Dialect::BigQuery => {
                format!(
                    "({x} {not}{op} {})",
                    self.text(&pattern.replace('\\', "\\\\"))
                )
            }
            _ => format!("({x} {not}{op} {})", self.text(&pattern)),
        }
    }
}

/// Backslash-escape a string for a quote character (Spark, BigQuery).
fn escape_backslash(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_text_in_every_dialect() {
        let label = "O'Brien \"x\"; -- \\ `y`";
        assert_eq!(Dialect::DuckDb.text(label), "'O''Brien \"x\"; -- \\ `y`'");
        assert_eq!(
            Dialect::DuckDb.ident(label),
            "\"O'Brien \"\"x\"\"; -- \\ `y`\""
        );
        assert_eq!(Dialect::Spark.text(label), "'O\\'Brien \"x\"; -- \\\\ `y`'");
        assert_eq!(Dialect::Spark.ident(label), "`O'Brien \"x\"; -- \\ ``y```");
        assert_eq!(
            Dialect::BigQuery.ident(label),
            "`O'Brien \"x\"; -- \\\\ \\`y\\``"
        );
        assert_eq!(Dialect::BigQuery.text("a\nb"), "'a\\nb'");
        assert_eq!(
            Dialect::Trino.table("crm.customers"),
            "\"crm\".\"customers\""
        );
    }

    #[test]
    fn floats_are_doubles() {
        assert_eq!(Dialect::DuckDb.float(0.2), "0.2E0");
        assert_eq!(Dialect::DuckDb.float(3.0), "3E0");
        assert_eq!(Dialect::BigQuery.float(3.0), "3.0");
        assert_eq!(
            Dialect::Postgres.float(0.5),
            "CAST(0.5 AS DOUBLE PRECISION)"
        );
    }

    #[test]
    fn like_without_escape_characters() {
        assert_eq!(
            Dialect::Postgres.like("x", "a\\%", false, false),
            "(x LIKE 'a\\%' ESCAPE '!')"
        );
        assert_eq!(
            Dialect::Trino.like("x", "AB%", true, true),
            "(lower(x) NOT LIKE 'ab%')"
        );
        assert_eq!(
            Dialect::DuckDb.like("x", "AB%", false, true),
            "(x ILIKE 'AB%')"
        );
    }
}
