//! From sqlparser's AST to strata's expression tree, rejecting everything outside the subset.

use sqlparser::ast::{self as sql, Spanned as _};

use super::{BinOp, ConditionError, Expr, Func, pos_of};

pub(super) struct Conv<'a> {
    pub(super) text: &'a str,
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

    pub(super) fn expr(&self, e: &sql::Expr) -> Result<Expr, ConditionError> {
        use sql::Expr as S;
        Ok(match e {
            S::Identifier(id) => self.ident(id, e)?,
            S::CompoundIdentifier(parts) => return Err(self.compound(parts, e)),
            S::Nested(inner) => self.expr(inner)?,
            S::Value(v) => self.value(&v.value, e)?,
            S::TypedString(ts) => self.typed_string(ts, e)?,
            S::UnaryOp { op, expr } => self.unary(op, expr, e)?,
            S::BinaryOp { left, op, right } => Expr::Binary {
                op: self.binary_op(op, e)?,
                l: self.b(left)?,
                r: self.b(right)?,
            },
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

    /// NOT, unary minus (folded into a number literal) and unary plus.
    fn unary(
        &self,
        op: &sql::UnaryOperator,
        expr: &sql::Expr,
        e: &sql::Expr,
    ) -> Result<Expr, ConditionError> {
        Ok(match op {
            sql::UnaryOperator::Not => Expr::Not(self.b(expr)?),
            sql::UnaryOperator::Minus => match self.expr(expr)? {
                Expr::Int(i) => Expr::Int(-i),
                Expr::Float(f) => Expr::Float(-f),
                x => Expr::Neg(Box::new(x)),
            },
            sql::UnaryOperator::Plus => self.expr(expr)?,
            other => return Err(self.reject(e, &format!("the operator {other}"))),
        })
    }

    fn compound(&self, parts: &[sql::Ident], e: &sql::Expr) -> ConditionError {
        ConditionError {
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
                "write \"Column Name\" in double quotes for names with spaces or dots".into(),
            ),
        }
    }

    /// `DATE 'YYYY-MM-DD'`, the one typed literal allowed.
    fn typed_string(&self, ts: &sql::TypedString, e: &sql::Expr) -> Result<Expr, ConditionError> {
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
        Ok(Expr::Date(
            (d - crate::engine::data::infer::epoch()).num_days() as i32,
        ))
    }

    fn binary_op(&self, op: &sql::BinaryOperator, e: &sql::Expr) -> Result<BinOp, ConditionError> {
        use sql::BinaryOperator as B;
        Ok(match op {
            B::And => BinOp::And,
            B::Or => BinOp::Or,
            B::Eq => BinOp::Eq,
            B::NotEq => BinOp::Ne,
            B::Lt => BinOp::Lt,
            B::LtEq => BinOp::Le,
            B::Gt => BinOp::Gt,
            B::GtEq => BinOp::Ge,
            B::Plus => BinOp::Add,
            B::Minus => BinOp::Sub,
            B::Multiply => BinOp::Mul,
            B::Divide => BinOp::Div,
            B::Modulo => BinOp::Mod,
            other => return Err(self.reject(e, &format!("the operator {other}"))),
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
