//! The Gaussian hypergeometric function 2F1, summed as a checked power series.

/// More terms than any input of the value models needs (z stays well below 1 there).
const MAX_TERMS: usize = 100_000;

/// 2F1(a, b; c; z) for 0 ≤ z < 1, by its power series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ.
///
/// `None` when the series is not defined (c a non-positive integer, z outside [0, 1)),
/// overflows, or has not converged after `MAX_TERMS` terms.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let defined = (0.0..1.0).contains(&z) && !(c <= 0.0 && c.fract() == 0.0);
    if !defined || !a.is_finite() || !b.is_finite() || !c.is_finite() {
        return None;
    }
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for n in 0..MAX_TERMS {
        let n = n as f64;
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return None;
        }
        // stop once the terms shrink and the next one no longer changes the sum;
        // a zero term ends a terminating series (a or b a non-positive integer)
        if term == 0.0 || (ratio.abs() < 1.0 && term.abs() <= 1e-17 * sum.abs()) {
            return Some(sum);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-13 * b.abs().max(1.0)
    }

    #[test]
    fn matches_closed_forms() {
        for z in [0.0f64, 0.1, 0.5, 0.9, 0.99] {
            // 2F1(1, 1; 2; z) = −ln(1 − z) / z
            let want = if z == 0.0 { 1.0 } else { -(1.0 - z).ln() / z };
            assert!(close(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), want), "z={z}");
            // 2F1(a, b; b; z) = (1 − z)^−a
            assert!(close(
                hyp2f1(0.7, 3.3, 3.3, z).unwrap(),
                (1.0 - z).powf(-0.7)
            ));
            // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z) / z
            let s = z.sqrt();
            let want = if z == 0.0 { 1.0 } else { s.asin() / s };
            assert!(close(hyp2f1(0.5, 0.5, 1.5, z).unwrap(), want), "z={z}");
        }
    }

    #[test]
    fn terminating_series_are_polynomials() {
        // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
        let (b, c, z) = (1.5, 2.5, 0.4);
        let want = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert!(close(hyp2f1(-2.0, b, c, z).unwrap(), want));
    }

    #[test]
    fn known_value_from_tables() {
        // 2F1(1, 1; 2; 1/2) = 2 ln 2, and the special value 2F1(1/3, 2/3; 5/6; 27/32) = 8/5
        assert!(close(hyp2f1(1.0, 1.0, 2.0, 0.5).unwrap(), 2.0 * 2f64.ln()));
        assert!(
            (hyp2f1(1.0 / 3.0, 2.0 / 3.0, 5.0 / 6.0, 27.0 / 32.0).unwrap() - 1.6).abs() < 1e-12
        );
    }

    #[test]
    fn undefined_or_divergent_inputs_give_none() {
        assert_eq!(hyp2f1(1.0, 1.0, -2.0, 0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, -0.1), None);
        assert_eq!(hyp2f1(f64::NAN, 1.0, 2.0, 0.1), None);
        // converges too slowly this close to 1 with c − a − b < 0
        assert_eq!(hyp2f1(5.0, 5.0, 1.0, 1.0 - 1e-9), None);
    }
}
