//! Conditions: the safe SQL subset of SPEC §4.2, parsed by sqlparser into strata's own tree.

mod convert;
pub mod print;

use convert::Conv;

use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// Binary operators of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn sql(self) -> &'static str {
        match self {
            BinOp::And => "AND",
            BinOp::Or => "OR",
            BinOp::Eq => "=",
            BinOp::Ne => "<>",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        }
    }

    /// The comparison that says the same with its sides swapped (`x < c` is `c > x`).
    pub fn flipped(self) -> BinOp {
        match self {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            o => o,
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    pub fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
        )
    }
}

/// The functions a condition may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Lower,
    Upper,
    Length,
    Trim,
    Abs,
    Round,
    Coalesce,
    Year,
    Month,
    Day,
}

impl Func {
    pub const ALL: [(&'static str, Func); 10] = [
        ("lower", Func::Lower),
        ("upper", Func::Upper),
        ("length", Func::Length),
        ("trim", Func::Trim),
        ("abs", Func::Abs),
        ("round", Func::Round),
        ("coalesce", Func::Coalesce),
        ("year", Func::Year),
        ("month", Func::Month),
        ("day", Func::Day),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|f| f.1 == self)
            .map(|f| f.0)
            .unwrap_or("?")
    }
}

/// A condition or value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Days since 1970-01-01.
    Date(i32),
    /// A column or derived field; `pos` is its 1-based character position in the condition.
    Column {
        name: String,
        pos: usize,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        l: Box<Expr>,
        r: Box<Expr>,
    },
    Between {
        e: Box<Expr>,
        lo: Box<Expr>,
        hi: Box<Expr>,
        negated: bool,
    },
    InList {
        e: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        e: Box<Expr>,
        pattern: String,
        negated: bool,
        ci: bool,
    },
    IsNull {
        e: Box<Expr>,
        negated: bool,
    },
    Func {
        f: Func,
        args: Vec<Expr>,
        pos: usize,
    },
}

/// A problem in a condition, at a 1-based character position inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionError {
    pub message: String,
    pub pos: Option<usize>,
    pub hint: Option<String>,
}

impl ConditionError {
    fn at(pos: Option<usize>, message: impl Into<String>) -> Self {
        ConditionError {
            message: message.into(),
            pos,
            hint: None,
        }
    }
}

impl std::fmt::Display for ConditionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "at position {p}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// Character position (1-based) in a one-line condition from a sqlparser location.
fn pos_of(text: &str, loc: sqlparser::tokenizer::Location) -> Option<usize> {
    if loc.line == 0 {
        return None;
    }
    let mut p = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        if i + 1 == loc.line as usize {
            return Some(p + loc.column as usize);
        }
        p += line.chars().count() + 1;
    }
    None
}

/// Parse a condition into strata's expression tree.
pub fn parse_condition(text: &str) -> Result<Expr, ConditionError> {
    if text.trim().is_empty() {
        return Err(ConditionError::at(
            Some(1),
            "the condition is empty; write e.g. orders >= 2 or TRUE",
        ));
    }
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| ConditionError::at(None, clean_parser_error(&e.to_string())))?;
    let ast = parser
        .parse_expr()
        .map_err(|e| syntax_error(text, &e.to_string()))?;
    // anything left over (a second expression, a semicolon, a comment trick) is rejected
    let next = parser.peek_token();
    if next.token != sqlparser::tokenizer::Token::EOF {
        return Err(ConditionError::at(
            pos_of(text, next.span.start),
            format!("unexpected `{}` after the condition", next.token),
        ));
    }
    let c = Conv { text };
    c.expr(&ast)
}

fn clean_parser_error(s: &str) -> String {
    s.trim_start_matches("sql parser error: ").to_string()
}

fn syntax_error(text: &str, msg: &str) -> ConditionError {
    let m = clean_parser_error(msg);
    // sqlparser appends "at Line: L, Column: C"
    let pos = m.rfind("at Line: ").and_then(|i| {
        let rest = &m[i + 9..];
        let (l, c) = rest.split_once(", Column: ")?;
        let loc = sqlparser::tokenizer::Location {
            line: l.trim().parse().ok()?,
            column: c.trim().parse().ok()?,
        };
        pos_of(text, loc)
    });
    let short = match m.rfind(" at Line: ") {
        Some(i) => m[..i].to_string(),
        None => m,
    };
    ConditionError::at(pos, format!("syntax error: {short}"))
}

impl Expr {
    /// Every column name the expression reads, in order of appearance, with positions.
    pub fn columns(&self) -> Vec<(&str, usize)> {
        let mut v = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Column { name, pos } = e {
                v.push((name.as_str(), *pos));
            }
        });
        v
    }

    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Not(x) | Expr::Neg(x) => x.walk(f),
            Expr::Binary { l, r, .. } => {
                l.walk(f);
                r.walk(f);
            }
            Expr::Between { e, lo, hi, .. } => {
                e.walk(f);
                lo.walk(f);
                hi.walk(f);
            }
            Expr::InList { e, list, .. } => {
                e.walk(f);
                list.iter().for_each(|x| x.walk(f));
            }
            Expr::Like { e, .. } | Expr::IsNull { e, .. } => e.walk(f),
            Expr::Func { args, .. } => args.iter().for_each(|x| x.walk(f)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same tree with every source position set to 0.
    fn strip(e: &Expr) -> Expr {
        let b = |x: &Expr| Box::new(strip(x));
        match e {
            Expr::Column { name, .. } => Expr::Column {
                name: name.clone(),
                pos: 0,
            },
            Expr::Func { f, args, .. } => Expr::Func {
                f: *f,
                args: args.iter().map(strip).collect(),
                pos: 0,
            },
            Expr::Not(x) => Expr::Not(b(x)),
            Expr::Neg(x) => Expr::Neg(b(x)),
            Expr::Binary { op, l, r } => Expr::Binary {
                op: *op,
                l: b(l),
                r: b(r),
            },
            Expr::Between { e, lo, hi, negated } => Expr::Between {
                e: b(e),
                lo: b(lo),
                hi: b(hi),
                negated: *negated,
            },
            Expr::InList { e, list, negated } => Expr::InList {
                e: b(e),
                list: list.iter().map(strip).collect(),
                negated: *negated,
            },
            Expr::Like {
                e,
                pattern,
                negated,
                ci,
            } => Expr::Like {
                e: b(e),
                pattern: pattern.clone(),
                negated: *negated,
                ci: *ci,
            },
            Expr::IsNull { e, negated } => Expr::IsNull {
                e: b(e),
                negated: *negated,
            },
            other => other.clone(),
        }
    }

    fn leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            Just(Expr::Null),
            any::<bool>().prop_map(Expr::Bool),
            (0i64..1_000_000).prop_map(Expr::Int),
            (0.0f64..1e6).prop_map(Expr::Float),
            "[ -~äöü'\"%_]{0,8}".prop_map(Expr::Text),
            (-20000i32..40000).prop_map(Expr::Date),
            "[a-zA-Z_][ a-zA-Z0-9_$()\"]{0,10}".prop_map(|name| Expr::Column { name, pos: 0 }),
        ]
    }

    fn tree() -> impl Strategy<Value = Expr> {
        leaf().prop_recursive(4, 24, 3, |inner| {
            let bx = |e: Expr| Box::new(e);
            prop_oneof![
                inner.clone().prop_map(move |x| Expr::Not(bx(x))),
                // a minus on a literal number folds into the literal, so only on other things
                inner
                    .clone()
                    .prop_filter("not a number", |x| !matches!(
                        x,
                        Expr::Int(_) | Expr::Float(_)
                    ))
                    .prop_map(move |x| Expr::Neg(bx(x))),
                (inner.clone(), inner.clone(), 0usize..13).prop_map(move |(l, r, k)| {
                    use BinOp::*;
                    let op = [And, Or, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod][k];
                    Expr::Binary {
                        op,
                        l: bx(l),
                        r: bx(r),
                    }
                }),
                (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                    move |(e, lo, hi, negated)| Expr::Between {
                        e: bx(e),
                        lo: bx(lo),
                        hi: bx(hi),
                        negated
                    }
                ),
                (
                    inner.clone(),
                    prop::collection::vec(inner.clone(), 1..4),
                    any::<bool>()
                )
                    .prop_map(move |(e, list, negated)| Expr::InList {
                        e: bx(e),
                        list,
                        negated
                    }),
                (inner.clone(), "[ -~]{0,6}", any::<bool>(), any::<bool>()).prop_map(
                    move |(e, pattern, negated, ci)| Expr::Like {
                        e: bx(e),
                        pattern,
                        negated,
                        ci
                    }
                ),
                (inner.clone(), any::<bool>())
                    .prop_map(move |(e, negated)| Expr::IsNull { e: bx(e), negated }),
                (inner.clone(), 0usize..9).prop_map(|(a, k)| {
                    let f = [
                        Func::Lower,
                        Func::Upper,
                        Func::Length,
                        Func::Trim,
                        Func::Abs,
                        Func::Round,
                        Func::Year,
                        Func::Month,
                        Func::Day,
                    ][k];
                    Expr::Func {
                        f,
                        args: vec![a],
                        pos: 0,
                    }
                }),
                (inner.clone(), 0i64..6).prop_map(|(a, d)| Expr::Func {
                    f: Func::Round,
                    args: vec![a, Expr::Int(d)],
                    pos: 0
                }),
                prop::collection::vec(inner, 1..4).prop_map(|args| Expr::Func {
                    f: Func::Coalesce,
                    args,
                    pos: 0
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// parse(print(e)) == e for any tree the subset can express.
        #[test]
        fn print_then_parse_gives_the_same_tree(e in tree()) {
            let text = print::to_text(&e);
            let back = parse_condition(&text)
                .unwrap_or_else(|err| panic!("{text}: {err}"));
            prop_assert_eq!(strip(&back), strip(&e), "{}", text);
        }
    }

    fn col(n: &str, pos: usize) -> Box<Expr> {
        Box::new(Expr::Column {
            name: n.into(),
            pos,
        })
    }

    #[test]
    fn parses_the_subset() {
        assert_eq!(
            parse_condition("orders >= 10").unwrap(),
            Expr::Binary {
                op: BinOp::Ge,
                l: col("orders", 1),
                r: Box::new(Expr::Int(10))
            }
        );
        let e = parse_condition("\"Annual Income (k$)\" BETWEEN 40 AND 70.5").unwrap();
        assert!(
            matches!(e, Expr::Between { ref e, .. } if **e == Expr::Column { name: "Annual Income (k$)".into(), pos: 1 })
        );
        for ok in [
            "benefit_sought IN ('quality', 'features')",
            "lifestyle NOT IN ('green') OR lifestyle IS NULL",
            "name LIKE 'J%' AND email ILIKE '%@MAIL.DK'",
            "NOT (age < 25) AND income IS NOT NULL",
            "round(revenue / orders, 2) > 10.5 AND abs(x) % 2 = 1",
            "last_order >= DATE '2024-01-31'",
            "coalesce(age, 0) - -3 <> 4",
            "year(first_order) = 2023 AND lower(trim(country)) = 'latvia'",
            "TRUE",
        ] {
            parse_condition(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn rejects_everything_else_with_a_position() {
        let e = parse_condition("age > 3 AND (SELECT 1) = 1").unwrap_err();
        assert!(e.message.contains("subquery"), "{e}");
        assert_eq!(e.pos, Some(14));
        let e = parse_condition("read_file('/etc/passwd') = 'x'").unwrap_err();
        assert!(e.message.contains("read_file() is not allowed"), "{e}");
        assert_eq!(e.pos, Some(1));
        let e = parse_condition("lowr(x) = 'a'").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean lower()?"));
        let e = parse_condition("age > 3; DROP TABLE customers").unwrap_err();
        assert!(e.message.contains("unexpected"), "{e}");
        assert_eq!(e.pos, Some(8));
        let e = parse_condition("age >").unwrap_err();
        assert!(e.message.starts_with("syntax error"), "{e}");
        assert!(parse_condition("CASE WHEN a THEN 1 END = 1").is_err());
        assert!(parse_condition("CAST(a AS INT) = 1").is_err());
        assert!(parse_condition("t.age = 1").is_err());
        assert!(parse_condition("").is_err());
        assert!(parse_condition("DATE '2024-02-30' < d").is_err());
    }

    #[test]
    fn column_positions_count_characters() {
        let e = parse_condition("'Rīga' = city").unwrap();
        assert_eq!(e.columns(), vec![("city", 10)]);
    }
}
