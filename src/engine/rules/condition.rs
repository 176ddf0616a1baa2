//! Conditions: the safe SQL subset of SPEC §4.2, parsed by sqlparser into strata's own tree.

use sqlparser::ast::{self as sql, Spanned as _};
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

struct Conv<'a> {
    text: &'a str,
}

impl Conv<'_> {
    fn pos(&self, e: &sql::Expr) -> Option<usize> {
        pos_of(self.text, e.span().start)
    }

    fn reject(&self, e: &sql::Expr, what: &str) -> ConditionError {
        ConditionError {
            message: format!("{what} is not allowed in a condition"),
            pos: self.pos(e),
            hint: Some("conditions use comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, + - * / % and lower upper length trim abs round coalesce year month day".into()),
        }
    }

    fn b(&self, e: &sql::Expr) -> Result<Box<Expr>, ConditionError> {
        self.expr(e).map(Box::new)
    }

    fn expr(&self, e: &sql::Expr) -> Result<Expr, ConditionError> {
        use sql::Expr as S;
        Ok(match e {
            S::Identifier(id) => self.ident(id, e)?,
            S::CompoundIdentifier(parts) => {
                return Err(ConditionError {
                    message: format!(
                        "`{}` names a table column; use the bare column name",
                        parts
                            .iter()
                            .map(|p| p.value.clone())
                            .collect::<Vec<_>>()
                            .join(".")
                    ),
                    pos: self.pos(e),
                    hint: Some(
                        "write \"Column Name\" in double quotes for names with spaces or dots"
                            .into(),
                    ),
                });
            }
            S::Nested(inner) => self.expr(inner)?,
            S::Value(v) => self.value(&v.value, e)?,
            S::TypedString(ts) => {
                let is_date = matches!(ts.data_type, sql::DataType::Date);
                let s = match &ts.value.value {
                    sql::Value::SingleQuotedString(s) => s.clone(),
                    _ => return Err(self.reject(e, "this literal")),
                };
                if !is_date {
                    return Err(self.reject(e, &format!("a {} literal", ts.data_type)));
                }
                let d = chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                    ConditionError::at(
                        self.pos(e),
                        format!("DATE '{s}' is not a date; write DATE 'YYYY-MM-DD'"),
                    )
                })?;
                Expr::Date((d - crate::engine::data::infer::epoch()).num_days() as i32)
            }
            S::UnaryOp { op, expr } => match op {
                sql::UnaryOperator::Not => Expr::Not(self.b(expr)?),
                sql::UnaryOperator::Minus => match self.expr(expr)? {
                    Expr::Int(i) => Expr::Int(-i),
                    Expr::Float(f) => Expr::Float(-f),
                    x => Expr::Neg(Box::new(x)),
                },
                sql::UnaryOperator::Plus => self.expr(expr)?,
                other => return Err(self.reject(e, &format!("the operator {other}"))),
            },
            S::BinaryOp { left, op, right } => {
                let op = match op {
                    sql::BinaryOperator::And => BinOp::And,
                    sql::BinaryOperator::Or => BinOp::Or,
                    sql::BinaryOperator::Eq => BinOp::Eq,
                    sql::BinaryOperator::NotEq => BinOp::Ne,
                    sql::BinaryOperator::Lt => BinOp::Lt,
                    sql::BinaryOperator::LtEq => BinOp::Le,
                    sql::BinaryOperator::Gt => BinOp::Gt,
                    sql::BinaryOperator::GtEq => BinOp::Ge,
                    sql::BinaryOperator::Plus => BinOp::Add,
                    sql::BinaryOperator::Minus => BinOp::Sub,
                    sql::BinaryOperator::Multiply => BinOp::Mul,
                    sql::BinaryOperator::Divide => BinOp::Div,
                    sql::BinaryOperator::Modulo => BinOp::Mod,
                    other => return Err(self.reject(e, &format!("the operator {other}"))),
                };
                Expr::Binary {
                    op,
                    l: self.b(left)?,
                    r: self.b(right)?,
                }
            }
            S::Between {
                expr,
                negated,
                low,
                high,
            } => Expr::Between {
                e: self.b(expr)?,
                lo: self.b(low)?,
                hi: self.b(high)?,
                negated: *negated,
            },
            S::In {
                expr,
                target: sql::InTarget::List(list),
                negated,
                ..
            } => Expr::InList {
                e: self.b(expr)?,
                list: list
                    .iter()
                    .map(|x| self.expr(x))
                    .collect::<Result<_, _>>()?,
                negated: *negated,
            },
            S::In { .. } => return Err(self.reject(e, "IN with a subquery")),
            S::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.like(expr, pattern, *negated, false)?,
            S::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.like(expr, pattern, *negated, true)?,
            S::IsNull(x) => Expr::IsNull {
                e: self.b(x)?,
                negated: false,
            },
            S::IsNotNull(x) => Expr::IsNull {
                e: self.b(x)?,
                negated: true,
            },
            S::Function(f) => self.function(f, e)?,
            S::Trim {
                expr,
                trim_where: None,
                trim_what: None,
                trim_characters: None,
            } => Expr::Func {
                f: Func::Trim,
                args: vec![self.expr(expr)?],
                pos: self.pos(e).unwrap_or(1),
            },
            S::Subquery(_) | S::Exists { .. } => return Err(self.reject(e, "a subquery")),
            S::Case { .. } => return Err(self.reject(e, "CASE")),
            S::Cast { .. } => return Err(self.reject(e, "CAST")),
            _ => return Err(self.reject(e, &format!("`{e}`"))),
        })
    }

    fn ident(&self, id: &sql::Ident, e: &sql::Expr) -> Result<Expr, ConditionError> {
        // unquoted TRUE/FALSE/NULL arrive as values; anything else is a column
        if id.quote_style == Some('\'') {
            return Ok(Expr::Text(id.value.clone()));
        }
        if id.quote_style.is_some() && id.quote_style != Some('"') {
            return Err(ConditionError::at(
                self.pos(e),
                format!(
                    "quote column names with double quotes, not {}",
                    id.quote_style.unwrap_or(' ')
                ),
            ));
        }
        Ok(Expr::Column {
            name: id.value.clone(),
            pos: self.pos(e).unwrap_or(1),
        })
    }

    fn value(&self, v: &sql::Value, e: &sql::Expr) -> Result<Expr, ConditionError> {
        Ok(match v {
            sql::Value::Number(n, _) => {
                if let Ok(i) = n.parse::<i64>() {
                    Expr::Int(i)
                } else {
                    match n.parse::<f64>() {
                        Ok(f) if f.is_finite() => Expr::Float(f),
                        _ => {
                            return Err(ConditionError::at(
                                self.pos(e),
                                format!("{n} is not a usable number"),
                            ));
                        }
                    }
                }
            }
            sql::Value::SingleQuotedString(s) => Expr::Text(s.clone()),
            sql::Value::Boolean(b) => Expr::Bool(*b),
            sql::Value::Null => Expr::Null,
            sql::Value::DoubleQuotedString(s) => Expr::Column {
                name: s.clone(),
                pos: self.pos(e).unwrap_or(1),
            },
            other => return Err(self.reject(e, &format!("the literal {other}"))),
        })
    }

    fn like(
        &self,
        expr: &sql::Expr,
        pattern: &sql::Expr,
        negated: bool,
        ci: bool,
    ) -> Result<Expr, ConditionError> {
        let p = match self.expr(pattern)? {
            Expr::Text(s) => s,
            _ => {
                return Err(ConditionError::at(
                    self.pos(pattern),
                    "LIKE needs a quoted pattern, e.g. name LIKE 'A%'",
                ));
            }
        };
        Ok(Expr::Like {
            e: self.b(expr)?,
            pattern: p,
            negated,
            ci,
        })
    }

    fn function(&self, f: &sql::Function, e: &sql::Expr) -> Result<Expr, ConditionError> {
        let name = f.name.to_string().to_lowercase();
        let Some(func) = Func::ALL.iter().find(|x| x.0 == name).map(|x| x.1) else {
            let hint = crate::engine::error::did_you_mean(&name, Func::ALL.iter().map(|x| x.0));
            return Err(ConditionError {
                message: format!("function {name}() is not allowed in a condition"),
                pos: self.pos(e),
                hint: Some(match hint {
                    Some(h) => format!("did you mean {h}()?"),
                    None => {
                        "allowed: lower upper length trim abs round coalesce year month day".into()
                    }
                }),
            });
        };
        if f.filter.is_some() || f.over.is_some() || !f.within_group.is_empty() {
            return Err(self.reject(e, "a window or aggregate clause"));
        }
        let args = match &f.args {
            sql::FunctionArguments::List(l)
                if l.duplicate_treatment.is_none() && l.clauses.is_empty() =>
            {
                l.args
                    .iter()
                    .map(|a| match a {
                        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(x)) => self.expr(x),
                        _ => Err(self.reject(e, "this kind of function argument")),
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            _ => {
                return Err(ConditionError::at(
                    self.pos(e),
                    format!("{name}() needs its arguments in parentheses"),
                ));
            }
        };
        let ok = match func {
            Func::Coalesce => !args.is_empty(),
            Func::Round => args.len() == 1 || args.len() == 2,
            _ => args.len() == 1,
        };
        if !ok {
            return Err(ConditionError::at(
                self.pos(e),
                format!(
                    "{name}() takes {}",
                    match func {
                        Func::Coalesce => "one or more arguments",
                        Func::Round => "a number and optionally the digits to keep",
                        _ => "one argument",
                    }
                ),
            ));
        }
        if func == Func::Round && args.len() == 2 && !matches!(args[1], Expr::Int(_)) {
            return Err(ConditionError::at(
                self.pos(e),
                "round(x, n) needs a whole number n",
            ));
        }
        Ok(Expr::Func {
            f: func,
            args,
            pos: self.pos(e).unwrap_or(1),
        })
    }
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
