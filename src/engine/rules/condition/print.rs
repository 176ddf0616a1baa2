//! Printing a condition tree back as condition text that parses to the same tree.

use super::{Expr, Func};

fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn column(n: &str) -> String {
    format!("\"{}\"", n.replace('"', "\"\""))
}

/// A column name as a person would write it in a condition: bare when it is a plain name
/// (letters, digits and `_`, not starting with a digit), else double-quoted.
pub fn readable_column(n: &str) -> String {
    let plain = !n.is_empty()
        && n.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !n.starts_with(char::is_numeric);
    if plain { n.to_string() } else { column(n) }
}

/// Condition text for `e`: every sub-expression in parentheses, names double-quoted, floats
/// with a decimal point or exponent, so parsing it gives `e` back.
pub fn to_text(e: &Expr) -> String {
    let p = |x: &Expr| to_text(x);
    match e {
        Expr::Null => "NULL".into(),
        Expr::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Expr::Int(i) => i.to_string(),
        Expr::Float(x) => format!("{x:?}"),
        Expr::Text(s) => text(s),
        Expr::Date(d) => crate::engine::out::sql::expr::date_literal(*d),
        Expr::Column { name, .. } => column(name),
        Expr::Not(x) => format!("(NOT {})", p(x)),
        Expr::Neg(x) => format!("(- {})", p(x)),
        Expr::Binary { op, l, r } => format!("({} {} {})", p(l), op.sql(), p(r)),
        Expr::Between { e, lo, hi, negated } => format!(
            "({} {}BETWEEN {} AND {})",
            p(e),
            if *negated { "NOT " } else { "" },
            p(lo),
            p(hi)
        ),
        Expr::InList { e, list, negated } => format!(
            "({} {}IN ({}))",
            p(e),
            if *negated { "NOT " } else { "" },
            list.iter().map(p).collect::<Vec<_>>().join(", ")
        ),
        Expr::Like {
            e,
            pattern,
            negated,
            ci,
        } => format!(
            "({} {}{} {})",
            p(e),
            if *negated { "NOT " } else { "" },
            if *ci { "ILIKE" } else { "LIKE" },
            text(pattern)
        ),
        Expr::IsNull { e, negated } => {
            format!("({} IS {}NULL)", p(e), if *negated { "NOT " } else { "" })
        }
        Expr::Func { f, args, .. } => {
            let name = match f {
                Func::Coalesce => "coalesce",
                other => other.name(),
            };
            format!(
                "{name}({})",
                args.iter().map(p).collect::<Vec<_>>().join(", ")
            )
        }
    }
}
