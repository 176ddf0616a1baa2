//! A text dictionary's words end to end in one buffer: no allocation per word, one copy to keep.

use std::fmt;
use std::ops::Index;

/// Words, each found by its number: word `i` is `text[ends[i-1]..ends[i]]`.
///
/// Ten million distinct e-mail addresses are two allocations here, where `Vec<String>` makes
/// ten million (and frees as many), so reading, caching and dropping a unique text column
/// costs a copy of its bytes rather than an allocation per row.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Words {
    text: String,
    ends: Vec<usize>,
}

impl Words {
    pub fn new() -> Words {
        Words::default()
    }

    /// Words from their bytes end to end and each one's length; `None` when the lengths do not
    /// add up to the text or cut a character in two.
    pub fn from_lengths(text: String, lens: impl IntoIterator<Item = u64>) -> Option<Words> {
        let lens = lens.into_iter();
        let mut ends = Vec::with_capacity(lens.size_hint().0);
        let mut at = 0usize;
        for l in lens {
            at = at.checked_add(usize::try_from(l).ok()?)?;
            if !text.is_char_boundary(at) {
                return None;
            }
            ends.push(at);
        }
        (at == text.len()).then_some(Words { text, ends })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Add `w` as the last word (whether or not it is already there).
    pub fn push(&mut self, w: &str) {
        self.text.push_str(w);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    /// Whether word `i` is `w` (bytes compared, no character boundaries looked up: the hot
    /// question of a dictionary being filled).
    #[inline]
    pub fn is(&self, i: usize, w: &str) -> bool {
        let end = self.ends[i];
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        end - start == w.len() && &self.text.as_bytes()[start..end] == w.as_bytes()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator + Clone {
        (0..self.len()).map(|i| &self[i])
    }

    /// Every word's bytes, end to end.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Each word's length in bytes.
    pub fn lengths(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        let e = &self.ends;
        (0..e.len()).map(move |i| e[i] - if i == 0 { 0 } else { e[i - 1] })
    }
}

impl Index<usize> for Words {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(w) => w,
            None => panic!("word {i} of a dictionary of {}", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Words {
    fn from_iter<I: IntoIterator<Item = S>>(it: I) -> Words {
        let mut w = Words::new();
        for s in it {
            w.push(s.as_ref());
        }
        w
    }
}

impl<S: AsRef<str>> Extend<S> for Words {
    fn extend<I: IntoIterator<Item = S>>(&mut self, it: I) {
        for s in it {
            self.push(s.as_ref());
        }
    }
}

impl fmt::Debug for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back_as_pushed_empty_and_multibyte_ones_included() {
        let all = ["", "Rīga", "a", "", "日本語", "zz"];
        let w: Words = all.iter().collect();
        assert_eq!(w.len(), all.len());
        assert_eq!(w.iter().collect::<Vec<_>>(), all);
        assert_eq!(w.iter().next_back(), Some("zz"));
        assert_eq!(&w[1], "Rīga");
        assert!(w.is(1, "Rīga") && !w.is(1, "Riga") && w.is(0, "") && !w.is(2, ""));
        assert_eq!(w.get(6), None);
        assert_eq!(
            w.lengths().collect::<Vec<_>>(),
            all.iter().map(|s| s.len()).collect::<Vec<_>>()
        );
        let again = Words::from_lengths(
            w.text().to_string(),
            w.lengths().map(|l| l as u64).collect::<Vec<_>>(),
        );
        assert_eq!(again.as_ref(), Some(&w));
        assert_eq!(format!("{w:?}"), format!("{all:?}"));
    }

    #[test]
    fn lengths_that_do_not_fit_the_text_are_refused() {
        let text = || "Rīga".to_string(); // five bytes: 'ī' is two, at 1..3
        assert!(Words::from_lengths(text(), [1, 5]).is_none(), "too long");
        assert!(Words::from_lengths(text(), [1, 2]).is_none(), "too short");
        assert!(
            Words::from_lengths(text(), [2, 3]).is_none(),
            "cuts 'ī' in two"
        );
        assert!(
            Words::from_lengths(text(), [u64::MAX, 1]).is_none(),
            "overflow"
        );
        assert_eq!(
            Words::from_lengths(text(), [1, 2, 2]).map(|w| w.len()),
            Some(3)
        );
    }
}
