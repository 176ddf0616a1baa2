//! The entry format reads back what it wrote, refuses damage, and stores numbers narrow.

use super::*;
use proptest::prelude::*;

use crate::engine::eval::frame::TextVec;

/// An entry's bytes as the cache hands them to the decoder.
fn shared(b: &[u8]) -> super::read::Shared {
    std::sync::Arc::new(b.to_vec())
}

fn frame() -> Frame {
    let mut f = Frame::new(3);
    f.set(
        "b",
        Vector::Bool(vec![Some(true), None, Some(false)].into()),
    );
    f.set(
        "i",
        Vector::Int(vec![Some(-7), Some(i64::MAX), None].into()),
    );
    f.set(
        "x",
        Vector::Float(vec![None, Some(0.1), Some(-2.5e300)].into()),
    );
    f.set("d", Vector::Date(vec![Some(-1), None, Some(20_000)].into()));
    f.set(
        "t",
        Vector::Text(TextVec::from_values(
            [Some("é ü"), None, Some("é ü")].into_iter(),
        )),
    );
    f
}

fn bytes(key: &str, f: &Frame) -> Vec<u8> {
    encode(io::Cursor::new(Vec::new()), (key, "meta"), f)
        .unwrap()
        .into_inner()
}

fn same(a: &Frame, b: &Frame) -> bool {
    a.len == b.len && a.names == b.names && a.raw_columns() == b.raw_columns()
}

#[test]
fn every_column_type_reads_back_as_written() {
    let f = frame();
    let b = bytes("k", &f);
    let (meta, back) = decode(shared(&b[..]), "k").unwrap();
    assert_eq!(meta, "meta");
    assert!(same(&f, &back));
}

/// A column is read from the entry's bytes only when it is first used, each on its own; its
/// type is known before.
#[test]
fn columns_are_read_when_first_used() {
    let f = frame();
    let b = bytes("k", &f);
    let (_, back) = decode(shared(&b[..]), "k").unwrap();
    assert!(back.raw_columns().iter().all(|c| !c.is_read()));
    assert_eq!(
        back.dtype_of("t"),
        Some(crate::engine::eval::frame::DType::Text)
    );
    assert_eq!(back.get("i"), f.get("i"));
    let read: Vec<bool> = back.raw_columns().iter().map(|c| c.is_read()).collect();
    assert_eq!(read, [false, true, false, false, false]);
    // clones share what was read
    let copy = back.clone();
    assert_eq!(copy.get("t"), f.get("t"));
    assert!(back.raw_columns()[4].is_read());
}

/// Whole numbers, dates and text codes take the fewest bytes their span needs, at every
/// width's edge, and read back exactly (missing values, negative bases, the full i64 span).
#[test]
fn narrow_columns_take_the_fewest_bytes_and_read_back() {
    let n = 1000;
    let entry = |v: Vector| {
        let mut f = Frame::new(n);
        f.set("c", v);
        let b = bytes("k", &f);
        let (_, back) = decode(shared(&b[..]), "k").unwrap();
        assert!(same(&f, &back));
        b.len()
    };
    let empty = entry(Vector::Int(vec![None; n].into()));
    for (span, width) in [(0, 1), (255, 1), (256, 2), (65_535, 2), (65_536, 4)] {
        let lo = -1_000_000_000_i64;
        let ints: Vec<Option<i64>> = (0..n as i64)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some(lo + span),
                2 => Some(lo),
                _ => Some(lo + (i * 37) % (span + 1)),
            })
            .collect();
        assert_eq!(
            entry(Vector::Int(ints.into())),
            empty + (width - 1) * n,
            "{span}"
        );
    }
    let wide = vec![Some(i64::MIN), None, Some(i64::MAX), Some(0)];
    let wide: Vec<Option<i64>> = wide.into_iter().cycle().take(n).collect();
    assert_eq!(entry(Vector::Int(wide.into())), empty + 7 * n);
    let days: Vec<Option<i32>> = (0..n as i32)
        .map(|i| (i % 5 > 0).then_some(19_000 + i))
        .collect();
    assert_eq!(entry(Vector::Date(days.into())), empty + n);
    // dates four bytes wide from a day after 1970 (a far "no end" date among them) with some
    // missing: what is stored under a missing one is not a date, and is never read as one
    for (lo, hi) in [(10_957, 2_932_896), (-719_162, 2_932_896), (0, 70_000)] {
        let days: Vec<Option<i32>> = (0..n as i32)
            .map(|i| match i % 4 {
                0 => None,
                1 => Some(hi),
                _ => Some(lo + i),
            })
            .collect();
        assert_eq!(entry(Vector::Date(days.into())), empty + 3 * n, "{lo}");
    }
    // decimals as a file writes them take the bytes of their hundredths; any other double
    // (a sum, -0.0, a NaN) stays eight bytes and reads back bit for bit
    let cents: Vec<Option<f64>> = (0..n)
        .map(|i| (i % 4 > 0).then(|| format!("{}.{:02}", i / 100, i % 100).parse().unwrap()))
        .collect();
    // one byte more than whole numbers: the count of decimal places
    assert_eq!(entry(Vector::Float(cents.into())), empty + n + 1);
    for odd in [0.1 + 0.2, -0.0, f64::NAN, 1e300, 12345.67891] {
        let f: Vec<Option<f64>> = (0..n)
            .map(|i| Some(if i == 5 { odd } else { 2.5 }))
            .collect();
        let mut frame = Frame::new(n);
        frame.set("c", Vector::Float(f.into()));
        let b = bytes("k", &frame);
        let (_, back) = decode(shared(&b[..]), "k").unwrap();
        let Vector::Float(back) = &**back.col(0) else {
            panic!("a float column")
        };
        assert_eq!(back.get(5).map(f64::to_bits), Some(odd.to_bits()), "{odd}");
        if odd != 12345.67891 {
            assert!(b.len() > empty + 6 * n, "{odd}: eight bytes a value");
        }
    }
    let words: Vec<Option<String>> = (0..n)
        .map(|i| (i % 3 > 0).then(|| format!("w{}", i % 300)))
        .collect();
    let text = Vector::Text(TextVec::from_values(words.iter().map(|w| w.as_deref())));
    entry(text);
}

#[test]
fn another_key_is_not_this_entry() {
    let b = bytes("k", &frame());
    assert!(matches!(
        decode(shared(&b[..]), "k2"),
        Err(Refused::OtherKey)
    ));
}

#[test]
fn every_single_byte_change_and_every_truncation_is_refused() {
    let b = bytes("key", &frame());
    for i in 0..b.len() {
        let mut d = b.clone();
        d[i] ^= 0x5a;
        let r = decode(shared(&d[..]), "key");
        assert!(matches!(r, Err(Refused::Damaged(_))), "byte {i}: {r:?}");
    }
    for n in 0..b.len() {
        let r = decode(shared(&b[..n]), "key");
        assert!(matches!(r, Err(Refused::Damaged(_))), "cut at {n}");
    }
}

#[test]
fn impossible_counts_are_refused_before_they_are_allocated() {
    let mut f = Frame::new(1000);
    f.set("i", Vector::Int(vec![Some(1); 1000].into()));
    let b = bytes("k", &f);
    // the column count sits after the key, its checksum, the meta text and the row count
    let at = 16 + 8 + 1 + 4 + 8 + 4 + 8;
    for (off, v) in [(at + 3, 0x01u8), (at - 1, 0x7f)] {
        let mut d = b.clone();
        d[off] = v;
        assert!(matches!(
            decode(shared(&d[..]), "k"),
            Err(Refused::Damaged(_))
        ));
    }
}

proptest! {
    #[test]
    fn any_frame_reads_back(ints in proptest::collection::vec(proptest::option::of(any::<i64>()), 0..300),
                            words in proptest::collection::vec(proptest::option::of("[a-c]{0,3}"), 0..300),
                            days in proptest::collection::vec(proptest::option::of(any::<i32>()), 300)) {
        let n = ints.len().min(words.len());
        let mut f = Frame::new(n);
        f.set("i", Vector::Int(ints[..n].to_vec().into()));
        f.set("d", Vector::Date(days[..n].to_vec().into()));
        f.set("t", Vector::Text(TextVec::from_values(words[..n].iter().map(|w| w.as_deref()))));
        let b = bytes("p", &f);
        let (_, back) = decode(shared(&b[..]), "p").unwrap();
        prop_assert!(same(&f, &back));
    }
}
