//! The [characteristics] section: step 2's word for each column, as `column = "birth_year"`.

use toml_edit::TableLike;

use super::*;
use crate::engine::rules::characteristics::Characteristic;

impl P<'_> {
    pub(super) fn characteristics(
        &mut self,
        root: &dyn TableLike,
    ) -> Vec<(Spanned<String>, Characteristic)> {
        let Some(t) = self.table(root, "", "characteristics") else {
            return vec![];
        };
        let mut out = Vec::new();
        for (column, _) in t.iter() {
            let Some(word) = self.string(t, "characteristics", column) else {
                continue;
            };
            match Characteristic::parse(&word.value) {
                Some(c) => out.push((Spanned::new(column.to_string(), word.span), c)),
                None => {
                    let words: Vec<&str> = Characteristic::ALL.iter().map(|c| c.word()).collect();
                    let hint = did_you_mean(&word.value, words.iter().copied())
                        .map(|m| format!("did you mean \"{m}\"?"))
                        .unwrap_or_else(|| format!("one of: {}", words.join(", ")));
                    self.diag(
                        word.span,
                        &join_key("characteristics", column),
                        format!("\"{}\" is not a characteristic", word.value),
                        Some(hint),
                    );
                }
            }
        }
        out
    }
}
