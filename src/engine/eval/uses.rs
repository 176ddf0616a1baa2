//! Which columns the workspace reads as numbers or dates, and why (SPEC §2: by role and by use).

use crate::engine::rules::condition::{BinOp, Expr, Func, parse_condition};
use crate::engine::rules::{Criterion, MeasureKind, Rule, Spanned, Workspace};

pub use crate::engine::data::reread::Want;

/// Which tables a use reads the column from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The orders (a role of an order line, `orders_filter`).
    Orders,
    /// A per-customer table: the customers, a joined table, or the orders when they are the
    /// only table (their columns become customer attributes).
    Customers,
}

/// One column read as numbers or dates, and the first reason found.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    pub column: String,
    pub want: Want,
    pub source: Source,
    /// Why, in words: `the quantity role`, `the bins of criterion age_band`, ….
    pub why: String,
    /// A condition's type check stops on the column left as text (bins, a rule, the filter),
    /// so a column of words there is a rule's mistake, told by that check; a role or a value
    /// has no such check, so every cell of its column is read as wanted.
    pub checked: bool,
}

/// Purchase fields that are numbers or dates (never columns of a file, so never converted;
/// knowing them tells that a column compared with one is used as a number).
fn field_type(name: &str) -> Option<Want> {
    match name {
        "first_order" | "last_order" => Some(Want::Date),
        "top_category" | "main_channel" | "rfm_cell" => None,
        n if super::fields::BASE_FIELDS.contains(&n) => Some(Want::Number),
        n if super::clv::CLV_FIELDS.contains(&n) => Some(Want::Number),
        n if is_window_field(n) => Some(Want::Number),
        _ => None,
    }
}

/// `orders_90d`, `revenue_365d`: a windowed purchase field.
fn is_window_field(n: &str) -> bool {
    let rest = n
        .strip_prefix("orders_")
        .or_else(|| n.strip_prefix("revenue_"));
    rest.and_then(|r| r.strip_suffix('d'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// What an expression evaluates to, when its form alone says so.
fn kind_of(e: &Expr) -> Option<Want> {
    match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Neg(_) => Some(Want::Number),
        Expr::Date(_) => Some(Want::Date),
        Expr::Binary { op, .. } if op.is_arithmetic() => Some(Want::Number),
        Expr::Func { f, args, .. } => match f {
            Func::Abs | Func::Round | Func::Length | Func::Year | Func::Month | Func::Day => {
                Some(Want::Number)
            }
            Func::Coalesce => args.iter().find_map(kind_of),
            _ => None,
        },
        Expr::Column { name, .. } => field_type(name),
        _ => None,
    }
}

/// The bare columns of `e` that it reads as numbers or dates (`want`: what the place `e`
/// stands in needs).
fn walk(e: &Expr, want: Option<Want>, out: &mut Vec<(String, Want)>) {
    match e {
        Expr::Column { name, .. } => {
            if let Some(w) = want
                && field_type(name).is_none()
            {
                out.push((name.clone(), w));
            }
        }
        Expr::Not(x) => walk(x, None, out),
        Expr::Neg(x) => walk(x, Some(Want::Number), out),
        Expr::Binary { op, l, r } => {
            if op.is_arithmetic() {
                // a date minus a number, or two dates, is still arithmetic on the dates
                let lw = kind_of(l)
                    .filter(|k| *k == Want::Date)
                    .or(Some(Want::Number));
                let rw = kind_of(r)
                    .filter(|k| *k == Want::Date)
                    .or(Some(Want::Number));
                walk(l, lw, out);
                walk(r, rw, out);
            } else if op.is_comparison() {
                // two columns ordered against each other (`income > spend`) are numbers, unless
                // they turn out to be words (a condition's columns of words stay text)
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne)
                    && matches!((&**l, &**r), (Expr::Column { .. }, Expr::Column { .. }));
                let guess = ordered.then_some(Want::Number);
                walk(l, kind_of(r).or(guess), out);
                walk(r, kind_of(l).or(guess), out);
            } else {
                walk(l, None, out);
                walk(r, None, out);
            }
        }
        Expr::Between { e, lo, hi, .. } => {
            walk(e, kind_of(lo).or(kind_of(hi)), out);
            walk(lo, kind_of(e), out);
            walk(hi, kind_of(e), out);
        }
        Expr::InList { e, list, .. } => {
            walk(e, list.iter().find_map(kind_of), out);
            for x in list {
                walk(x, kind_of(e), out);
            }
        }
        Expr::Like { e, .. } | Expr::IsNull { e, .. } => walk(e, None, out),
        Expr::Func { f, args, .. } => {
            let inner = match f {
                Func::Abs | Func::Round => Some(Want::Number),
                Func::Year | Func::Month | Func::Day => Some(Want::Date),
                Func::Coalesce => want.or_else(|| args.iter().find_map(kind_of)),
                _ => None,
            };
            // round's second argument is a count of places, not a column's value
            for a in args {
                walk(a, inner, out);
            }
        }
        Expr::Null | Expr::Bool(_) | Expr::Int(_) | Expr::Float(_) | Expr::Text(_) => {}
        Expr::Date(_) => {}
    }
}

/// The columns a condition or expression text reads as numbers or dates (`want`: what the
/// whole must be, `None` for a condition).
pub fn in_text(text: &str, want: Option<Want>) -> Vec<(String, Want)> {
    let mut out = Vec::new();
    if let Ok(e) = parse_condition(text) {
        walk(&e, want, &mut out);
    }
    out
}

/// The columns one criterion reads as numbers or dates, with why (a column may come twice).
pub fn criterion_uses(cr: &Criterion) -> Vec<Use> {
    let name = &cr.name.value;
    let each = |column: &str, want: Want, why: String| Use {
        column: column.to_string(),
        want,
        source: Source::Customers,
        why,
        checked: true,
    };
    match &cr.rule {
        Rule::Bins {
            column, expr: true, ..
        } => in_text(column, None)
            .into_iter()
            .map(|(col, want)| each(&col, want, format!("the bins of criterion {name}")))
            .collect(),
        Rule::Bins { column, .. } => vec![each(
            &column.value,
            Want::Number,
            format!("the bins of criterion {name}"),
        )],
        Rule::Map { .. } => vec![],
        Rule::Segments(segs) => segs
            .iter()
            .flat_map(|s| {
                in_text(&s.when, None).into_iter().map(move |(col, want)| {
                    each(
                        &col,
                        want,
                        format!("segment {} of criterion {name}", s.name.value),
                    )
                })
            })
            .collect(),
    }
}

/// Every column the workspace reads as numbers or dates, each once (its first reason), in
/// the order: roles, `orders_filter`, criteria, valuation.
pub fn typed_uses(ws: &Workspace) -> Vec<Use> {
    let mut uses: Vec<Use> = Vec::new();
    let mut add = |column: &str, want: Want, source: Source, why: String, checked: bool| {
        match uses
            .iter_mut()
            .find(|u| u.column == column && u.source == source)
        {
            // a role's or a value's use makes every cell count, whatever a rule says
            Some(u) => u.checked &= checked,
            None => uses.push(Use {
                column: column.to_string(),
                want,
                source,
                why,
                checked,
            }),
        }
    };
    let c = &ws.columns;
    let roles: [(&Option<Spanned<String>>, &str, Want); 5] = [
        (&c.order_date, "order_date", Want::Date),
        (&c.amount, "amount", Want::Number),
        (&c.quantity, "quantity", Want::Number),
        (&c.unit_price, "unit_price", Want::Number),
        (&c.discount, "discount", Want::Number),
    ];
    for (role, name, want) in roles {
        if let Some(col) = role {
            add(
                &col.value,
                want,
                Source::Orders,
                format!("the {name} role"),
                false,
            );
        }
    }
    if let Some(f) = &ws.data.orders_filter {
        for (col, want) in in_text(f, None) {
            add(&col, want, Source::Orders, "orders_filter".into(), true);
        }
    }
    for cr in &ws.criteria {
        for u in criterion_uses(cr) {
            add(&u.column, u.want, u.source, u.why, u.checked);
        }
    }
    let v = &ws.valuation;
    for (text, what) in [(&v.value, "the valuation's value"), (&v.cost, "the cost")] {
        if let Some(t) = text {
            for (col, want) in in_text(t, Some(Want::Number)) {
                add(&col, want, Source::Customers, what.to_string(), false);
            }
        }
    }
    for m in &v.measures {
        let want = match m.kind {
            MeasureKind::Share => None,
            _ => Some(Want::Number),
        };
        for (col, w) in in_text(&m.expr, want) {
            add(
                &col,
                w,
                Source::Customers,
                format!("measure {}", m.name),
                false,
            );
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(text: &str, want: Option<Want>) -> Vec<(String, Want)> {
        in_text(text, want)
    }

    #[test]
    fn columns_compared_with_numbers_or_in_arithmetic_are_numbers() {
        let n = Want::Number;
        assert_eq!(cols("Income > 50000", None), [("Income".into(), n)]);
        assert_eq!(
            cols("Quantity * UnitPrice <> 0", None),
            [("Quantity".into(), n), ("UnitPrice".into(), n)]
        );
        assert_eq!(cols("age BETWEEN 18 AND 25", None), [("age".into(), n)]);
        assert_eq!(cols("kids IN (1, 2)", None), [("kids".into(), n)]);
        assert_eq!(
            cols("abs(balance) > revenue", None),
            [("balance".into(), n)]
        );
        // a column compared with a numeric purchase field is a number; the field is not a column
        assert_eq!(cols("spend > revenue", None), [("spend".into(), n)]);
        assert_eq!(
            cols("2014 - Year_Birth", Some(n)),
            [("Year_Birth".into(), n)]
        );
        assert_eq!(cols("Income", Some(n)), [("Income".into(), n)]);
    }

    #[test]
    fn text_uses_and_column_pairs_say_nothing() {
        assert!(cols("country = 'LV'", None).is_empty());
        assert!(cols("lower(city) LIKE 'rig%'", None).is_empty());
        assert!(cols("a = b", None).is_empty());
        // ordered against each other, two columns are numbers (unless they are words)
        assert_eq!(
            cols("income > spend", None),
            [
                ("income".into(), Want::Number),
                ("spend".into(), Want::Number)
            ]
        );
        assert!(cols("x IS NULL", None).is_empty());
        assert!(cols("orders >= 2", None).is_empty());
    }

    #[test]
    fn dates_by_literal_or_function() {
        let d = Want::Date;
        assert_eq!(
            cols("signup >= DATE '2024-01-01'", None),
            [("signup".into(), d)]
        );
        assert_eq!(cols("year(signup) = 2024", None), [("signup".into(), d)]);
    }
}
