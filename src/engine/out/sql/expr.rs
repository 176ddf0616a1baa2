//! Printing a type-checked condition tree as SQL for one dialect (never by pasting the user's text).

use super::dialect::Dialect;
use crate::engine::rules::condition::{BinOp, Expr, Func};

/// SQL text of `e`; `col` gives the SQL reference of a column or derived field.
pub fn print(d: Dialect, e: &Expr, col: &dyn Fn(&str) -> String) -> String {
    let p = |x: &Expr| print(d, x, col);
    match e {
        Expr::Null => "NULL".into(),
        Expr::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Expr::Int(i) => i.to_string(),
        Expr::Float(x) => d.float(*x),
        Expr::Text(s) => d.text(s),
        Expr::Date(days) => date_literal(*days),
        Expr::Column { name, .. } => col(name),
        Expr::Not(x) => format!("(NOT {})", p(x)),
        Expr::Neg(x) => format!("(- {})", p(x)),
        Expr::Binary { op, l, r } => {
            let (a, b) = (p(l), p(r));
            match op {
                BinOp::Div => format!("({} / NULLIF({b}, 0))", d.to_double(&a)),
                BinOp::Mod => d.modulo(&a, &format!("NULLIF({b}, 0)")),
                _ => format!("({a} {} {b})", op.sql()),
            }
        }
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
            list.iter().map(&p).collect::<Vec<_>>().join(", ")
        ),
        Expr::Like {
            e,
            pattern,
            negated,
            ci,
        } => d.like(&p(e), pattern, *negated, *ci),
        Expr::IsNull { e, negated } => {
            format!("({} IS {}NULL)", p(e), if *negated { "NOT " } else { "" })
        }
        Expr::Func { f, args, .. } => {
            let a: Vec<String> = args.iter().map(&p).collect();
            let first = a.first().cloned().unwrap_or_else(|| "NULL".into());
            match f {
                Func::Year => format!("EXTRACT(YEAR FROM {first})"),
                Func::Month => format!("EXTRACT(MONTH FROM {first})"),
                Func::Day => format!("EXTRACT(DAY FROM {first})"),
                Func::Round => {
                    // the engine reads only a literal digit count (otherwise 0)
                    let digits = match args.get(1) {
                        Some(Expr::Int(n)) => Some(n.to_string()),
                        _ => None,
                    };
                    d.round(&first, digits.as_deref())
                }
                Func::Coalesce => format!("coalesce({})", a.join(", ")),
                other => format!("{}({first})", other.name()),
            }
        }
    }
}

/// `DATE 'YYYY-MM-DD'` for a day number since 1970-01-01.
pub fn date_literal(days: i32) -> String {
    let d = crate::engine::data::infer::epoch() + chrono::Duration::days(days as i64);
    format!("DATE '{}'", d.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::condition::parse_condition;

    fn sql(d: Dialect, text: &str) -> String {
        let e = parse_condition(text).unwrap();
        print(d, &e, &|n| d.ident(n))
    }

    #[test]
    fn conditions_print_per_dialect() {
        assert_eq!(
            sql(Dialect::DuckDb, "orders >= 2 AND recency_days / 7 < 1.5"),
            "((\"orders\" >= 2) AND ((CAST(\"recency_days\" AS DOUBLE) / NULLIF(7, 0)) < 1.5E0))"
        );
        assert_eq!(
            sql(
                Dialect::Spark,
                "city IN ('Rīga', 'O''Brien') AND year(last_order) = 2024"
            ),
            "((`city` IN ('Rīga', 'O\\'Brien')) AND (EXTRACT(YEAR FROM `last_order`) = 2024))"
        );
        assert_eq!(
            sql(Dialect::Postgres, "round(revenue, 2) > 10 AND x % 2 = 1"),
            "((CAST(round(CAST(\"revenue\" AS NUMERIC), 2) AS DOUBLE PRECISION) > 10) AND (MOD(CAST(\"x\" AS NUMERIC), CAST(NULLIF(2, 0) AS NUMERIC)) = 1))"
        );
        assert_eq!(
            sql(Dialect::Trino, "email NOT ILIKE '%@MAIL.DK' OR d IS NULL"),
            "((lower(\"email\") NOT LIKE '%@mail.dk') OR (\"d\" IS NULL))"
        );
        assert_eq!(
            sql(Dialect::BigQuery, "d >= DATE '2024-01-31'"),
            "(`d` >= DATE '2024-01-31')"
        );
    }
}
