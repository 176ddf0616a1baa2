//! Reading an entry's bytes with every length checked against what is left.

use super::Refused;

/// The body of an entry, read in order from `at`; nothing is read past `end`.
pub(super) struct Checked<'a> {
    pub(super) all: &'a [u8],
    pub(super) at: usize,
    pub(super) end: usize,
}

impl<'a> Checked<'a> {
    pub(super) fn take(&mut self, n: u64) -> Result<&'a [u8], Refused> {
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.end - self.at)
            .ok_or_else(|| Refused::Damaged("a length points past its end".into()))?;
        let b = &self.all[self.at..self.at + n];
        self.at += n;
        Ok(b)
    }
    pub(super) fn u32(&mut self) -> Result<u32, Refused> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(super) fn u64(&mut self) -> Result<u64, Refused> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    /// A text of at most `max` bytes.
    pub(super) fn text(&mut self, max: u64) -> Result<String, Refused> {
        let n = self.u64()?;
        if n > max {
            return Err(Refused::Damaged("a text is longer than it can be".into()));
        }
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| Refused::Damaged("text is not UTF-8".into()))
    }
    pub(super) fn left(&self) -> u64 {
        (self.end - self.at) as u64
    }
}
