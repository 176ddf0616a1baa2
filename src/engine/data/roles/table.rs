//! The table of rules that recognise a role from a column's name, type and values, and the
//! facts about a column they read.

use super::Role;
use crate::engine::data::profile::ColumnProfile;

pub(super) fn has(w: &[String], any: &[&str]) -> bool {
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
pub(super) struct Facts<'a> {
    pub(super) p: &'a ColumnProfile,
    /// The name's lower-case words, and the same run together.
    pub(super) w: Vec<String>,
    pub(super) joined: String,
    /// One row per value.
    pub(super) unique: bool,
    /// Few distinct values for the number of rows.
    pub(super) low_card: bool,
    /// The name ends like an identifier.
    pub(super) idish: bool,
}

impl Facts<'_> {
    pub(super) fn named(&self, any: &[&str]) -> bool {
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

    /// Read as text, yet most of its frequent values and samples are plain numbers: a column
    /// of numbers with a few bad cells ("1,234.50", "n/a"), which the role then names.
    fn mostly_numbers(&self) -> bool {
        let p = self.p;
        let seen: Vec<&str> = p
            .top
            .iter()
            .map(|(v, _)| v.as_str())
            .chain(p.samples.iter().map(String::as_str))
            .collect();
        // a number, also with its thousands grouped ("1,010.50": a bad value a run names)
        let number = |v: &str| {
            let v = v.trim();
            v.parse::<f64>().is_ok_and(f64::is_finite)
                || (v.contains(',') && v.replace(',', "").parse::<f64>().is_ok_and(f64::is_finite))
        };
        let numbers = seen.iter().filter(|v| number(v)).count();
        !numeric(p) && !temporal(p) && numbers * 3 > seen.len() * 2
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
const MONEY_WORDS: &[&str] = &[
    "amount", "revenue", "sales", "spend", "spent", "total", "value", "turnover", "monetary",
    "charges",
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
pub(super) enum Kind {
    Any,
    Number,
    Date,
    /// Neither a number nor a date.
    Text,
    /// A number or a date.
    NotText,
}

impl Kind {
    pub(super) fn fits(self, p: &ColumnProfile) -> bool {
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
pub(super) struct RoleRule {
    pub(super) role: Role,
    pub(super) kind: Kind,
    pub(super) words: &'static [&'static str],
    pub(super) judge: fn(&Facts) -> Option<(f64, &'static str)>,
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
pub(super) static RULES: &[RoleRule] = &[
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
    rule(Role::Amount, Kind::Number, MONEY_WORDS, |f| {
        (f.p.distinct > 2).then_some((0.8, "a number named like money spent"))
    }),
    rule(Role::Amount, Kind::Text, MONEY_WORDS, |f| {
        (f.p.distinct > 2 && f.mostly_numbers()).then_some((
            0.6,
            "named like money spent, nearly all numbers: the others are bad values",
        ))
    }),
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
