//! SQL LIKE and ILIKE patterns.

/// SQL LIKE: `%` any run, `_` one character; ILIKE compares case-insensitively.
pub struct LikePattern {
    parts: Vec<LikeTok>,
    ci: bool,
}

enum LikeTok {
    Any,
    One,
    Lit(char),
}

impl LikePattern {
    pub fn new(p: &str, ci: bool) -> Self {
        let p = if ci { p.to_lowercase() } else { p.to_string() };
        let parts = p
            .chars()
            .map(|c| match c {
                '%' => LikeTok::Any,
                '_' => LikeTok::One,
                c => LikeTok::Lit(c),
            })
            .collect();
        LikePattern { parts, ci }
    }

    pub fn matches(&self, s: &str) -> bool {
        let s: Vec<char> = if self.ci {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        };
        // iterative wildcard match with backtracking to the last %
        let (mut i, mut j) = (0usize, 0usize);
        let (mut star, mut mark) = (None::<usize>, 0usize);
        while i < s.len() {
            match self.parts.get(j) {
                Some(LikeTok::One) => {
                    i += 1;
                    j += 1;
                }
                Some(LikeTok::Lit(c)) if *c == s[i] => {
                    i += 1;
                    j += 1;
                }
                Some(LikeTok::Any) => {
                    star = Some(j);
                    mark = i;
                    j += 1;
                }
                _ => match star {
                    Some(sj) => {
                        j = sj + 1;
                        mark += 1;
                        i = mark;
                    }
                    None => return false,
                },
            }
        }
        while matches!(self.parts.get(j), Some(LikeTok::Any)) {
            j += 1;
        }
        j == self.parts.len()
    }
}
