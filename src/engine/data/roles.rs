//! Role suggestions: what each column probably means, from its name, type and values.

use super::profile::ColumnProfile;

/// What a column can mean to a segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CustomerId,
    OrderId,
    OrderDate,
    Amount,
    Quantity,
    UnitPrice,
    Product,
    Category,
    Channel,
    Discount,
    Age,
    Gender,
    Income,
    Education,
    MaritalStatus,
    Children,
    Occupation,
    Country,
    Region,
    City,
    Density,
    Climate,
    UrbanRural,
    Lifestyle,
    Benefit,
    /// An answer to a survey question (a rating, an agreement scale, a choice).
    Answer,
    Date,
    Pii,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CustomerId => "customer id",
            Role::OrderId => "order id",
            Role::OrderDate => "order date",
            Role::Amount => "amount",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit price",
            Role::Product => "product",
            Role::Category => "category",
            Role::Channel => "channel",
            Role::Discount => "discount",
            Role::Age => "age",
            Role::Gender => "gender",
            Role::Income => "income",
            Role::Education => "education",
            Role::MaritalStatus => "marital status",
            Role::Children => "children",
            Role::Occupation => "occupation",
            Role::Country => "country",
            Role::Region => "region",
            Role::City => "city",
            Role::Density => "population density",
            Role::Climate => "climate",
            Role::UrbanRural => "urban / rural",
            Role::Lifestyle => "lifestyle",
            Role::Benefit => "benefit sought",
            Role::Answer => "survey answer",
            Role::Date => "date",
            Role::Pii => "personal data (PII)",
        }
    }

    /// The wizard step whose criteria usually use a column of this role.
    pub fn step_hint(self) -> Option<&'static str> {
        Some(match self {
            Role::Age
            | Role::Gender
            | Role::Income
            | Role::Education
            | Role::MaritalStatus
            | Role::Children
            | Role::Occupation => "demographic",
            Role::Country
            | Role::Region
            | Role::City
            | Role::Density
            | Role::Climate
            | Role::UrbanRural => "geographic",
            Role::Lifestyle | Role::Answer => "psychographic",
            Role::Benefit => "benefits",
            _ => return None,
        })
    }
}

/// A suggested role for a column, never applied without the user's say.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub column: String,
    pub role: Role,
    /// 0 … 1
    pub confidence: f64,
    pub reason: String,
}

/// Lower-case words of a column name (`Annual Income (k$)` → `annual income k`; `CustomerID` → `customer id`).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn has(w: &[String], any: &[&str]) -> bool {
    w.iter().any(|x| any.contains(&x.as_str()))
}

fn numeric(p: &ColumnProfile) -> bool {
    p.kind == "integer" || p.kind == "number"
}

fn temporal(p: &ColumnProfile) -> bool {
    p.kind == "date" || p.kind == "datetime"
}

fn min_max(p: &ColumnProfile) -> Option<(f64, f64)> {
    Some((p.min.as_ref()?.parse().ok()?, p.max.as_ref()?.parse().ok()?))
}

/// What the rules read about a column, worked out once.
struct Facts<'a> {
    p: &'a ColumnProfile,
    /// The name's lower-case words, and the same run together.
    w: Vec<String>,
    joined: String,
    /// One row per value.
    unique: bool,
    /// Few distinct values for the number of rows.
    low_card: bool,
    /// The name ends like an identifier.
    idish: bool,
}

impl Facts<'_> {
    fn named(&self, any: &[&str]) -> bool {
        has(&self.w, any)
    }

    /// A survey question's name: `q12`, or a word such as rating or recommend.
    fn question(&self) -> bool {
        self.w.iter().any(|x| {
            x.len() >= 2 && x.starts_with('q') && x[1..].chars().all(|c| c.is_ascii_digit())
        }) || self.named(QUESTION_WORDS)
    }

    /// Most frequent values on an agreement or frequency scale.
    fn scale_values(&self) -> bool {
        let p = self.p;
        !numeric(p)
            && self.low_card
            && !p.top.is_empty()
            && p.top
                .iter()
                .filter(|(v, _)| {
                    let v = v.to_lowercase();
                    SCALE_WORDS.iter().any(|s| v.contains(s))
                })
                .count()
                * 2
                > p.top.len()
    }

    /// Most samples look like e-mail addresses.
    fn emails(&self) -> bool {
        let s = &self.p.samples;
        s.iter()
            .filter(|x| x.contains('@') && x.contains('.'))
            .count()
            * 2
            > s.len()
    }
}

const QUESTION_WORDS: &[&str] = &[
    "question",
    "answer",
    "survey",
    "rating",
    "rate",
    "agree",
    "likert",
    "recommend",
    "nps",
    "satisfaction",
    "satisfied",
    "important",
    "importance",
    "likely",
    "prefer",
    "preference",
    "opinion",
];
const SCALE_WORDS: &[&str] = &[
    "agree",
    "disagree",
    "neutral",
    "strongly agree",
    "strongly disagree",
    "yes",
    "no",
    "very",
    "somewhat",
    "not at all",
    "never",
    "sometimes",
    "often",
    "always",
];
const ORDER_WORDS: &[&str] = &[
    "order",
    "invoice",
    "purchase",
    "transaction",
    "sale",
    "sales",
];

/// The column types a rule looks at.
#[derive(Clone, Copy)]
enum Kind {
    Any,
    Number,
    Date,
    /// Neither a number nor a date.
    Text,
    /// A number or a date.
    NotText,
}

impl Kind {
    fn fits(self, p: &ColumnProfile) -> bool {
        let text = !numeric(p) && !temporal(p);
        match self {
            Kind::Any => true,
            Kind::Number => numeric(p),
            Kind::Date => temporal(p),
            Kind::Text => text,
            Kind::NotText => !text,
        }
    }
}

/// One way to recognise a role: the column's type, words of its name (any of them; none: no
/// condition on the name), and a judgement giving confidence and reason, or nothing.
struct RoleRule {
    role: Role,
    kind: Kind,
    words: &'static [&'static str],
    judge: fn(&Facts) -> Option<(f64, &'static str)>,
}

const fn rule(
    role: Role,
    kind: Kind,
    words: &'static [&'static str],
    judge: fn(&Facts) -> Option<(f64, &'static str)>,
) -> RoleRule {
    RoleRule {
        role,
        kind,
        words,
        judge,
    }
}

/// Every rule, in the order ties between equally confident roles are settled.
static RULES: &[RoleRule] = &[
    rule(Role::CustomerId, Kind::Any, &[], |f| {
        let who = f.named(&[
            "customer",
            "client",
            "cust",
            "member",
            "user",
            "account",
            "respondent",
            "participant",
        ]);
        let whole =
            ["customerid", "custid", "clientid", "customer", "id"].contains(&f.joined.as_str());
        ((who && f.idish) || whole).then_some(if f.unique {
            (0.95, "named like an id, one row per value")
        } else {
            (0.8, "named like a customer id")
        })
    }),
    rule(Role::OrderId, Kind::Any, &[], |f| {
        let named = f.named(&["order", "invoice", "transaction", "receipt", "basket"]);
        let whole = ["invoiceno", "orderid", "ordernumber"].contains(&f.joined.as_str());
        ((named && (f.idish || f.w.len() == 1)) || whole)
            .then_some((0.85, "named like an order or invoice number"))
    }),
    rule(Role::OrderDate, Kind::Date, ORDER_WORDS, |_| {
        Some((0.9, "a date named after orders"))
    }),
    rule(Role::Date, Kind::Date, &[], |f| {
        (!f.named(ORDER_WORDS)).then_some((0.7, "holds dates"))
    }),
    rule(Role::OrderDate, Kind::Date, &[], |f| {
        (!f.named(ORDER_WORDS)).then_some((0.5, "holds dates"))
    }),
    rule(
        Role::Amount,
        Kind::Number,
        &[
            "amount", "revenue", "sales", "spend", "spent", "total", "value", "turnover",
            "monetary", "charges",
        ],
        |f| (f.p.distinct > 2).then_some((0.8, "a number named like money spent")),
    ),
    rule(
        Role::Quantity,
        Kind::Number,
        &["qty", "quantity", "units", "count"],
        |f| (!f.named(&["price"])).then_some((0.85, "a number named like a quantity")),
    ),
    rule(Role::UnitPrice, Kind::Number, &[], |f| {
        (f.named(&["price", "unitprice"]) || f.joined == "unitprice")
            .then_some((0.85, "a number named like a price"))
    }),
    rule(
        Role::Discount,
        Kind::Number,
        &["discount", "rebate", "coupon", "promo"],
        |_| Some((0.8, "a number named like a discount")),
    ),
    rule(Role::Age, Kind::Number, &["age"], |f| {
        Some(
            if min_max(f.p).is_some_and(|(a, b)| a >= 0.0 && b <= 120.0) {
                (0.95, "named age, values 0–120")
            } else {
                (0.5, "named age")
            },
        )
    }),
    rule(Role::Age, Kind::Number, &["birth", "born", "yob"], |_| {
        Some((0.6, "a birth year: derive age from it"))
    }),
    rule(
        Role::Income,
        Kind::Number,
        &["income", "salary", "earnings", "wage"],
        |_| Some((0.9, "a number named like income")),
    ),
    rule(Role::Children, Kind::Number, &[], |f| {
        (f.named(&[
            "kids",
            "children",
            "kidhome",
            "teenhome",
            "dependents",
            "child",
        ]) || f.joined.contains("kidhome"))
        .then_some((0.85, "a number named like children"))
    }),
    rule(
        Role::Density,
        Kind::Number,
        &["density", "population", "popdensity"],
        |_| Some((0.85, "a number named like density")),
    ),
    rule(Role::Gender, Kind::Any, &["gender", "sex"], |f| {
        Some((if f.low_card { 0.95 } else { 0.6 }, "named gender"))
    }),
    rule(
        Role::Education,
        Kind::Any,
        &["education", "degree", "qualification"],
        |_| Some((0.9, "named education")),
    ),
    rule(
        Role::MaritalStatus,
        Kind::Any,
        &["marital", "married", "relationship"],
        |_| Some((0.9, "named marital status")),
    ),
    rule(
        Role::Occupation,
        Kind::Any,
        &["job", "occupation", "profession", "employment"],
        |_| Some((0.85, "named occupation")),
    ),
    rule(Role::Country, Kind::Any, &["country", "nation"], |_| {
        Some((0.95, "named country"))
    }),
    rule(
        Role::Region,
        Kind::Any,
        &["region", "state", "province", "county", "territory"],
        |_| Some((0.85, "named region")),
    ),
    rule(
        Role::City,
        Kind::Any,
        &["city", "town", "municipality"],
        |_| Some((0.9, "named city")),
    ),
    rule(Role::Climate, Kind::Any, &["climate", "weather"], |_| {
        Some((0.85, "named climate"))
    }),
    rule(
        Role::UrbanRural,
        Kind::Any,
        &["urban", "rural", "area", "settlement"],
        |f| (!numeric(f.p)).then_some((0.75, "named like an urban/rural area type")),
    ),
    rule(
        Role::Lifestyle,
        Kind::Any,
        &[
            "lifestyle",
            "interest",
            "interests",
            "hobby",
            "values",
            "personality",
            "attitude",
            "class",
        ],
        |_| Some((0.7, "named like a lifestyle or attitude answer")),
    ),
    rule(
        Role::Benefit,
        Kind::Any,
        &["benefit", "benefits", "motivation", "reason", "need"],
        |_| Some((0.75, "named like a benefit sought")),
    ),
    // survey answers: question-like names with few answers, or values on a scale
    rule(Role::Answer, Kind::Any, &[], |f| {
        let p = f.p;
        let small_ints = numeric(p) && p.kind == "integer" && p.distinct > 0 && p.distinct <= 11;
        if f.question() && (f.low_card || small_ints) {
            Some((0.72, "named like a survey question, few distinct answers"))
        } else {
            f.scale_values()
                .then_some((0.65, "values on an agreement or frequency scale"))
        }
    }),
    rule(
        Role::Product,
        Kind::Text,
        &["product", "item", "sku", "stock", "description", "article"],
        |_| Some((0.8, "named like a product")),
    ),
    rule(
        Role::Category,
        Kind::Text,
        &[
            "category",
            "department",
            "family",
            "segment",
            "group",
            "type",
        ],
        |f| {
            f.low_card
                .then_some((0.7, "a few distinct values, named like a category"))
        },
    ),
    rule(
        Role::Channel,
        Kind::Text,
        &["channel", "source", "medium", "contact", "platform"],
        |_| Some((0.8, "named like a sales channel")),
    ),
    rule(Role::Pii, Kind::Text, &[], |f| {
        (f.emails() || f.named(&["email", "mail"])).then_some((0.95, "holds e-mail addresses"))
    }),
    rule(Role::Pii, Kind::Text, &[], |f| {
        let person = f.named(&["name", "surname", "firstname", "lastname", "fullname"])
            || f.joined == "name";
        let thing = f.named(&["product", "item", "stock", "company", "store", "shop"]);
        (person && !thing && !f.low_card).then_some((0.85, "holds people's names"))
    }),
    rule(
        Role::Pii,
        Kind::Text,
        &[
            "phone",
            "mobile",
            "telephone",
            "address",
            "street",
            "ssn",
            "passport",
            "iban",
        ],
        |f| (!f.low_card).then_some((0.85, "holds contact or identity data")),
    ),
    rule(
        Role::Pii,
        Kind::NotText,
        &["phone", "mobile", "zip", "postcode", "postal"],
        |_| Some((0.5, "numbers that may identify a person")),
    ),
];

/// Candidate roles for one column, best first: every rule that fits, the most confident per role.
pub fn suggest(p: &ColumnProfile) -> Vec<Suggestion> {
    let w = words(&p.name);
    let joined = w.join("");
    let non_null = p.rows - p.nulls;
    let f = Facts {
        p,
        idish: has(&w, &["id", "no", "number", "code", "key"]) || joined.ends_with("id"),
        unique: non_null > 0 && p.distinct == non_null,
        low_card: p.distinct > 0 && p.distinct <= 30.max(non_null / 1000).min(200),
        w,
        joined,
    };
    let mut out: Vec<(Role, f64, &str)> = RULES
        .iter()
        .filter(|r| r.kind.fits(p) && (r.words.is_empty() || f.named(r.words)))
        .filter_map(|r| (r.judge)(&f).map(|(c, why)| (r.role, c, why)))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut seen = std::collections::HashSet::new();
    out.into_iter()
        .filter(|(r, _, _)| seen.insert(*r))
        .map(|(role, confidence, reason)| Suggestion {
            column: p.name.clone(),
            role,
            confidence,
            reason: reason.to_string(),
        })
        .collect()
}

/// The best suggestion per column (columns with none are left out).
pub fn suggest_all(profiles: &[ColumnProfile]) -> Vec<Suggestion> {
    profiles
        .iter()
        .filter_map(|p| suggest(p).into_iter().next())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::profile::profile_column;
    use polars::prelude::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("Annual Income (k$)"), vec!["annual", "income", "k"]);
        assert_eq!(words("CustomerID"), vec!["customer", "id"]);
        assert_eq!(words("Marital_Status"), vec!["marital", "status"]);
        assert_eq!(words("InvoiceNo"), vec!["invoice", "no"]);
    }

    fn best(name: &str, s: Series) -> Option<Role> {
        let s = s.with_name(name.into());
        suggest(&profile_column(&s)).first().map(|x| x.role)
    }

    #[test]
    fn recognises_survey_answers() {
        assert_eq!(
            best(
                "q3_recommend",
                Series::new("".into(), vec![9i64, 10, 7, 3, 9, 8])
            ),
            Some(Role::Answer)
        );
        assert_eq!(
            best(
                "I try new products",
                Series::new(
                    "".into(),
                    vec!["agree", "strongly agree", "neutral", "disagree", "agree"]
                )
            ),
            Some(Role::Answer)
        );
        assert_ne!(
            best("amount", Series::new("".into(), vec![9i64, 10, 7])),
            Some(Role::Answer)
        );
    }

    #[test]
    fn suggests_from_name_type_and_values() {
        assert_eq!(
            best("CustomerID", Series::new("".into(), vec![1i64, 2, 3])),
            Some(Role::CustomerId)
        );
        assert_eq!(
            best("Age", Series::new("".into(), vec![19i64, 35, 70])),
            Some(Role::Age)
        );
        assert_eq!(
            best(
                "Annual Income (k$)",
                Series::new("".into(), vec![15i64, 16])
            ),
            Some(Role::Income)
        );
        assert_eq!(
            best(
                "InvoiceNo",
                Series::new("".into(), vec!["536365", "C536379"])
            ),
            Some(Role::OrderId)
        );
        assert_eq!(
            best("contact", Series::new("".into(), vec!["a@b.lv", "c@d.az"])),
            Some(Role::Pii)
        );
        assert_eq!(
            best("Gender", Series::new("".into(), vec!["Male", "Female"])),
            Some(Role::Gender)
        );
        assert_eq!(
            best("Description", Series::new("".into(), vec!["MUG", "CUP"])),
            Some(Role::Product)
        );
        assert_eq!(best("zzz", Series::new("".into(), vec![1i64])), None);
    }
}
